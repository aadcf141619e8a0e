#!/bin/sh
# Chapter 06, log_thread: every record logged is written or dropped and counted, each
# worker's records reach the terminal in order, a full queue drops instead of waiting,
# and a direct write to a full pipe stalls the worker; no thread is left running.
. "${0%/*}/lib.sh"
ch=06-producer-consumer

run $ch/log_thread --quick
is "$rc" 0 "quick run: exit 0"
is "$(result log.adds_up)" 1 "every mode: written + dropped = logged, each worker's records in order"
is "$(result log.threads_left)" 0 "no thread left running (the writer and the terminal were joined)"

# A terminal that pauses 10 ms after each read of 511 bytes, and a 4 KiB pipe: once the pipe
# is full, a direct write waits for the next read, most of a pause (a slower machine only
# makes it longer). 1000 records at once, a queue of 256: the queue must drop some.
run $ch/log_thread --quick --threads 2 --records 500 --work-ms 0 --terminal-ms 10
is "$(result log.adds_up)" 1 "a terminal slower than the workers: the counts still add up"
check "writing directly, a worker waited for the terminal's pause (10 ms)" \
    num_cmp "$(result log.direct.worst_stall_ms)" ">=" 5
check "through the queue with put_nowait, records were dropped (and counted), not waited for" \
    num_cmp "$(result log.drop.dropped)" ">" 0
like "$out" 'queue, wait when full +1000 +1000 +0 ' "waiting when full drops nothing"
done_testing
