#!/bin/sh
# Chapter 01, gil_sim: under the simulated GIL one thread runs at a time and the threads
# take turns (the GIL changes hands, both finish near the end), every count is right;
# without the GIL threads do run at once; the switch interval sets how often the GIL
# changes hands. Bad options exit 2 with one line.
. "${0%/*}/lib.sh"
prog=01-gil-and-threads/gil_sim

# Turns and first-done fractions are times: a busy machine can stall one thread of one
# run. Each mode's fastest of three runs (the least disturbed) is the one reported.
run $prog --repeat 3
is "$rc" 0 "gil_sim --quick --repeat 3 exits 0"
for mode in sequential sim_gil_threads free_threads processes; do
    is "$(result gil.correct.$mode)" 2 "$mode: both workers counted to the right number"
done
is "$(result gil.most_running.sim_gil_threads)" 1 "under the GIL, one thread at a time ran a bytecode"
like "$out" 'held by one thread at a time: never two threads in a bytecode' "and the program says so"
if [ "$(nproc)" -ge 2 ]; then
    # The same check sees two threads at once when nothing stops them: it is not blind.
    check "without the GIL, threads ran bytecodes at the same time" \
        num_cmp "$(result gil.most_running.free_threads)" ">=" 2
else
    diag "one core: threads without the GIL cannot be seen running at once"
fi
check "threads dropped the GIL on request ($(result gil.forced_drops) forced switches)" \
    num_cmp "$(result gil.forced_drops)" ">=" 1
is "$(result gil.retaken)" 0 \
    "forced switching: no thread that dropped on request took the GIL back before another did"
handovers=$(result gil.handovers)
check "the GIL changed hands between the threads ($handovers hand-overs)" num_cmp "$handovers" ">=" 5
# Turns: both threads progress together, so the first one finishes near the end, while
# one thread doing both jobs finishes the first half way.
first=$(result gil.first_done.sim_gil_threads)
check "under the GIL the threads took turns: the first finished late (at $first of the run)" \
    num_cmp "$first" ">=" 0.7
check "one thread doing both jobs finishes the first one half way" \
    num_cmp "$(result gil.first_done.sequential)" "<=" 0.75
like "$out" '^  \|1*2+1+[12]*\||^  \|2*1+2+[12]*\|' "the timeline shows the GIL going back and forth"

# The switch interval is what makes the GIL change hands.
# A second of work each: on a busy machine the waiter is scheduled late, and a short run
# leaves too few intervals to tell the two apart.
run $prog --seconds 1 --switch-interval 0.5
often=$(result gil.handovers)
run $prog --seconds 1 --switch-interval 100
rarely=$(result gil.handovers)
check "a 0.5 ms switch interval hands the GIL over far more often than 100 ms ($often vs $rarely)" \
    num_cmp "$often" ">" "$((rarely * 2))"

run $prog --threads 3 --seconds 0.05
is "$rc" 0 "--threads 3 runs"
is "$(result gil.correct.sim_gil_threads)" 3 "three threads under the GIL all count right"
is "$(result gil.most_running.sim_gil_threads)" 1 "and still one at a time"

run $prog --repeat 3 --seconds 0.03
is "$rc" 0 "--repeat 3 runs every mode three times"
is "$(result gil.most_running.sim_gil_threads)" 1 "and the GIL held in every run"

run $prog --threads 1 --iterations 1000000
is "$rc" 0 "--iterations sets the count"
check "each worker counted to exactly 1000000" num_cmp "$(result gil.iterations)" "==" 1000000
is "$(result gil.correct.processes)" 1 "and the count is checked in every mode"

for bad in "--threads 0" "--threads abc" "--threads 65" "--iterations -1" "--seconds 0" \
    "--switch-interval 0" "--switch-interval x" "--repeat 0" "--threads" "--bogus"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    run $prog $bad
    is "$rc" 2 "gil_sim $bad exits 2"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "gil_sim $bad says what is wrong in one line"
done
# The hard case, made certain: every waiter woken by a drop is slow to run again (2 ms,
# as on a busy machine). Rule 3 still hands the GIL over; without it the dropper would
# take it straight back every time.
run $prog --quick --wakeup-delay 2
check "--wakeup-delay 2: the GIL was still dropped on request ($(result gil.forced_drops) times)" \
    num_cmp "$(result gil.forced_drops)" ">=" 1
is "$(result gil.retaken)" 0 "...and never taken back by the thread that dropped it (rule 3)"
check "...so it still changed hands ($(result gil.handovers))" num_cmp "$(result gil.handovers)" ">=" 1

# Rule 1: a waiter asks only after a whole interval in which the GIL did not change hands.
# With three threads, a waiter's interval can end just after another waiter's request
# handed the GIL over: it must wait a new interval, not ask the new holder at once. The
# turn is taken at the end of the waiter's interval (not when it ran again, which a busy
# machine delays): exactly one interval or more, however late anything was scheduled.
run $prog --threads 3 --seconds 1 --switch-interval 1
requests=$(result gil.drop_requests)
check "three threads, a 1 ms interval: waiters asked for the GIL ($requests requests)" \
    num_cmp "$requests" ">=" 1
check "...never sooner than 1 ms after it changed hands ($(result gil.shortest_turn_ms) ms)" \
    num_cmp "$(result gil.shortest_turn_ms)" ">=" 1
like "$out" 'asked for the GIL when its holder had had it [0-9.]+ ms at the least' \
    "and the program says how soon"

# Under the GIL threads take turns: a speedup above 1x (with 15% for jitter) is noise, and
# flagged as such, whatever the machine did to this run.
run $prog --quick
sp=$(result gil.speedup.sim_gil_threads)
is "$(result gil.noise.sim_gil_threads)" "$(awk -v s="$sp" 'BEGIN { print (s > 1.15) ? 1 : 0 }')" \
    "threads under the GIL at ${sp}x: flagged as noise exactly when above 1x"
cores=$(nproc)
sp=$(result gil.speedup.free_threads)
is "$(result gil.noise.free_threads)" "$(awk -v s="$sp" -v c="$cores" 'BEGIN { print (s > 1.15 * (c < 2 ? c : 2)) ? 1 : 0 }')" \
    "threads without the GIL at ${sp}x: noise exactly when above what 2 threads on $cores cores can give"
done_testing
