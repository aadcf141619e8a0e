# bench/04-tasks.sh — chapter 04: gather's overlap on the real clock, and what a task costs
# under gather, beside asyncio doing the same. Sourced by bench/run.sh with bench/lib.sh.

measure 04-tasks-gather/gather --sequential
row gather.seconds "≈3 秒, not 6 (gather of 任务1..3, delays 1, 2, 3)" \
    "three tasks of 1, 2 and 3 s gathered, real clock"
row gather.sequential.seconds "—" "the same three awaited one after another"
row_value gather.ratio.sequential_over_gather \
    "$(ratio "$(recorded gather.sequential.seconds)" "$(recorded gather.seconds)")" x \
    "6 / 3 = 2x" "one after another / gathered"

measure 04-tasks-gather/spawn_cost --tasks 10000 --iterations 5
row tasks.ns_per_task.gather "—" \
    "gather over 10,000 tasks that return at once: create, run, gather, release; best of 5"
row tasks.ns_per_task.task_group "—" \
    "a task group of 10,000 tasks that return at once: create, run, exit, free; best of 5"

py=$(python_for asyncio)
if [ -n "$py" ]; then
    printf '  running %s bench/04-tasks.py\n' "$py" >&2
    LAB_RESULTS=$bench_results "$py" bench/04-tasks.py sequence 1
    LAB_RESULTS=$bench_results "$py" bench/04-tasks.py gather 10000 5
    "$py" -c 'import asyncio; asyncio.TaskGroup' 2>/dev/null &&
        LAB_RESULTS=$bench_results "$py" bench/04-tasks.py taskgroup 10000 5
    row gather.py.seconds "≈3 秒" "asyncio.gather of sleeps of 1, 2, 3 s ($py)"
    row gather.py.sequential.seconds "—" "the same awaited one after another"
    row tasks.ns_per_task.py_gather "—" "asyncio.gather over 10,000 coroutines, best of 5"
    row_value tasks.ratio.py_gather_over_gather \
        "$(ratio "$(recorded tasks.ns_per_task.py_gather)" "$(recorded tasks.ns_per_task.gather)")" x \
        "—" "asyncio's cost per gathered task / this lab's (above 1: the lab is cheaper)"
    if [ -n "$(recorded tasks.ns_per_task.py_taskgroup)" ]; then
        row tasks.ns_per_task.py_taskgroup "—" "asyncio.TaskGroup of 10,000 coroutines, best of 5"
        row_value tasks.ratio.py_taskgroup_over_task_group \
            "$(ratio "$(recorded tasks.ns_per_task.py_taskgroup)" "$(recorded tasks.ns_per_task.task_group)")" x \
            "—" "asyncio's cost per task in a group / this lab's"
    else
        echo "  ($py has no asyncio.TaskGroup (3.11+): no task group row for asyncio)" >&2
    fi
else
    echo "  (python3 is not installed: no asyncio rows)" >&2
fi
