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
is "$(result swallowed.scope_timed_out)" 0 "later, a 0.3 s timeout scope in a swallowing task never timed out"
is "$(result swallowed.scope_took)" 0.9 "...its body ran 0.9 s: the deadline's cancel was swallowed too"
is "$(result swallowed.scope_cancelling_after)" 1 "...and the count is still the stale 1"
is "$(result clean.group_next_cancelled)" 0 "a failed task group in a clean task: the next await runs normally"
is "$(result swallowed.group_next_cancelled)" 1 \
    "the same after a swallowed cancel: the stale count is requested again, the next await gets -ECANCELED"
like "$out" 'await task → a result: "任务完成"' "main read a result"

# --- wait_for_timeout: times in the article's seconds (--quick runs them 20x faster).
LAB_VIRTUAL_CLOCK=1 run $ch/wait_for_timeout --quick
is "$rc" 0 "wait_for_timeout exits 0"
is "$(result wait_for.timeout3.timed_out)" 1 "wait_for(5 s task, 3): -ETIMEDOUT"
is "$(result wait_for.timeout3.cleanup_ended_at)" 3.2 "the task was cancelled at 3 s and its 0.2 s rollback ended at 3.2 s"
is "$(result wait_for.timeout3.returned_at)" 3.2 "the caller saw the timeout at 3.2 s: after the cleanup, not at 3.0"
like "$out" 'done yes, cancelled yes;.*cleanup first' "the task was done and cancelled when the caller saw it"
is "$(result wait_for.timeout6.timed_out)" 0 "wait_for(5 s task, 6): no timeout"
is "$(result wait_for.timeout6.returned_at)" 5 "the result came at 5 s"
like "$out" '结果: 任务完成' "and it was 任务完成"
is "$(result wait_for.scope.returned_at)" 3.2 "the coroutine form (a scope in main's task): -ETIMEDOUT at 3.2 s too"
is "$(result wait_for.scope.timed_out)" 1 "...as a timeout"

# --- check_weather: the article's run, then a limit shorter than the queries.
LAB_VIRTUAL_CLOCK=1 run $ch/check_weather --quick
is "$rc" 0 "check_weather exits 0"
is "$(result check_weather.article.timed_out)" 0 "a 5 s limit: no timeout"
is "$(result check_weather.article.seconds)" 0.1 "the four queries ran together: one query's time (0.1 s)"
is "$(printf '%s\n' "$out" | grep -o '[^ ]*的天气晴朗' | tr '\n' ' ')" "北京的天气晴朗 上海的天气晴朗 广州的天气晴朗 深圳的天气晴朗 " \
    "the results in the cities' order"
is "$(result check_weather.short.timed_out)" 1 "a 0.05 s limit: 查询超时"
is "$(result check_weather.short.seconds)" 0.05 "at the deadline exactly"
is "$(result check_weather.short.not_done)" 0 "when it was seen, no task was still running: all were cancelled"
is "$(result check_weather.short.manual_cancels)" 0 "so the article's cancel loop cancelled nothing"
is "$(result check_weather.cleanup.seconds)" 0.05 "queries whose cleanup awaits: the timeout came at the deadline"
is "$(result check_weather.cleanup.not_done)" 3 "the fail-fast gather had ended with the first: three were still cleaning up"
is "$(result check_weather.cleanup.manual_cancels)" 3 "the article's loop cancelled them again"
is "$(result check_weather.cleanup.cleanups_cut)" 3 "and cut all three cleanups short"
is "$(result check_weather.cleanup_return_exceptions.seconds)" 0.08 \
    "with return_exceptions the timeout comes once the slowest cleanup (3 steps of 0.01 s) is done"
is "$(result check_weather.cleanup_return_exceptions.not_done)" 0 "then nothing is left running"
is "$(result check_weather.cleanup_return_exceptions.cleanups_cut)" 0 "and no cleanup is cut"

# --- deadline_scope: times in steps (one step: 0.02 s with --quick).
LAB_VIRTUAL_CLOCK=1 run $ch/deadline_scope --quick
is "$rc" 0 "deadline_scope exits 0"
is "$(result deadline.request.expired)" 1 "one scope around three awaits expired"
is "$(result deadline.request.ended_at)" 2.5 "at its deadline, 2.5 steps in: the third await was cut"
like "$out" "scope 'request' EXPIRED: -ECANCELED -> -ETIMEDOUT" "its -ECANCELED became -ETIMEDOUT"
is "$(result deadline.inner.expired)" 1 "nested: the inner scope expired"
is "$(result deadline.outer.expired)" 0 "the outer did not"
is "$(result deadline.nested.ended_at)" 2.5 "the inner cut at 1.5 steps, the fetch after it took one more"
like "$out" "scope 'outer' did not expire: ok -> ok" "the outer went on normally after the inner's timeout was handled"
is "$(result deadline.outer2.expired)" 1 "the outer first: the outer scope expired"
is "$(result deadline.inner2.expired)" 0 "the inner did not"
like "$out" "scope 'inner2' did not expire: -ECANCELED -> -ECANCELED" "the inner passed the cancel on unchanged"
like "$out" "scope 'outer2' EXPIRED: -ECANCELED -> -ETIMEDOUT" "the outer, which expired, converted it"
is "$(result deadline.outer_first.ended_at)" 1 "at the outer's deadline, 1 step in"
is "$(result deadline.cancelling_after)" 0 "each scope took back its own cancel: task_cancelling() is 0"

# --- shield_payment: three steps of 0.03 s (--quick); the checkout is cancelled at 0.04 s.
LAB_VIRTUAL_CLOCK=1 run $ch/shield_payment --quick
is "$rc" 0 "shield_payment exits 0"
is "$(result shield.unshielded.steps_done)" 1 "unshielded: the payment was cut after its first step (the debit)"
is "$(result shield.unshielded.payment_committed)" 0 "...and never committed"
like "$out" 'CUT after 1 of 3 steps.*reached none' "the output says the money reached no account"
is "$(result shield.shielded.checkout_cancelled)" 1 "shielded: the checkout was cancelled"
is "$(result shield.shielded.checkout_ended)" 0.04 "...at once, at 0.04 s, without waiting for the payment"
is "$(result shield.shielded.steps_done)" 3 "the payment ran all three steps"
is "$(result shield.shielded.payment_ended)" 0.09 "...to its end at 0.09 s"
is "$(result shield.shielded.payment_committed)" 1 "...and committed"
like "$out" "main \\(the payment's owner\\) saw it end committed" "its owner, main, awaited it to its end"

# --- cancel_cost: the figures the bench reads are there (their size is the bench's business).
run $ch/cancel_cost --quick
is "$rc" 0 "cancel_cost exits 0"
check "it timed a cancel to its cleanup" num_cmp "$(result cancel.ns.to_cleanup)" '>' 0
check "and wait_for around a done await" num_cmp "$(result wait_for.ns.done)" '>' 0

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
    out=$(timeout 60 python3 $ch/errata/check_weather.py 2>&1 </dev/null)
    like "$out" '^查询超时！' "A4 check_weather: the queries time out"
    like "$out" 'added: \(done, cancelled\) = \[\(True, True\), \(True, True\), \(True, True\), \(True, True\)\]' \
        "when TimeoutError is caught, every task is done and cancelled"
    like "$out" 'added: the loop cancelled 0 tasks' "the article's loop cancels nothing"
    like "$out" 'added: the loop cancelled 3 tasks' "with cleanups that await, it cancels three again"
    is "$(printf '%s\n' "$out" | grep -c 'cleanup CUT SHORT')" 3 "...and cuts their cleanups short, as in C"
    out=$(timeout 60 python3 $ch/errata/swallowed_count.py 2>&1 </dev/null)
    like "$out" '^clean: asyncio.run raised KeyboardInterrupt' "a clean main: Ctrl-C ends asyncio.run with KeyboardInterrupt"
    like "$out" '^swallowed: cancelling\(\) = 1' "a main that swallowed a cancel keeps cancelling() = 1"
    like "$out" '^swallowed: asyncio.run raised CancelledError' "...and its Ctrl-C comes out as CancelledError: asyncio read the stale count"
elif [ "${LAB_REQUIRE_ALL:-}" = 1 ]; then
    check "python3 is there for the errata (LAB_REQUIRE_ALL=1)" false
else
    diag "python3 is missing: the errata are not checked"
fi
done_testing
