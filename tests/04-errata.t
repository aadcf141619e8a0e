#!/bin/sh
# Chapter 04 errata, checked on the articles' own Python (04-tasks-gather/errata/).
. "${0%/*}/lib.sh"
require_optional 'command -v python3' python3
errata=04-tasks-gather/errata

# A0 2.2: an unhandled task exception does not crash the loop; it is logged instead.
out=$(timeout 60 python3 $errata/exception_trap.py 2>&1 </dev/null)
is "$?" 0 "exception_trap.py: the article's 反例 ends normally (exit 0)"
like "$out" '^Task exception was never retrieved$' "asyncio logs: Task exception was never retrieved"
like "$out" '^ValueError: 任务出错$' "with the task's ValueError"
like "$out" 'asyncio.run\(main\(\)\) returned None: the loop did not crash' "asyncio.run(main()) returned"
like "$out" '^捕获异常: 任务出错$' "the 正例 catches it"
is "$(printf '%s\n' "$out" | grep -c 'never retrieved')" 1 "and only the 反例 is logged"

# A2 多个任务的错误处理: the other task of a fail-fast gather runs on and completes.
# The scripts print the real clock to a tenth of a second: a busy machine runs a timer
# late (50 ms already prints the next tenth), never early, so a time is read as a band:
# "[1.0s]" to "[1.4s]" is at 1 s, and still far from the 2 s of the next event.
out=$(timeout 60 python3 $errata/gather_fail_fast.py 2>&1 </dev/null)
is "$?" 0 "gather_fail_fast.py runs to its end"
like "$out" "^\[1\.[0-4]s\] after 方式1: \['task2'\] still running$" "after the ValueError, task2 still runs"
like "$out" "^\[2\.[0-4]s\] 方式1's task2 finished$" "and finishes at 2 s (not at 3 s, with 方式2)"
like "$out" "方式1's task2: done=True cancelled=False result='任务2完成'" "with its result, not cancelled"

# A1 10: TaskGroup cancels the sibling; gather does not.
out=$(timeout 60 python3 $errata/taskgroup_vs_gather.py 2>&1 </dev/null)
is "$?" 0 "taskgroup_vs_gather.py runs to its end"
gather_part=$(printf '%s\n' "$out" | sed -n '/gather(fetch/,/TaskGroup() as tg/p')
group_part=$(printf '%s\n' "$out" | sed -n '/TaskGroup() as tg/,$p')
like "$gather_part" 'fetch\(http://slow.example/\) completed' "gather: the slow fetch completes after the failure"
unlike "$gather_part" 'cancelled' "gather cancels nothing"
like "$group_part" '^\[1\.[0-4]s\] fetch\(http://slow.example/\) cancelled' "TaskGroup: the slow fetch is cancelled at 1 s"
like "$group_part" 'ExceptionGroup' "and the group raises an ExceptionGroup"

# A1 9.2: what the done callback and weakref.finalize really do.
out=$(timeout 60 python3 $errata/task_lifetime.py 2>&1 </dev/null)
is "$?" 0 "task_lifetime.py runs to its end"
like "$out" '^Task was destroyed but it is pending!$' "a task nobody holds is collected while pending"
like "$out" 'after the callback, the result is still alive' "the done callback does not free the result"
unlike "$out" '^Task exception was never retrieved' "it marks the error retrieved (no log for the failing task)"
like "$out" '^asyncio.exceptions.CancelledError$' "on a cancelled task t.exception() raises in the callback"
like "$out" 'the Client is still alive' "weakref.finalize(self, self._cleanup) keeps the Client alive"
like "$out" "coroutine 'Client._cleanup' was never awaited" "and at exit only makes a coroutine nobody awaits"
unlike "$out" 'Client.close\(\) ran' "so close() never runs"
done_testing
