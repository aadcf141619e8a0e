# bench/03-coroutines.sh — chapter 03: what a switch costs, and what a waiting task costs
# in memory, beside asyncio doing the same. Sourced by bench/run.sh with bench/lib.sh.

measure 03-coroutines/switch_cost --seconds 2
row switch.ns.context "没有线程切换开销 (no thread-switch overhead)" \
    "coro_resume + coro_yield, best of 5 rounds; target ≤ 15 ns"
row switch.ns.task_yield "—" "two tasks taking turns with async_sleep(0); target ≤ 50 ns"
row switch.ns.ucontext "—" "swapcontext(3) saves the signal mask with a system call"
row switch.ns.thread_handoff "—" "two threads, mutex + condition variable, one hand-off"
row_value switch.ratio.ucontext_over_context \
    "$(ratio "$(recorded switch.ns.ucontext)" "$(recorded switch.ns.context)")" x \
    "—" "coroutine switches in the time of one swapcontext; target ≥ 10x"
row_value switch.ratio.thread_over_context \
    "$(ratio "$(recorded switch.ns.thread_handoff)" "$(recorded switch.ns.context)")" x \
    "前者没有线程切换开销" "coroutine switches in the time of one thread hand-off"

measure 03-coroutines/task_memory --tasks 100000 --threads 10000
row tasks.bytes_per_task.stackless "协程是一种轻量级的线程 (a lightweight thread)" \
    "100,000 state machines waiting on timers; RSS growth / N; target ≤ 256 B"
row tasks.bytes_per_task.stackful "协程是一种轻量级的线程" \
    "100,000 tasks in async_sleep; RSS growth / N (touched pages); target ≤ 8.5 KiB"
row tasks.bytes_per_task.thread "—" \
    "10,000 threads in pthread_cond_wait; RSS growth / N, kernel stack not included"
row tasks.kernel_bytes_per_thread "—" "KernelStack growth in /proc/meminfo / N (system-wide)"

py=$(python_for asyncio)
if [ -n "$py" ]; then
    printf '  running %s bench/03-coroutines.py\n' "$py" >&2
    LAB_RESULTS=$bench_results "$py" bench/03-coroutines.py switch 2
    LAB_RESULTS=$bench_results "$py" bench/03-coroutines.py memory 100000
    row switch.ns.py_asyncio "—" \
        "two asyncio tasks taking turns with asyncio.sleep(0), best of 5 ($py)"
    row_value switch.ratio.py_asyncio_over_task_yield \
        "$(ratio "$(recorded switch.ns.py_asyncio)" "$(recorded switch.ns.task_yield)")" x \
        "—" "the same turn through asyncio's loop and through this lab's"
    row tasks.bytes_per_task.py_asyncio "—" \
        "100,000 asyncio tasks in asyncio.sleep(); RSS growth / N"
else
    echo "  (python3 is not installed: no asyncio rows)" >&2
fi
