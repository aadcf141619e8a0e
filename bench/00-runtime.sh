# bench/00-runtime.sh — the runtime under every chapter (common/): its everyday
# operations in C beside the same operations under asyncio, measured in the same run.
# Sourced by bench/run.sh with bench/lib.sh; `make bench CHAPTERS=0` runs it alone.
#
# Targets (issue "the rest of asyncio in common/"): every operation at least 20x
# cheaper than asyncio's, and a queue hand-off within 2 task turns.

measure bench/runtime_cost --seconds 2.5

py=$(python_for asyncio)
if [ -n "$py" ]; then
    printf '  running %s bench/00-runtime.py\n' "$py" >&2
    LAB_RESULTS=$bench_results "$py" bench/00-runtime.py 2.5
    pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
else
    echo "  (python3 is not installed: no asyncio rows)" >&2
fi

# runtime_rows NAME WHAT: the C figure, asyncio's, and how many times cheaper C is.
runtime_rows() {
    row "runtime.ns.$1" "—" "$2; best of 5 rounds"
    [ -n "$(recorded "runtime.ns.$1.asyncio")" ] || return 0 # no python3, or too old
    row "runtime.ns.$1.asyncio" "—" "the same under asyncio (Python $pyver)"
    row_value "runtime.ratio.$1" \
        "$(ratio "$(recorded "runtime.ns.$1.asyncio")" "$(recorded "runtime.ns.$1")")" x \
        "—" "asyncio's time / the lab's; target ≥ 20x"
}

runtime_rows task_turn "a task's turn through the loop: two tasks taking turns with async_sleep(0)"
runtime_rows create_await "create_task + await_task + task_release of a task that returns at once"
runtime_rows gather_10000 "10,000 such tasks created, gathered and awaited (ns per gather)"
runtime_rows queue_handoff "an item put for a task waiting in queue_get (ping-pong over two queues)"
runtime_rows semaphore "an uncontended semaphore_acquire + semaphore_release"
runtime_rows wait_for_done "wait_for(f, 1 s) on a future already done (asyncio's before 3.12 is not yet built on timeout())"
runtime_rows timeout_scope "timeout(1 s) entered and left with nothing awaited"
row_value runtime.ratio.queue_handoff_over_task_turn \
    "$(ratio "$(recorded runtime.ns.queue_handoff)" "$(recorded runtime.ns.task_turn)")" x \
    "—" "a queue hand-off in task turns; target ≤ 2"
