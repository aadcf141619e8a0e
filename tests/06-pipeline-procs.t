#!/bin/sh
# Chapter 06, pipeline_procs: across processes, every record arrives once and whole, end of
# file travels down the pipeline in order (producers, then the worker, then the parent),
# the parent drains before it reaps, and no child is left behind, not even a zombie.
# Act 2, the forgotten close: EOF comes only once the parent closes its copy.
. "${0%/*}/lib.sh"
ch=06-producer-consumer

run $ch/pipeline_procs --quick
is "$rc" 0 "pipeline_procs: exit 0"
is "$(result pipeline.act1.ok)" 1 "act 1: every record once, whole, in each producer's order; every child exited 0"
is "$(result pipeline.act2.ok)" 1 "act 2: the same once the forgotten write end is closed"
is "$(result pipeline.children_left)" 0 "no child left, running or zombie"
is "$(result pipeline.forgotten_close_found)" 1 "act 2: the parent saw no EOF while it held pipe A's write end"
# The order of the end-of-file lines in act 1: three producers exit, then the worker sees
# EOF on A, then the parent sees it on B.
order=$(printf '%s\n' "$out" | sed '/^Act 2/q' | sed -n 's/.*\] \[\([a-z]*\)-*[0-9]*\] .*\(exiting closes my\|end of file\).*/\1/p' | tr '\n' ' ')
is "$order" "producer producer producer worker main " "end of file travels down: producers, worker, parent"
act2=$(printf '%s\n' "$out" | sed -n '/^Act 2/,$p')
like "$(printf '%s\n' "$act2" | sed -n '/Closing it now/,$p')" 'worker\] read returned 0: end of file on pipe A' \
    "act 2: the worker's EOF came after the parent closed its copy"
unlike "$(printf '%s\n' "$act2" | sed '/Closing it now/q')" 'end of file on pipe A' \
    "...and not before"
run $ch/pipeline_procs --records 1
is "$(result pipeline.act1.ok)" 1 "one record each: nothing lost"
done_testing
