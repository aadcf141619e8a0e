#!/bin/sh
# Chapter 04, tasks and gather: each program shows what it exists to show. They run on the
# event loop's virtual clock (LAB_VIRTUAL_CLOCK=1), so every time below is exact: with
# --quick the article's second is 0.01 s.
. "${0%/*}/lib.sh"
ch=04-tasks-gather

# lines_of TEXT REGEX: the lines matching REGEX, with the "[ 0.001s] " stamp cut off.
lines_of() {
    printf '%s\n' "$1" | grep -E -- "$2" | sed 's/^\[ *[0-9.]*s\] //'
}

# --- create_task: the creator runs on first; B (1 s) ends before A (2 s); 2 s in all.
LAB_VIRTUAL_CLOCK=1 run $ch/create_task --quick
is "$rc" 0 "create_task exits 0"
is "$(lines_of "$out" '等待任务完成|task_func 开始' | tr '\n' '|')" \
    "[main] 等待任务完成...  (the task exists, but has not run yet)|[task_func] task_func 开始 (at 0.00 s)|" \
    "A2: main prints 等待任务完成... before the task's first line (create_task only schedules it)"
is "$(result create_task.a2.seconds)" 0.01 "A2: await task returns after the task's 1 s"
is "$(lines_of "$out" '任务 [AB] (开始|完成)' | cut -d' ' -f1-3 | tr '\n' '|')" \
    "[A] 任务 A|[B] 任务 B|[B] 任务 B|[A] 任务 A|" "A3: A and B start, then B finishes first, then A"
is "$(result create_task.b_before_a)" 1 "A3: B (1 s) finished before A (2 s) though A was awaited first"
is "$(result create_task.a3.seconds)" 0.02 "A3: the two tasks took 2 s, not 3"
like "$out" 'they overlapped \(one after another: 0\.03 s\)' "and the program says they overlapped"

# --- gather: 1, 2, 3 s together take 3 s; results in argument order.
LAB_VIRTUAL_CLOCK=1 run $ch/gather --quick --sequential
is "$rc" 0 "gather exits 0"
is "$(result gather.seconds)" 0.03 "gather of 1, 2, 3 s takes 3 s (the longest)"
is "$(result gather.sequential.seconds)" 0.06 "the same awaited one after another takes 6 s (the sum)"
like "$out" 'the sum 0\.06 s -> the tasks overlapped' "the program compares the total with the sum"
is "$(result gather.fetch_data.seconds)" 0.01 "A3: three fetch_data of 1 s each take 1 s"
is "$(result gather.finished_out_of_order)" 1 "part 3: the tasks finished 任务2, 任务3, 任务1..."
is "$(printf '%s\n' "$out" | sed -n '/^3\./,/finishing order/p' | sed -n 's/^   results\[\([0-9]\)\] = \(任务[0-9]\).*/\1\2/p' | tr '\n' ' ')" \
    "0任务1 1任务2 2任务3 " "...and the results still came in argument order"

# --- breakfast: 3 s, not 5; a burnt toast cancels the coffee at 2 s.
LAB_VIRTUAL_CLOCK=1 run $ch/breakfast --quick
is "$rc" 0 "breakfast exits 0"
is "$(result breakfast.seconds)" 0.03 "coffee (3 s) and toast (2 s) together: breakfast at 3 s"
is "$(result breakfast.coffee_made)" 1 "with the coffee made"
like "$out" '早餐准备完成：一杯香浓的咖啡和一片金黄的吐司' "and both results, coffee first"
is "$(result breakfast.burnt.coffee_left_running)" 1 "burnt toast: gather left the coffee running"
is "$(result breakfast.burnt.coffee_cancelled)" 1 "and the except clause's cancel ended it"
is "$(result breakfast.burnt.seconds)" 0.02 "at 2 s, when the toast burned"
like "$out" '准备早餐时发生错误：面包烤焦了' "the error was caught with its message"
is "$(printf '%s\n' "$out" | grep -c '咖啡准备好了')" 1 "the coffee was ready only in the first run"

# --- gather_errors: fail fast at 1 s, the other task completes at 2 s; return_exceptions in order.
LAB_VIRTUAL_CLOCK=1 run $ch/gather_errors --quick
is "$rc" 0 "gather_errors exits 0"
is "$(result gather_errors.way1.caught_at)" 0.01 "方式1: the ValueError reaches main at 1 s"
like "$out" '捕获到异常: 任务1出错 \(at 0\.01 s\); way1\.task2 is still running' \
    "with task2 still running"
is "$(result gather_errors.way1.task2_finished)" 0.02 "erratum: 方式1's task2 completes at 2 s, after gather raised"
is "$(result gather_errors.way1.task2_ran_on)" 1 "neither failed nor cancelled"
is "$(result gather_errors.way2.slots_in_order)" 1 "方式2: [ValueError, result], in argument order"
is "$(result gather_errors.way2.task2_finished)" 0.03 "方式2 waited for task2 (started at 1 s, done at 3 s)"
like "$out" 'results \(at 0\.03 s\) = \[ValueError 任务1出错, "任务2完成"\]' "printed as the article's comment has it"

# --- batch_fetch: wait hands back done and pending; each outcome read, the failure named.
LAB_VIRTUAL_CLOCK=1 run $ch/batch_fetch --quick
is "$rc" 0 "batch_fetch exits 0"
is "$(result batch_fetch.read)" 5 "ALL_COMPLETED: all five outcomes read"
is "$(result batch_fetch.failed)" 1 "one failure"
like "$out" '获取 http://example.com/missing 失败: 404 Not Found' "named by its url, with its error"
is "$(result batch_fetch.seconds)" 0.02 "wait returned when the slowest (2 units) ended"
is "$(result batch_fetch.timeout.read)" 4 "with a timeout of 1 unit: four done"
is "$(result batch_fetch.timeout.pending_running)" 1 "and the slow one pending, still running: wait cancels nothing"
unlike "$out" 'never retrieved' "every error was read: nothing reported"

# --- exception_trap: no crash; one report on stderr for the unawaited task, none when awaited.
LAB_VIRTUAL_CLOCK=1 run $ch/exception_trap --quick
is "$rc" 0 "exception_trap exits 0: the loop did not crash"
is "$(result exception_trap.reports.unhandled)" 1 "the unawaited failing task is reported once"
is "$(result exception_trap.reports.handled)" 0 "the awaited one is not reported"
stderr=$(LAB_VIRTUAL_CLOCK=1 "$LAB_BUILD/$ch/exception_trap" --quick 2>&1 >/dev/null)
is "$(printf '%s\n' "$stderr" | grep -c .)" 1 "stderr holds exactly one line"
like "$stderr" '^\[ *[0-9.]*s\] \[loop\] Task exception was never retrieved \(in faulty_task\): .*任务出错$' \
    "the report names the task and its error"
like "$out" '捕获异常: 任务出错' "the 正例 catches the error"
like "$out" 'main is still running at 0\.01 s' "main ran on after the task failed"
like "$out" 'returned normally: yes' "asyncio.run() returned normally"

# --- taskgroup_vs_gather: gather cancels nothing; the task group cancels the rest at once.
LAB_VIRTUAL_CLOCK=1 run $ch/taskgroup_vs_gather --quick
is "$rc" 0 "taskgroup_vs_gather exits 0"
is "$(result taskgroup_vs_gather.gather.cancelled)" 0 "gather: the other two fetches were not cancelled"
is "$(result taskgroup_vs_gather.gather.last_end)" 0.03 "and ran on to 3 s"
is "$(result taskgroup_vs_gather.group.cancelled)" 2 "the task group cancelled the other two"
is "$(result taskgroup_vs_gather.group.last_end)" 0.01 "at 1 s, when url1 failed"
is "$(result taskgroup_vs_gather.group.body_cancelled)" 1 "and interrupted its body"
is "$(result taskgroup_vs_gather.group.errors)" 1 "one error reported"
like "$out" 'except\* url1: url1: connection reset' "by the child's name"
like "$out" 'it is the task group that cancels' "the verdict against the article"

# --- semaphore_batch: the most tasks inside the semaphore never exceeds max_concurrent.
LAB_VIRTUAL_CLOCK=1 run $ch/semaphore_batch --quick
is "$rc" 0 "semaphore_batch exits 0"
is "$(result semaphore_batch.article.peak)" 3 "the article's 3 tasks under max_concurrent=5: all 3 inside at once"
is "$(result semaphore_batch.large.peak)" 5 "20 tasks: at most 5 inside, and 5 reached"
is "$(result semaphore_batch.large.seconds)" 0.04 "20 tasks of 0.01 s, 5 at a time: 0.04 s"
is "$(result semaphore_batch.large.in_order)" 20 "every result in its task's place"
check "no line shows more than 5 inside" sh -c '! printf "%s\n" "$1" | grep -q "inside: [6-9]"' _ "$out"
LAB_VIRTUAL_CLOCK=1 run $ch/semaphore_batch --quick --tasks 37
is "$(result semaphore_batch.large.peak)" 5 "37 tasks: still at most 5 inside"
is "$(result semaphore_batch.large.seconds)" 0.08 "in 8 rounds of 0.01 s"

# --- testing: a fresh loop per test; the fake's awaits checked; the timeout in no real time.
run $ch/testing --quick
is "$rc" 0 "testing exits 0"
is "$(result testing.as_expected)" 3 "all three tests ended as expected (PASS, FAIL, TIMEOUT)"
is "$(printf '%s\n' "$out" | grep -c 'its clock at 0\.000 s')" 3 "each test starts on a new loop, its clock at 0"
like "$out" 'not ok - mock_client\.get\.assert_awaited_once\(\) \(awaited 2 times\)' \
    "the retrying fetch_data fails assert_awaited_once"
is "$(result testing.timeout.loop_seconds)" 30 "the hung test is stopped at 30 s of loop time"
check "in under a second of real time" num_cmp "$(result testing.timeout.real_seconds)" '<' 1

# --- task_lifetime: released tasks run on unread; an owner reads every outcome.
LAB_VIRTUAL_CLOCK=1 run $ch/task_lifetime --quick
is "$rc" 0 "task_lifetime exits 0"
is "$(result task_lifetime.released.left)" 0 "released tasks run to their end (the loop holds them)"
is "$(result task_lifetime.released.reports)" 1 "the released one that failed is reported as never retrieved"
like "$out" 'Task exception was never retrieved \(in metrics-refused\)' "by name"
like "$out" '\[async_run\] 1 task still running: heartbeat; cancelling' \
    "the released heartbeat is left for async_run to cancel"
is "$(result task_lifetime.owned.read)" 3 "the owner's done callback read all three outcomes"
like "$out" 'owner: metrics-refused failed: the metrics server refused us' "the error with its message"
like "$out" 'owner: heartbeat was cancelled' "and the cancelled one"
is "$(result task_lifetime.owned.reports)" 0 "so nothing is reported"
is "$(result task_lifetime.owned.left)" 0 "and the owner's set is empty at the end"

# --- context_values: each task sees its own request id; a child's change stays in the child.
run $ch/context_values --quick
is "$rc" 0 "context_values exits 0"
is "$(result context_values.checks)" 10 "ten checks of the id inside the tasks"
is "$(result context_values.mismatches)" 0 "none saw another request's id, or a later change"
is "$(result context_values.main_untouched)" 1 "main never saw a child's id"
like "$out" '\[query_db\] \[request_id=r1\] rows back' "query_db kept the id it started with"
like "$out" '\[retry_cache\] \[request_id=r2/retry\]' "a child's own set shows in its lines"
like "$out" '\[handle_request\] \[request_id=r2\] still r2 here' "and not in its parent's"
unlike "$out" '\[main\] \[request_id' "main's lines carry no tag"
unlike "$out" '\[request_id=r1[^]]*\].*r2|\[request_id=r2[^]]*\].*r1' "no line mixes the two requests"

# --- spawn_cost: gather over N tasks finishes, and says what each cost.
run $ch/spawn_cost --quick
is "$rc" 0 "spawn_cost exits 0 (it dies if the gather of its tasks fails)"
is "$(printf '%s\n' "$out" | grep -c '^round [0-9]*: gather over 200 tasks, [0-9]* ns per task, [0-9]* page faults$')" 2 \
    "two rounds of 200 tasks, each with its cost and the page faults it took"
is "$(printf '%s\n' "$out" | grep -c '^round [0-9]*: a task group over 200 tasks')" 2 "and two in a task group"
check "a gathered task costs a positive number of ns" num_cmp "$(result tasks.ns_per_task.gather)" '>' 0
check "so does a task in a group" num_cmp "$(result tasks.ns_per_task.task_group)" '>' 0

done_testing
