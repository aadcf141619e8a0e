#!/bin/sh
# Check chapter 02's exercise (exercises/timers.c): run its checks and say what is wrong.
# Usage: check.sh DIRECTORY-OF-THE-BUILT-BINARIES   (make exercise-2 passes build/...)
# LAB_CHECK_TIMEOUT=S bounds the run (60 s by default): a heap_pop that never empties the
# heap keeps the loop running for ever, and that is said, with what was printed before.
dir=${1:?usage: check.sh BUILD-DIR/02-event-loop/exercises}
limit=${LAB_CHECK_TIMEOUT:-60}
if [ ! -x "$dir/timers" ]; then
    echo "$dir/timers is not built: make exercise-2 builds it (it must compile without warnings)"
    exit 1
fi
timeout -k 5 "$limit" "$dir/timers" --check
status=$?
case $status in
    0)
        echo "All right: your timers come out of a heap, earliest first, ties in order."
        exit 0
        ;;
    1) ;;
    124 | 137) echo "The checks did not finish in $limit s: does heap_pop take the timer out (h->count - 1), and does each loop in heap_push and heap_pop end?" ;;
    *)
        if [ "$status" -gt 128 ]; then
            echo "The checks were killed by SIG$(kill -l $((status - 128))) after the lines above: does heap_push or heap_pop read or write past h->count?"
        else
            echo "The checks stopped with exit status $status after the lines above."
        fi
        ;;
esac
echo "Not yet: fix heap_push and heap_pop in 02-event-loop/exercises/timers.c, then run make exercise-2 again."
exit 1
