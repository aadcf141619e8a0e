#!/bin/sh
# Chapter 01's exercise: the checker fails the starter (its GIL never changes hands on
# the interval) and passes the reference solution.
. "${0%/*}/lib.sh"
exercise_checker_works 01-gil-and-threads
done_testing
