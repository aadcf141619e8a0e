#!/bin/sh
# Check chapter 04's exercise (exercises/bounded_gather.c): run its checks on the virtual
# clock and say what is wrong; a run that does not end is reported as a hang.
# Usage: check.sh DIRECTORY-OF-THE-BUILT-BINARIES   (make exercise-4 passes build/...)
dir=${1:?usage: check.sh BUILD-DIR/04-tasks-gather/exercises}
if [ ! -x "$dir/bounded_gather" ]; then
    echo "$dir/bounded_gather is not built: make exercise-4 builds it (it must compile without warnings)"
    exit 1
fi
out=$(timeout -k 2 10 "$dir/bounded_gather" --check 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v -e '^\[ *[0-9.]*s\] \[async_run\]' -e '^\[ *[0-9.]*s\] \[loop\]'
verdict=ok
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "FAIL - the checks did not finish in 10 s: bounded_gather hangs. On the virtual clock"
    echo "       time moves only when every task waits: a loop of async_sleep(0) (busy-waiting)"
    echo "       never lets it, and a wait for something that never happens never ends."
    verdict=no
elif [ "$rc" -gt 128 ]; then
    echo "FAIL - the checks crashed (signal $((rc - 128))): look for a job index past the end, or a task used after task_release"
    verdict=no
fi
leaked=$(printf '%s\n' "$out" | grep -c 'was never released')
if [ "$leaked" -gt 0 ]; then
    echo "FAIL - $leaked task(s) never released: every create_task needs a task_release once you are done with the task"
    verdict=no
fi
if [ "$verdict" = ok ] && [ "$rc" -eq 0 ]; then
    echo "All right: at most limit jobs at once, each started as soon as a slot frees, outcomes in order, cancels obeyed."
    exit 0
fi
echo "Not yet: fix bounded_gather in 04-tasks-gather/exercises/bounded_gather.c, then run make exercise-4 again."
exit 1
