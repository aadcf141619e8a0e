#!/bin/sh
# Chapter 01, async_pool: the event loop hands two CPU jobs to worker processes and awaits
# both with gather. Every count is right; on the loop the jobs run one after the other,
# in a pool (shared, or one per call) they run at the same time in two different workers;
# every worker is reaped. The speedup itself belongs to `make bench`.
. "${0%/*}/lib.sh"
prog=01-gil-and-threads/async_pool

# pids_of WAY-TEXT: the two worker pids printed on the line of that way.
pids_of() { printf '%s\n' "$out" | grep -F "$1" | grep -o 'pid [0-9]*' | awk '{print $2}'; }

# Whether the two jobs overlapped is read from each way's fastest of three runs: one
# run on a busy machine can start a worker only after the other job is done.
run $prog --repeat 3
is "$rc" 0 "async_pool --quick --repeat 3 exits 0"
is "$(result executor.correct)" 18 "both jobs counted right, in each of the three ways, in every run"
is "$(result executor.unclean_workers)" 0 "every worker of every pool ended cleanly"
like "$out" '^one after another, on the loop +[0-9.]+ +1\.00x' "the baseline row"
like "$out" '^gather, one pool made at start +[0-9.]+ +[0-9.]+x' "the shared pool's row"
like "$out" '^gather, a new pool per call \(as written\) +[0-9.]+ +[0-9.]+x' "the article's pool per call"
is "$(result executor.overlap.sequential)" 0 "on the loop, the second job starts after the first ends"
is "$(result executor.overlap.shared_pool)" 1 "gathered from a shared pool, the two jobs run at the same time"
is "$(result executor.overlap.pool_per_call)" 1 "and from a pool per call too"
for way in "gather, one pool made at start" "gather, a new pool per call"; do
    pids=$(pids_of "$way")
    is "$(printf '%s\n' "$pids" | sort -u | wc -l)" 2 "$way: the jobs ran in two different worker processes"
    for pid in $pids; do
        check "$way: worker $pid is gone after the run (reaped)" [ ! -e "/proc/$pid" ]
    done
done
check "the speedup was recorded for the bench" num_cmp "$(result gil.speedup.executor_processes)" ">" 0

run $prog --workers 1 --seconds 0.05
is "$rc" 0 "--workers 1 runs"
is "$(result executor.overlap.shared_pool)" 0 "with one worker the gathered jobs queue: one after the other"

for bad in "--workers 0" "--workers abc" "--seconds 0" "--repeat 0" "--bogus"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    run $prog $bad
    is "$rc" 2 "async_pool $bad exits 2"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "async_pool $bad says what is wrong in one line"
done
done_testing
