#!/bin/sh
# Chapter 03, coroutines: each program shows what it exists to show. Programs on the
# event loop run on its virtual clock (LAB_VIRTUAL_CLOCK=1), so their times are exact.
. "${0%/*}/lib.sh"
ch=03-coroutines

# section TEXT FIRST LAST: the lines from the one matching FIRST up to the one matching LAST.
section() {
    printf '%s\n' "$1" | sed -n "/$2/,/$3/p"
}

# --- three_forms: plain functions wait one after another; the other two forms together.
LAB_VIRTUAL_CLOCK=1 run $ch/three_forms --quick
is "$rc" 0 "three_forms exits 0"
is "$(result three_forms.seconds.generator)" 0.06 "generators: 3 workers x 3 pauses of 0.02 s take 0.06 s (virtual clock)"
is "$(result three_forms.seconds.coroutine)" 0.06 "coroutines: the same 0.06 s"
check "plain functions wait 9 pauses in a row (at least 0.18 s of real time)" \
    num_cmp "$(result three_forms.seconds.blocking)" '>=' 0.18
# who_stepped TEXT: the workers' names in the order their steps were printed.
who_stepped() {
    printf '%s\n' "$1" | grep -E '\] step [0-9]$' | grep -o 'worker-[0-9]' | tr '\n' ' '
}
is "$(who_stepped "$(section "$out" '^1\. ' '^2\. ')")" \
    "worker-1 worker-1 worker-1 worker-2 worker-2 worker-2 worker-3 worker-3 worker-3 " \
    "plain functions: each worker finishes before the next starts"
is "$(who_stepped "$(section "$out" '^2\. ' '^3\. ')")" \
    "worker-1 worker-2 worker-3 worker-1 worker-2 worker-3 worker-1 worker-2 worker-3 " \
    "generators: the workers take their steps in turn"
is "$(who_stepped "$(section "$out" '^3\. ' '^timeline')")" \
    "worker-1 worker-2 worker-3 worker-1 worker-2 worker-3 worker-1 worker-2 worker-3 " \
    "coroutines: the same turns"
like "$out" '^worker-3 +#-+#-+#-+#?\|' "the timeline shows worker-3 running between its waits"

# --- chain_tasks: 任务1, 任务2, 任务3, 0.02 s apart, as chapter 02's callbacks were.
LAB_VIRTUAL_CLOCK=1 run $ch/chain_tasks --quick
is "$rc" 0 "chain_tasks exits 0"
is "$(result chain_tasks.steps)" 3 "chain_tasks ran its three steps"
is "$(result chain_tasks.steps.soon)" 3 "also with no pause (the call_soon version)"
is "$(result chain_tasks.seconds)" 0.06 "three awaits of sleep(0.02) take exactly 0.06 s (virtual clock)"
like "$out" '任务1 \(step 1\), 0\.020 s after the start' "任务1 comes 0.02 s after the start"
like "$out" '任务3 \(step 3\), 0\.060 s after the start' "任务3 comes 0.06 s after the start"
LAB_VIRTUAL_CLOCK=1 run $ch/chain_tasks --quick --seconds 0.1
is "$(result chain_tasks.seconds)" 0.3 "--quick keeps a pause given, even the default: 3 x 0.1 s"

# --- coroutine_result: the value comes back as a call, through a task, and as an error.
LAB_VIRTUAL_CLOCK=1 run $ch/coroutine_result --quick
is "$rc" 0 "coroutine_result exits 0"
is "$(result coroutine_result.delivered)" 3 "all three outcomes arrived"
like "$out" 'got "结果"' "await my_coroutine() returned 结果"
like "$out" 'result "12 squared is 144"' "the task's result came through its future"
like "$out" 'returned -111 \(Connection refused\): the database at 127\.0\.0\.1:5432 refused us' \
    "the error came as a code and a message"

# --- async_iterator: 1..5 in order, the ticker running in between.
LAB_VIRTUAL_CLOCK=1 run $ch/async_iterator --quick
is "$rc" 0 "async_iterator exits 0"
is "$(result async_iterator.count)" 5 "it produced five numbers"
is "$(result async_iterator.in_order)" 1 "1, 2, 3, 4, 5 in order"
is "$(result async_iterator.ticks)" 9 "the ticker ticked twice per number (0.01 s ticks, 0.1 s in all)"
is "$(result async_iterator.ticker_cancelled)" 1 "the ticker, cancelled, ends cancelled: it swallows no cancel"
order=$(printf '%s\n' "$out" | sed -n -e 's/.*\] \[main\] \([0-9]\)$/\1/p' -e 's/.*\] \[ticker\] tick .*/t/p' | tr '\n' ' ')
is "$order" "t 1 t t 2 t t 3 t t 4 t t 5 " \
    "two ticks between numbers: the iterator's sleeps let the ticker run"

# --- async_context: the exit ran once after each kind of ending.
LAB_VIRTUAL_CLOCK=1 run $ch/async_context --quick
is "$rc" 0 "async_context exits 0"
is "$(result async_context.closed.success)" 1 "the exit closed the connection after a success"
is "$(result async_context.closed.error)" 1 "after an error"
is "$(result async_context.closed.cancelled)" 1 "and after a cancellation, awaiting its close all the same"
is "$(result async_context.closes_interrupted)" 0 "no close was cut short"
# A close is counted when its await completed: cancelled again while it closes, it is not.
LAB_VIRTUAL_CLOCK=1 run $ch/async_context --quick --cancel-close
is "$(result async_context.closed.cancelled)+$(result async_context.closes_interrupted)" 0+1 \
    "--cancel-close: the close cut short by a second cancel is not counted as closed"
like "$out" 'close interrupted: cancelled again' "...and it is said"
like "$out" '\[main\] error: 数据库操作失败 \(failed\): no such table' "the error reached main with its message"
like "$out" '\[main\] cancelled: cancelled' "the cancelled task ended cancelled"

# --- leak_detector: the leak is visible in the counts, and gone with --fixed.
LAB_VIRTUAL_CLOCK=1 run $ch/leak_detector --quick
is "$rc" 0 "leak_detector exits 0"
is "$(result leak_detector.failed)" 6 "6 of 20 requests failed"
is "$(result leak_detector.leaked)" 6 "and each left its keepalive helper alive"
is "$(result leak_detector.monitor_cancelled)" 1 "the monitor, cancelled, ends cancelled: it swallows no cancel"
counts=$(printf '%s\n' "$out" | sed -n "s/.*'keepalive': \([0-9]*\).*/\1/p" | tr '\n' ' ')
check "the monitor saw the keepalive count grow ($counts)" \
    sh -c 'set -- $1; [ "$1" -lt "$(eval echo \${$#})" ]' _ "$counts"
like "$out" '\[async_run\] 6 tasks still running: keepalive x6; cancelling' \
    "async_run names the leaked tasks at the end and cancels them"
LAB_VIRTUAL_CLOCK=1 run $ch/leak_detector --quick --fixed
is "$(result leak_detector.leaked)" 0 "--fixed: no keepalive survives its request"
unlike "$out" 'still running' "and nothing is left for async_run to cancel"

# --- switch_cost: every kind of switch happened; a coroutine switch is far the cheapest.
run $ch/switch_cost --quick
is "$rc" 0 "switch_cost exits 0 (it checks that every switch reached the other side)"
for kind in context task_yield ucontext thread_handoff; do
    check "switch_cost made $kind switches" num_cmp "$(result switch.count.$kind)" '>' 0
    # A busy machine only ever adds time: the figure is the fastest round, never another.
    fastest=$(awk -F'\t' -v n="switch.round_ns.$kind" '$1 == n && (m == "" || $2 + 0 < m + 0) { m = $2 } END { print m }' "$results")
    is "$(result switch.ns.$kind)" "$fastest" "switch_cost keeps the fastest of its $kind rounds"
done
check "a coroutine switch costs less than a third of a thread hand-off" \
    num_cmp "$(result switch.ns.context)" '<' "$(awk -v t="$(result switch.ns.thread_handoff)" 'BEGIN { print t / 3 }')"

# --- task_memory: a state machine is smallest; a coroutine costs about a page.
run $ch/task_memory --quick
is "$rc" 0 "task_memory exits 0"
stackless=$(result tasks.bytes_per_task.stackless) stackful=$(result tasks.bytes_per_task.stackful)
check "a state machine costs less than a coroutine ($stackless < $stackful bytes)" \
    num_cmp "$stackless" '<' "$stackful"
# The kernel stacks are counted in bytes: /proc/meminfo gives KiB. A kernel stack is 8 KiB
# or more on every Linux; the figure is system-wide, but other programs would have to end
# nearly as many threads as these 200, in the moment they start, to hide that.
check "a thread's kernel stack is given in bytes: over 1 KiB ($(result tasks.kernel_bytes_per_thread))" \
    num_cmp "$(result tasks.kernel_bytes_per_thread)" '>' 1024
if [ -z "$LAB_SANITIZER" ]; then # the sanitizers' shadow memory inflates every figure
    check "a state machine costs under 512 bytes ($stackless)" num_cmp "$stackless" '<' 512
    check "a coroutine costs at least the stack page it touched ($stackful >= 4096)" \
        num_cmp "$stackful" '>=' 4096
    check "and at most two pages and a bit ($stackful <= 8704)" num_cmp "$stackful" '<=' 8704
    check "a thread costs more than a coroutine" \
        num_cmp "$(result tasks.bytes_per_task.thread)" '>' "$stackful"
fi

# --- send_by_hand: the A1 §2.2 erratum shown: coroutines are driven by send().
run $ch/send_by_hand --quick
is "$rc" 0 "send_by_hand exits 0"
is "$(result send_by_hand.c_received)" 42 "the value of the second resume reached the coroutine's await"
like "$out" 'resume \(send\(None\)\) -> it yielded "waiting"' "the first resume runs it to its await"
like "$out" 'resume \(send\(42\)\) -> it returned "done", finished: yes' "the second finishes it"
if command -v python3 >/dev/null 2>&1; then
    like "$out" "c.send\\(None\\) -> 'waiting'" "python3: a native coroutine's send(None) runs it to its await"
    like "$out" "c.send\\(42\\) -> StopIteration, value 'done'" "...and send(42) finishes it with its result"
    like "$out" "next\\(fetch\\(\\)\\) -> TypeError" "...what it lacks is next()"
    unlike "$out" 'never awaited' "...and no coroutine is left unawaited"
else
    diag "python3 is missing: its half of send_by_hand is not checked"
fi

# --- the exercise: the checker passes the reference state machine and fails the starter.
exercise_checker_works $ch "said only liftoff: say each number first"
# Seven wrong countdowns (a busy wait that hangs, state in static variables, ...) and one
# written as an explicit state: a hang is bounded (5 s here) and said, with its lines.
LAB_CHECK_TIMEOUT=5 exercise_variants $ch countdown
like "$(LAB_CHECK_TIMEOUT=2 $ch/exercises/check.sh "$tap_tmp/variant/wrong-busy_wait")" '^\[0\.000\] A 3$' \
    "a countdown that hangs: the line it printed before is shown"
# Run by hand, on the real clock, the driver counts from its own start, as the checker does.
run $ch/exercises/solutions/countdown
like "$out" '^\[0\.0[0-9][0-9]\] A 3$' "the driver's times start at 0 on the real clock too, not at the time since boot"

done_testing
