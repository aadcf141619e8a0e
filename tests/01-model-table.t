#!/bin/sh
# Chapter 01, model_table: the same jobs in every model, one measured table. Every result
# is right in every model; under the GIL (threads, or a thread pool's threads) and on the
# event loop, one worker runs Python code at a time; on the loop the CPU-bound tasks even run one after the other; the
# I/O-bound job overlaps in every concurrent model, GIL or not, loop or threads.
. "${0%/*}/lib.sh"
prog=01-gil-and-threads/model_table
models="sequential threads_gil threads_free processes loop loop_threads loop_pool"

# The fastest of three runs of each cell: a busy machine that stalls a worker, or a fork,
# in one run does not decide a time-based check (the first done, the waits overlapping).
run $prog --repeat 3
is "$rc" 0 "model_table --quick --repeat 3 exits 0"
like "$out" '^model +CPU-bound \(count\) +I/O-bound \(block\)' "one column per job"
for name in 'one after another' 'threads \+ GIL' 'threads, no GIL' 'processes' \
    'event loop \(tasks\)' 'event loop \+ thread pool' 'event loop \+ process pool'; do
    like "$out" "^$name +[0-9.]+ s +[0-9.]+x( noise)? +[0-9.]+ s +[0-9.]+x" "a row for: $name"
done
for job in cpu io; do
    for model in $models; do
        is "$(result model.correct.$job.$model)" 4 "$job job, $model: all 4 workers' results are right"
    done
    is "$(result model.most_running.$job.threads_gil)" 1 "$job job, threads + GIL: one thread at a time"
    is "$(result model.most_running.$job.loop)" 1 "$job job, event loop: one task at a time"
    is "$(result model.most_running.$job.loop_threads)" 1 "$job job, loop + thread pool: its threads share the GIL"
done
# Workers that take turns cannot be faster at CPU work: a speedup above 1x (with 15% for
# jitter) is flagged as noise, and no verdict calls them faster.
for model in threads_gil loop loop_threads; do
    sp=$(result model.speedup.cpu.$model)
    want=$(awk -v s="$sp" 'BEGIN { print (s > 1.15) ? 1 : 0 }')
    is "$(result model.noise.cpu.$model)" "$want" "CPU job, $model: ${sp}x is flagged as noise exactly when above 1x"
done
unlike "$(printf '%s\n' "$out" | grep '^CPU-bound')" 'threads \+ GIL|event loop \(tasks\)|thread pool' \
    "no model that takes turns is ever called faster for the CPU job"
like "$out" '"noise": more than the workers can give' "the table says what noise means"
# The loop's CPU-bound tasks never await: each runs to its end before the next starts, so
# the first is done a quarter of the way through (threads under the GIL take turns instead).
check "CPU-bound on the event loop: the first task finished early ($(result model.first_done.cpu.loop) of the run)" \
    num_cmp "$(result model.first_done.cpu.loop)" "<=" 0.5
if [ "$(nproc)" -ge 2 ]; then
    check "CPU-bound, loop + process pool: workers ran at the same time" \
        num_cmp "$(result model.most_running.cpu.loop_pool)" ">=" 2
else
    diag "one core: the pool's workers cannot be seen running at once"
fi
# The waits overlap in every concurrent model: the interpreter counts the workers inside a
# blocking call (or an await) at once, so the proof does not depend on how fast a model
# starts its workers (forking a pool under a sanitizer on a busy machine is slow). One
# after another, one wait at a time, and the waits take their whole sum (a sleep never
# ends early).
sum_io=$(printf '%s\n' "$out" | awk '/^[0-9]+ workers per model/ { w = $1 }
    /I\/O-bound: each makes [0-9]+ blocking calls of/ { n = $4; s = $8 } END { print w * n * s }')
seq_io=$(result model.seconds.io.sequential)
check "one after another, the waits took their whole sum ($seq_io s >= $sum_io s)" \
    num_cmp "$seq_io" ">=" "$sum_io"
is "$(result model.most_waiting.io.sequential)" 1 "one after another: one wait at a time"
for model in threads_gil threads_free processes loop loop_threads loop_pool; do
    n=$(result model.most_waiting.io.$model)
    check "I/O-bound, $model: the waits overlap ($n workers waiting at once)" \
        num_cmp "$n" ">=" 2
done
like "$out" '^I/O-bound \(block\), the most workers waiting at once: one after another 1; threads \+ GIL [0-9]' \
    "the table's reader sees the count too"

for bad in "--workers 0" "--workers abc" "--seconds -1" "--switch-interval 0" "--bogus"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    run $prog $bad
    is "$rc" 2 "model_table $bad exits 2"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "model_table $bad says what is wrong in one line"
done
# The noise rule on figures chosen for it: a real run shows noise only when the machine is
# busy, so the rule itself is checked here, built with this build's compiler and flags.
cat >"$tap_tmp/noise.c" <<'END'
#include "speedup.h"
#include <stdio.h>
int main(void)
{
    printf("%d%d%d%d %d\n", speedup_is_noise(1.1, 1), speedup_is_noise(1.2, 1),
           speedup_is_noise(2.2, 2), speedup_is_noise(2.4, 2), speedup_limit(4, true, true));
    return 0;
}
END
# shellcheck disable=SC2046 # the stamp is a command line, to be split into words
$(cat "$LAB_BUILD/.flags") -I01-gil-and-threads -o "$tap_tmp/noise" "$tap_tmp/noise.c" \
    01-gil-and-threads/speedup.c 2>"$tap_tmp/cc.err" || sed 's/^/#   /' "$tap_tmp/cc.err"
is "$("$tap_tmp/noise")" "0101 1" \
    "1.1x and 2.2x are within 1 and 2 workers' reach (15% spare), 1.2x and 2.4x are noise; workers that take turns can reach 1x"
done_testing
