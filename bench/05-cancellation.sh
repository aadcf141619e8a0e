# bench/05-cancellation.sh — chapter 05: what stopping work costs, a thread's and a task's,
# beside asyncio doing the same. Sourced by bench/run.sh with bench/lib.sh.

measure 05-cancellation/thread_cancel --threads 4 --iterations 200
row thread_cancel.us.cancel "— (Python cannot cancel a thread)" \
    "pthread_cancel of 4 threads in pthread_cond_wait, to pthread_join; per thread, best of 200"
row thread_cancel.us.flag "—" \
    "a stop flag set and broadcast under the mutex, to pthread_join; per thread, best of 200"
row_value thread_cancel.ratio.cancel_over_flag \
    "$(ratio "$(recorded thread_cancel.us.cancel)" "$(recorded thread_cancel.us.flag)")" x \
    "—" "pthread_cancel's time over the flag's: signal, unwinding, handlers"

measure 05-cancellation/cancel_cost --iterations 100000
row cancel.ns.to_cleanup "—" \
    "task_cancel() of a task in async_sleep, to the first line of its cleanup; median of 10,000"
row wait_for.ns.done_plain "—" "await_future of a future already done; best of 20 rounds of 10,000"
row wait_for.ns.done "合理设置超时: 使用 asyncio.wait_for 避免长时间阻塞" \
    "wait_for(f, 10 s) of a future already done: a timeout scope entered and left"

py=$(python_for asyncio)
if [ -n "$py" ]; then
    printf '  running %s bench/05-cancellation.py\n' "$py" >&2
    LAB_RESULTS=$bench_results "$py" bench/05-cancellation.py cancel 10000
    LAB_RESULTS=$bench_results "$py" bench/05-cancellation.py wait_for 10000
    row cancel.ns.to_cleanup.py_asyncio "—" \
        "task.cancel() to the first line of its except CancelledError; median of 10,000 ($py)"
    row_value cancel.ratio.py_asyncio_over_lab \
        "$(ratio "$(recorded cancel.ns.to_cleanup.py_asyncio)" "$(recorded cancel.ns.to_cleanup)")" x \
        "—" "the same cancel through asyncio's loop and through this lab's"
    row wait_for.ns.done_plain.py_asyncio "—" "await of a done future; best of 20 rounds of 1,000"
    row wait_for.ns.done.py_asyncio "—" \
        "await asyncio.wait_for(fut, 10) of a done future ($("$py" -c 'import sys; print("Python %d.%d" % sys.version_info[:2])'); before 3.12 it turns the loop twice even then)"
    row_value wait_for.ratio.py_asyncio_over_lab \
        "$(ratio "$(recorded wait_for.ns.done.py_asyncio)" "$(recorded wait_for.ns.done)")" x \
        "—" "wait_for of a done future: asyncio's time over this lab's"
else
    echo "  (python3 is not installed: no asyncio rows)" >&2
fi
