#!/bin/sh
# Chapter 01, gil_io: I/O-bound threads under the simulated GIL overlap their waits when
# the blocking call releases the GIL, and queue up when it keeps it.
. "${0%/*}/lib.sh"
prog=01-gil-and-threads/gil_io

scaled() { awk -v a="$1" -v b="$2" 'BEGIN { print a * b }'; }

run $prog
is "$rc" 0 "gil_io --quick exits 0"
sum=$(result gil_io.sum_of_waits)
released=$(result gil_io.total.released)
kept=$(result gil_io.total.kept)
# Kept, the waits queue up: never shorter than their sum, however fast the machine. Released,
# 4 threads overlap theirs: about a quarter of that, so three quarters leaves a wide margin.
check "waits that keep the GIL queue up: $kept s in all for $sum s of waiting" \
    num_cmp "$kept" ">=" "$(scaled "$sum" 0.95)"
check "waits that release the GIL overlap: $released s in all, under 3/4 of the $kept s kept" \
    num_cmp "$released" "<" "$(scaled "$kept" 0.75)"
for how in released kept; do
    is "$(result gil_io.correct.$how)" 4 "$how: every thread made all its calls"
    is "$(result gil_io.most_running.$how)" 1 "$how: one thread at a time ran Python code"
done
like "$out" '\[thread-[0-9]\] call 1/2: blocks 0.10 s, releasing the GIL' "each call is announced by its thread"

# Two threads, one call each: the order of events. Released, the second call begins before
# the first can have ended (the gap between their starts is under one wait); kept, it
# begins only after (a sleep never ends early). The 0.5 s wait is the margin for a slow start.
# start_gap HOW: seconds between the two calls' announcements in the run that HOW the GIL.
start_gap() {
    printf '%s\n' "$out" | awk -v how="$1" '$0 ~ how " the GIL$" {
        t = $2; sub(/s\]$/, "", t); times[n++] = t }
        END { if (n == 2) print times[1] - times[0] }' FS='[[ ]+'
}
run $prog --threads 2 --calls 1 --seconds 0.5
released_gap=$(start_gap releasing)
kept_gap=$(start_gap keeping)
check "two threads, one call each, releasing the GIL: the second call began before the first could end ($released_gap s apart)" \
    num_cmp "$released_gap" "<" 0.5
check "keeping it: the second began only after the first had ended ($kept_gap s apart)" \
    num_cmp "$kept_gap" ">=" 0.499

# --quick shrinks only what is left at its default: 0.2 s given is kept, though it is the
# default.
run $prog --quick --threads 2 --calls 1 --seconds 0.2
is "$(result gil_io.sum_of_waits)" 0.4 "--quick --seconds 0.2: the calls block the 0.2 s given (2 x 0.2 s)"

for bad in "--threads 0" "--threads abc" "--calls 0" "--calls -1" "--seconds -1" "--bogus"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    run $prog $bad
    is "$rc" 2 "gil_io $bad exits 2"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "gil_io $bad says what is wrong in one line"
done
done_testing
