# bench/06-queues.sh — chapter 06: items per second from one producer to one consumer,
# through each kind of queue, beside asyncio.Queue doing the same. Sourced by bench/run.sh
# with bench/lib.sh.

measure 06-producer-consumer/queue_speed --seconds 0.5 --rounds 3
row queue.items_per_s.async "— (A2 shows Queue(maxsize=5), gives no figure)" \
    "queue.h, two tasks on one loop, 1 item per put, maxsize 100, best of 3"
row queue.items_per_s.threads "—" "bqueue.h (mutex + 3 conditions), two threads, 1 item per put"
row queue.items_per_s.shm "—" \
    "bqueue.h in MAP_SHARED memory (process-shared mutex), two processes, 1 item per put"
row queue.items_per_s.pipe.batch1 "—" "a pipe between two processes, 1 item (8 bytes) per write"
row queue.items_per_s.pipe.batch512 "—" "a pipe, 512 items (4 KiB) per write"
row_value queue.ratio.async_over_threads \
    "$(ratio "$(recorded queue.items_per_s.async)" "$(recorded queue.items_per_s.threads)")" x \
    "—" "a hand-off by function call vs by lock and futex"

py=$(python_for asyncio)
if [ -n "$py" ]; then
    printf '  running %s bench/06-queues.py\n' "$py" >&2
    LAB_RESULTS=$bench_results "$py" bench/06-queues.py 0.5 3 >/dev/null
    row queue.items_per_s.py_asyncio "—" \
        "asyncio.Queue(maxsize=100), two tasks, 1 item per put, best of 3 ($py)"
    row_value queue.ratio.async_over_py_asyncio \
        "$(ratio "$(recorded queue.items_per_s.async)" "$(recorded queue.items_per_s.py_asyncio)")" x \
        "—" "the same hand-off through the lab's queue and asyncio's; target ≥ 20x"
else
    echo "  (python3 is not installed: no asyncio row)" >&2
fi
