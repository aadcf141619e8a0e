#!/bin/sh
# Check chapter 05's exercise (exercises/worker.c): run the worker through its four
# scenarios on the loop's virtual clock (harness.c) and judge what it held, gave back and
# ended with in each. Exits 0 only when every scenario is right.
# Usage: check.sh DIR   (DIR holds the built exercise, e.g. build/05-cancellation/exercises)
# LAB_CHECK_TIMEOUT=S bounds the run (30 s by default; the virtual clock needs well under 1).
dir=${1:?usage: check.sh DIR-OF-BUILT-EXERCISE}
limit=${LAB_CHECK_TIMEOUT:-30}
program=$dir/worker
if [ ! -x "$program" ]; then
    echo "no $program: make exercise-5 builds it (it must compile without warnings)"
    exit 1
fi

results=$(mktemp "${TMPDIR:-/tmp}/lab-exercise.XXXXXX")
trap 'rm -f "$results"' EXIT
output=$(LAB_VIRTUAL_CLOCK=1 LAB_RESULTS=$results timeout -k 5 "$limit" "$program" 2>&1 </dev/null)
status=$?
printf '%s\n\n' "$output"

wrong=0
problem() {
    echo "still wrong: $*"
    wrong=$((wrong + 1))
}

for s in no_cancel cancel_in_send cancel_in_lock cancel_in_open; do
    r() { awk -F'\t' -v n="exercise.$s.$1" '$1 == n { v = $2 } END { print v + 0 }' "$results"; }
    case $s in
        no_cancel) where="with no cancel" ;;
        cancel_in_send) where="cancelled by its caller's deadline during the send" ;;
        cancel_in_lock) where="cancelled while waiting for the lock" ;;
        cancel_in_open) where="cancelled while connecting" ;;
    esac
    if [ "$(r done)" != 1 ]; then
        case $status in
            124 | 137) problem "$where: the worker never ended; the run was stopped after $limit s (a hang: does it wait for something nobody will give back, or retry after a cancel?)" ;;
            *)
                how="exit status $status"
                [ "$status" -gt 128 ] && how="killed by SIG$(kill -l $((status - 128)))"
                problem "$where: the run stopped ($how) before the scenario ended: read its last lines above"
                ;;
        esac
        break
    fi
    outcome=$(r outcome)
    if [ $s = no_cancel ]; then
        [ "$outcome" = 0 ] || problem "$where: the worker did not end with its result"
    elif [ "$outcome" = 0 ]; then
        seen=
        [ $s = cancel_in_send ] && [ "$(r caller_timed_out)" = 0 ] &&
            seen=" (here its caller's wait_for got the result instead of -ETIMEDOUT)"
        problem "$where: the worker swallowed the cancel: it ended with a result, so whoever awaits it (its caller, a shutdown) never learns it was cancelled$seen; after the cleanup, end with task_raise(-ECANCELED, ...) (TODO 3)"
    elif [ "$outcome" = 2 ]; then
        problem "$where: the worker ended with an error, not cancelled: let the -ECANCELED go on as it is (TODO 3)"
    fi
    if [ "$(r lock_bad_releases)" -gt 0 ]; then
        if [ "$(r lock_taken)" = 0 ]; then
            problem "$where: it released a lock it never got (another worker's): release only what you took (TODO 1)"
        else
            problem "$where: it released the lock twice: exactly once, on every path (TODO 2)"
        fi
    fi
    if [ "$(r bad_closes)" -gt 0 ]; then
        if [ "$(r conns_opened)" = 0 ]; then
            problem "$where: it closed a connection it never opened: close only what conn_open gave you (TODO 1)"
        else
            problem "$where: it closed the connection twice: exactly once, on every path (TODO 2)"
        fi
    fi
    if [ "$(r released_with_conn_open)" -gt 0 ]; then
        problem "$where: it released the lock before conn_close() had returned, so another worker could take a connection still closing: close first, then release (TODO 2)"
    fi
    lock_leaked=$(r lock_leaked)
    conns_leaked=$(r conns_leaked)
    if [ "$lock_leaked" = 1 ] && [ "$conns_leaked" -gt 0 ]; then
        if [ "$(r lock_released)" = 0 ] && [ "$(r conns_closed)" = 0 ]; then
            problem "$where: it released nothing on the cancel: the lock and the connection are left held. A cancelled worker sees -ECANCELED at its await, even when a caller's deadline cancelled it (only the caller sees -ETIMEDOUT) (TODO 1)"
        else
            problem "$where: the lock and the connection were left held (TODO 1)"
        fi
    elif [ "$lock_leaked" = 1 ]; then
        problem "$where: it never released the lock, so the next worker waits for ever (TODO 1)"
    elif [ "$conns_leaked" -gt 0 ]; then
        problem "$where: it never closed the connection (TODO 1)"
    fi
    if [ "$(r close_cut_short)" -gt 0 ]; then
        problem "$where: the goodbye of conn_close was cut short by a second cancel"
    fi
done

if [ "$wrong" -eq 0 ] && [ "$status" -eq 0 ]; then
    echo "All right: in all four scenarios the worker gave back exactly what it took, closed before releasing, and let the cancel go on."
    exit 0
fi
[ "$wrong" -eq 0 ] && echo "still wrong: the program exited with status $status"
exit 1
