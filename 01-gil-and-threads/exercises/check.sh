#!/bin/sh
# The checker of chapter 01's exercise: does the small GIL of gil_turns.c make threads
# take turns on the switch interval, as CPython's does?
# Usage: check.sh DIR    (DIR holds the built gil_turns; `make exercise-1` gives it)
#
# A missing rule shows in every run (the harness slows every waiter's wake-up, so a GIL
# that works only when the waiter wakes fast fails every time); a machine busy with other
# work can still disturb one run of a right answer. So the program runs up to three
# times, and two runs decide. A run that hangs is stopped, and said to hang.
# LAB_CHECK_TIMEOUT=S bounds each run (300 s by default). The harness's own watchdog
# reports a GIL stuck for 10 s; the bound is for what it cannot see, and is generous: a
# GIL that changes hands at every check (a wrong answer) takes 20 to 30 s a run here,
# each hand-over waiting out a slowed wake-up, and longer on a busy machine.
set -u
limit=${LAB_CHECK_TIMEOUT:-300}
prog=$1/gil_turns
if [ ! -x "$prog" ]; then
    echo "no $prog: make exercise-1 builds it (it must compile without warnings)"
    exit 1
fi
results=$(mktemp "${TMPDIR:-/tmp}/lab-exercise.XXXXXX")
trap 'rm -f "$results"' EXIT
value() { awk -F'\t' -v n="$1" '$1 == n { v = $2 } END { print v + 0 }' "$results"; }
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
problems=0
problem() {
    printf '✗ %s\n' "$*"
    problems=$((problems + 1))
}

clean=0
failed=0
attempt=0
while [ $clean -lt 2 ] && [ $failed -lt 2 ]; do
    attempt=$((attempt + 1))
    problems=0
    : >"$results"
    echo "== run $attempt: $prog --threads 2 --seconds 0.3 --switch-interval 5"
    LAB_RESULTS=$results timeout -k 5 "$limit" "$prog" --threads 2 --seconds 0.3 --switch-interval 5
    status=$?
    echo
    if [ $status -ne 0 ]; then
        if [ "$(value exercise.stuck_in_last_drop)" != 0 ]; then
            problem "TODO 3: thread $(value exercise.stuck_in_last_drop) finished its count and then" \
                "waited in its last mini_gil_drop for another thread to take the GIL, which nobody" \
                "wanted any more. Wait for a taker only when the drop was requested (g->drop_request)"
        elif [ "$(value exercise.stalled)" != 0 ]; then
            problem "the GIL got stuck: no thread ran for 10 s (above: where each thread was). Is a" \
                "wait never signalled, or a mutex never unlocked?"
        elif [ $status -eq 124 ] || [ $status -eq 137 ]; then
            problem "gil_turns did not finish in $limit s (it hung after the lines above)"
        elif [ $status -gt 128 ]; then
            problem "gil_turns was killed by SIG$(kill -l $((status - 128))) after the lines above"
        else
            problem "gil_turns did not finish cleanly (exit $status)"
        fi
        failed=2
        break
    fi
    handovers=$(value exercise.handovers)
    requests=$(value exercise.drop_requests)
    expected=$(printf '%.0f' "$(value exercise.expected_handovers)")
    first=$(awk -v f="$(value exercise.first_done)" 'BEGIN { printf "%.0f", 100 * f }')
    grabbed=$(value exercise.grabbed_back)
    unheld=$(value exercise.unheld)
    early=$(value exercise.asked_early)

    [ "$(value exercise.correct)" = 2 ] || problem "a thread's count is wrong"
    # One rule at a time, in the order each shows: without rule 3 the GIL is also
    # slow to change hands, which must not be blamed on rule 2.
    if [ "$unheld" -ne 0 ]; then
        problem "$unheld bytecodes ran while their thread did not hold the GIL. TODO 2: after" \
            "dropping the GIL on request, mini_eval_breaker must take it again before it returns"
    elif [ "$requests" -eq 0 ]; then
        problem "no thread ever asked for the GIL. TODO 1: when a wait of one interval times" \
            "out and the same thread held the GIL all along, set the drop request"
    elif [ "$grabbed" -ne 0 ]; then
        problem "$grabbed times the thread that dropped the GIL on request took it straight" \
            "back, before the waiter (woken slowly, as on a busy machine) could. TODO 3: after" \
            "dropping on request, wait until another thread has taken the GIL; a sleep is a guess"
    elif [ "$handovers" -lt 3 ]; then
        problem "waiters asked for the GIL $requests times, yet it changed hands only" \
            "$handovers times and the first thread finished at $first% of the run." \
            "TODO 2: does the eval breaker drop the GIL and take it again?"
    elif [ "$early" -ne 0 ]; then
        problem "$early times a waiter asked for the GIL before any of its waits had lasted a" \
            "whole interval. TODO 1: ask only when a wait of one interval timed out, and the" \
            "same thread held the GIL all along"
    elif ! at_least "$((3 * expected))" "$handovers"; then
        problem "the GIL changed hands $handovers times, far more than once per interval" \
            "(about $expected): a waiter must wait a whole interval before it asks"
    fi
    if [ $problems -eq 0 ]; then
        clean=$((clean + 1))
    else
        failed=$((failed + 1))
        echo
    fi
done

if [ $clean -ge 2 ]; then
    echo "✓ the GIL changes hands about once per interval, every request is honoured, the"
    echo "  threads finish together, none counts without the GIL. Well done: compare with gil.c."
    exit 0
fi
echo "Not yet: fix what the ✗ lines say, and run make exercise-1 again (it rebuilds)."
exit 1
