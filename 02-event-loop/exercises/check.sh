#!/bin/sh
# Check chapter 02's exercise (exercises/timers.c): run its checks and say what is wrong.
# Usage: check.sh DIRECTORY-OF-THE-BUILT-BINARIES   (make exercise-2 passes build/...)
dir=${1:?usage: check.sh BUILD-DIR/02-event-loop/exercises}
if [ ! -x "$dir/timers" ]; then
    echo "$dir/timers is not built: make exercise-2 builds it (it must compile without warnings)"
    exit 1
fi
if "$dir/timers" --check; then
    echo "All right: your timers come out of a heap, earliest first, ties in order."
    exit 0
fi
echo "Not yet: fix heap_push and heap_pop in 02-event-loop/exercises/timers.c, then run make exercise-2 again."
exit 1
