#!/bin/sh
# Chapter 05, cancellation: each program shows what it exists to show. Programs on the
# event loop run on its virtual clock (LAB_VIRTUAL_CLOCK=1), so deadlines are exact.
. "${0%/*}/lib.sh"
ch=05-cancellation

# --- cancel_cleanup: both versions release at the cancel, and main resumes only after.
LAB_VIRTUAL_CLOCK=1 run $ch/cancel_cleanup --quick
is "$rc" 0 "cancel_cleanup exits 0"
for v in finally except; do
    is "$(result cancel_cleanup.$v.released)" 1 "$v: the pipe was closed (the cleanup ran)"
    is "$(result cancel_cleanup.$v.cleanup_began)" 0.1 "$v: the cleanup began at the cancel, 0.1 s in"
    is "$(result cancel_cleanup.$v.cleanup_ended)" 0.15 "$v: its own await (0.05 s) ran to the end"
    is "$(result cancel_cleanup.$v.awaiter_resumed)" 0.15 "$v: main's await returned only then"
done
is "$(printf '%s\n' "$out" | grep -c 'await task → -ECANCELED (CancelledError); task_cancelled() = true')" 2 \
    "in both versions the cancellation reached main"
like "$out" '\[except\] 任务取消，释放资源' "the 正例's except branch ran"

# --- swallowed_cancel: what goes wrong, each measured.
LAB_VIRTUAL_CLOCK=1 run $ch/swallowed_cancel --quick
is "$rc" 0 "swallowed_cancel exits 0"
is "$(result swallowed.awaiter_got_result)" 1 "the awaiter got a result instead of a cancellation"
is "$(result swallowed.task_cancelled)" 0 "task_cancelled() is false"
is "$(result swallowed.cancelling)" 1 "task_cancelling() stays 1"
is "$(result swallowed.shutdown_stuck)" 1 "the shutdown's wait did not end"
is "$(result swallowed.shutdown_waited)" 0.5 "...for all of its 0.5 s (bounded)"
is "$(result swallowed.units_after_cancel)" 2 "the worker went on working after its cancel (2 units of 0.2 s)"
is "$(result swallowed.worker_cancelling)" 1 "its count stayed raised to the end"
like "$out" 'await task → a result: "任务完成"' "main read a result"

# --- graceful_shutdown: the default run signals itself (a real kill), on the virtual clock.
LAB_VIRTUAL_CLOCK=1 run $ch/graceful_shutdown --quick
is "$rc" 0 "graceful_shutdown's default run exits 0"
is "$(result shutdown.signal)" 15 "it was stopped by its own SIGTERM"
is "$(result shutdown.cleanups)" 5 "all five tasks ran their cleanup"
is "$(result shutdown.cancelled)" 5 "and all five ended cancelled (the cancel went on after it)"
like "$out" '\[graceful_shutdown\] 收到终止信号 SIGTERM' "the shutdown names SIGTERM"
# The two waiting workers' cleanups end after the others (they await 0.05 s): the gather
# waits for every one before the shutdown reports.
last_cleanup=$(printf '%s\n' "$out" | grep -n 'cleanup:' | tail -1 | cut -d: -f1)
first_report=$(printf '%s\n' "$out" | grep -n 'ended cancelled' | head -1 | cut -d: -f1)
check "every cleanup is printed before the shutdown reports how the tasks ended" \
    [ "${last_cleanup:-99}" -lt "${first_report:-0}" ]

# The same from outside, through real signals: kill -INT and kill -TERM, exit 0 each.
# wait_line FILE REGEX: wait (up to 60 s) until a line of FILE matches.
wait_line() {
    tries=0
    until grep -qs -E -- "$2" "$1" || [ $tries -ge 600 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
}
# reap PID: its exit status, once it has ended; killed (137) if it is still running in 60 s.
reap() {
    tries=0
    while kill -0 "$1" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ] &&
        [ $tries -lt 600 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1"
}
for sig in INT TERM; do
    log=$tap_tmp/shutdown-$sig.out
    results=$tap_tmp/results
    : >"$results"
    LAB_RESULTS=$results "$LAB_BUILD/$ch/graceful_shutdown" --send none >"$log" 2>&1 </dev/null &
    pid=$!
    wait_line "$log" 'ready:'
    kill -$sig $pid
    reap $pid
    is "$?" 0 "kill -$sig from outside: exit 0"
    like "$(cat "$log")" "收到终止信号 SIG$sig" "the shutdown names SIG$sig, the signal it got"
    is "$(grep -c 'cleanup:' "$log")" 5 "kill -$sig: every task printed its cleanup"
    is "$(result shutdown.cancelled)" 5 "kill -$sig: every task ended cancelled"
done

# --- thread_cancel: each law of pthread_cancel, checked by the program as it runs.
run $ch/thread_cancel --quick
is "$rc" 0 "thread_cancel exits 0"
is "$(result thread_cancel.verdicts_right)" 1 "every verdict came out as the laws say"
like "$out" 'yes: pthread_join says PTHREAD_CANCELED' "a thread cancelled in pthread_cond_wait ends PTHREAD_CANCELED"
like "$out" 'yes: the mutex is free afterwards' "its handler unlocked the mutex the cancel left it holding"
is "$(result thread_cancel.unhandled_mutex_stuck)" 1 "without the handler the mutex stays locked (timedlock: ETIMEDOUT)"
is "$(result thread_cancel.lock_not_a_point)" 1 "pthread_mutex_lock is not a cancellation point"
like "$out" 'yes: deferred: still running 0.1 s after the cancel' "a compute loop ignores a deferred cancel"
like "$out" 'asynchronous: ended PTHREAD_CANCELED' "an asynchronous cancel stops it"
is "$(result thread_cancel.threads_left)" 0 "no thread left behind"
check "stopping a thread by pthread_cancel was timed" num_cmp "$(result thread_cancel.us.cancel)" '>' 0
check "and by a flag and a broadcast" num_cmp "$(result thread_cancel.us.flag)" '>' 0

# --- errata, on the article's own Python.
if command -v python3 >/dev/null 2>&1; then
    out=$(timeout 60 python3 $ch/errata/finally_runs.py 2>&1 </dev/null)
    is "$?" 0 "errata/finally_runs.py runs to its end"
    like "$out" '^资源未释放$' "A0 §2.3: the 反例's finally ran on the cancel (it prints 资源未释放)"
    is "$(printf '%s\n' "$out" | grep -c 'await task raised CancelledError; task.cancelled() = True')" 2 \
        "and in both versions the CancelledError reached main"
    out=$(timeout 60 python3 $ch/errata/shutdown_bugs.py 2>&1 </dev/null)
    like "$out" '^收到终止信号 SIGINT' "A1 §8.1: sent SIGTERM, the article's handler reports SIGINT (late binding)"
    is "$(printf '%s\n' "$out" | grep -c 'cleanup ran')" 2 "its workers' cleanups do run"
    like "$out" 'asyncio.run raised CancelledError' "and asyncio.run ends with a CancelledError (main was cancelled)"
elif [ "${LAB_REQUIRE_ALL:-}" = 1 ]; then
    check "python3 is there for the errata (LAB_REQUIRE_ALL=1)" false
else
    diag "python3 is missing: the errata are not checked"
fi
done_testing
