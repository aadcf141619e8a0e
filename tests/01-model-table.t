#!/bin/sh
# Chapter 01, model_table: the same jobs in every model, one measured table. Every result
# is right in every model; under the GIL one thread runs at a time; the I/O-bound job
# overlaps in every concurrent model, GIL or not.
. "${0%/*}/lib.sh"
prog=01-gil-and-threads/model_table
models="sequential threads_gil threads_free processes"

run $prog
is "$rc" 0 "model_table --quick exits 0"
like "$out" '^job +one after another +threads \+ GIL +threads, no GIL +processes' "one column per model"
like "$out" '^CPU-bound' "a row for the CPU-bound job"
like "$out" '^I/O-bound' "a row for the I/O-bound job"
for job in cpu io; do
    for model in $models; do
        is "$(result model.correct.$job.$model)" 4 "$job job, $model: all 4 workers' results are right"
    done
    is "$(result model.most_running.$job.threads_gil)" 1 "$job job, threads + GIL: one thread at a time"
done
seq_io=$(result model.seconds.io.sequential)
bound=$(awk -v s="$seq_io" 'BEGIN { print s * 0.6 }')
for model in threads_gil threads_free processes; do
    t=$(result model.seconds.io.$model)
    check "I/O-bound, $model: the waits overlap ($t s vs $seq_io s one after another)" \
        num_cmp "$t" "<" "$bound"
done

for bad in "--workers 0" "--workers abc" "--seconds -1" "--switch-interval 0" "--bogus"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    run $prog $bad
    is "$rc" 2 "model_table $bad exits 2"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "model_table $bad says what is wrong in one line"
done
done_testing
