#!/bin/sh
# Chapter 06, conn_pool: never more than maxsize connections out (measured), acquires that
# time out or are cancelled (in line or while connecting) leak nothing, stale connections
# are recycled, and at close every permit is back and every connection made was closed.
# On the virtual clock: each outcome below is exact.
. "${0%/*}/lib.sh"
ch=06-producer-consumer
export LAB_VIRTUAL_CLOCK=1

run $ch/conn_pool --quick
is "$rc" 0 "conn_pool: exit 0"
is "$(result pool.most_out)" 20 "the most connections out at once is maxsize, 20: reached, never passed"
is "$(result pool.wave1.served)" 55 "55 of the 60 patient requests served (5 cancelled)"
is "$(result pool.wave1.timeouts)" 5 "the 5 impatient acquires timed out (-ETIMEDOUT)"
is "$(result pool.wave1.cancelled)" 5 "the 5 cancelled acquires ended cancelled"
is "$(result pool.created)" 30 "30 connections made: 20 in wave 1 (the 2 cut while connecting never counted), 10 in wave 2"
is "$(result pool.recycled)" 20 "wave 2 found the 20 idle connections older than recycle and closed them"
is "$(result pool.clean)" 1 "at close: every permit back, every connection made closed"
like "$out" 'no connection within 0\.05 s: -ETIMEDOUT' "a timed-out acquire says so"

run $ch/conn_pool --quick --maxsize 3 --minsize 3
is "$rc" 0 "maxsize 3: exit 0"
is "$(result pool.most_out)" 3 "maxsize 3: never more than 3 out"
is "$(result pool.clean)" 1 "maxsize 3: nothing leaked"

run $ch/conn_pool --minsize 9 --maxsize 4
is "$rc" 2 "minsize above maxsize: refused, exit 2"
like "$out" 'more than --maxsize' "...saying why"
done_testing
