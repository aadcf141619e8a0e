#!/bin/sh
# Chapter 01, image_pool: the process pool finishes a batch, terminates it on a timeout
# and on Ctrl-C (pressed by the program itself, or sent from outside), reports which
# images finished, its workers ignore SIGINT, and no child is left behind: none alive
# after the program, none a zombie inside it.
. "${0%/*}/lib.sh"
prog=01-gil-and-threads/image_pool

# worker_pids: the workers the last run reaped, from its "worker pid N: ..." lines.
worker_pids() { printf '%s\n' "$out" | sed -n 's/^  worker pid \([0-9]*\):.*/\1/p'; }

no_worker_alive() {
    pids=$(worker_pids)
    [ -n "$pids" ] || return 1
    for pid in $pids; do
        [ ! -e "/proc/$pid" ] || { echo "# worker $pid is still there"; return 1; }
    done
}

run $prog --batch done
is "$rc" 0 "the article's batch exits 0"
is "$(result pool.done.done)" 4 "all 4 images are done"
is "$(result pool.unfinished.done)" 0 "none is left"
is "$(result pool.children_left.done)" 0 "no child is left, not even a zombie"
like "$out" 'children left: none' "and the program says so"
is "$(printf '%s\n' "$out" | grep -c 'exited 0')" "$(worker_pids | wc -l)" "every worker exits on its own when the queue is empty"
check "no worker is alive after the program" no_worker_alive

# Each image takes S seconds; the timeout (and the Ctrl-C below) comes at 1.5 S, so the
# first round must be done within S / 2 of its own end: 1 s images leave half a second for
# a slow machine to start the workers. The second round cannot be done by then whatever
# the machine: it cannot start before 1 s, nor take less than 1 s.
run $prog --batch timeout --seconds 1
is "$rc" 0 "the timeout batch exits 0"
is "$(result pool.timed_out.timeout)" 1 "the batch timed out"
check "the first round of images finished before the timeout" num_cmp "$(result pool.done.timeout)" ">=" 1
check "the rest did not" num_cmp "$(result pool.unfinished.timeout)" ">=" 1
like "$out" 'image_[0-9]+\.jpg  NOT done: pid [0-9]+ was processing it' "it says which image each killed worker was on"
is "$(result pool.by_sigterm.timeout)" "$(worker_pids | wc -l)" "terminate() ended every worker with SIGTERM"
is "$(result pool.children_left.timeout)" 0 "no child is left after terminate()"
check "no worker is alive after the program" no_worker_alive

run $prog --batch interrupt --seconds 1
is "$rc" 0 "the Ctrl-C batch exits 0"
is "$(result pool.interrupted.interrupt)" 1 "the batch was interrupted"
is "$(result pool.timed_out.interrupt)" 0 "by Ctrl-C, not by the timeout"
check "images done before Ctrl-C are reported done" num_cmp "$(result pool.done.interrupt)" ">=" 1
check "the rest are reported not done" num_cmp "$(result pool.unfinished.interrupt)" ">=" 1
# The workers got the SIGINT too, as from a terminal: they ignored it and died of SIGTERM.
is "$(result pool.by_sigterm.interrupt)" "$(worker_pids | wc -l)" "the workers ignored SIGINT and were ended by terminate()"
unlike "$out" 'killed by SIGINT' "no worker died of the SIGINT"
# The witness of init_worker: each worker starts from the default SIGINT (the parent's
# handler is not inherited) and reports its own disposition; every report says ignored.
check "the workers reported ($(result pool.reports.interrupt) reports)" \
    num_cmp "$(result pool.reports.interrupt)" '>=' 1
is "$(result pool.reports_ignoring_sigint.interrupt)" "$(result pool.reports.interrupt)" \
    "every worker found SIGINT ignored in its own process (init_worker's SIG_IGN)"
is "$(result pool.children_left.interrupt)" 0 "no child is left after Ctrl-C"
check "no worker is alive after the program" no_worker_alive

# A real SIGINT from outside, to the parent alone, in the middle of a long batch.
results=$tap_tmp/results
: >"$results"
# Each run its own output file, made empty before the program starts: the shell opens
# (and empties) a background job's file only when the job gets to run, and a wait that
# read the last run's "the pool is up" would signal a program not yet listening.
: >"$tap_tmp/out-int"
LAB_RESULTS=$results "$LAB_BUILD/$prog" --batch done --seconds 5 >"$tap_tmp/out-int" 2>&1 </dev/null &
pid=$!
waited=0
until grep -q 'the pool is up' "$tap_tmp/out-int" || [ $waited -ge 100 ]; do
    sleep 0.1
    waited=$((waited + 1))
done
start=$(date +%s)
kill -INT $pid
wait $pid
rc=$?
out=$(cat "$tap_tmp/out-int")
is "$rc" 0 "SIGINT from outside: the pool shuts down and the program exits 0"
is "$(result pool.interrupted.done)" 1 "the batch reports the interruption"
check "it stops at once, not after the 10 s batch" [ $(($(date +%s) - start)) -le 3 ]
is "$(result pool.done.done)" 0 "no image was done"
is "$(result pool.children_left.done)" 0 "no child is left"
check "no worker is alive after the program" no_worker_alive

# kill -TERM to the parent alone: it terminates and reaps the pool, then ends by SIGTERM;
# no worker is left running, orphaned.
: >"$results"
: >"$tap_tmp/out-term"
LAB_RESULTS=$results "$LAB_BUILD/$prog" --batch done --seconds 5 >"$tap_tmp/out-term" 2>&1 </dev/null &
pid=$!
waited=0
until grep -q 'the pool is up' "$tap_tmp/out-term" || [ $waited -ge 100 ]; do
    sleep 0.1
    waited=$((waited + 1))
done
kill -TERM $pid
wait $pid 2>/dev/null # (the shell would say "Terminated": the status says it)
rc=$?
out=$(cat "$tap_tmp/out-term")
is "$rc" 143 "SIGTERM to the parent: it ends by SIGTERM (exit status 143), as asked"
like "$out" 'SIGTERM: terminate\(\) the pool' "...after terminating the pool"
is "$(result pool.children_left.done)" 0 "...and reaping it: no child left"
check "no worker is alive after the program: none orphaned" no_worker_alive

for bad in "--workers -1" "--workers abc" "--workers 65" "--seconds 0" "--batch" "--batch nope" "--bogus"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    run $prog $bad
    is "$rc" 2 "image_pool $bad exits 2"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "image_pool $bad says what is wrong in one line"
done
done_testing
