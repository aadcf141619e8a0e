"""A0 §1.1 and §1.2, the article's own code, scaled down, for `make bench`.

The article counts to 10**8 (about 5 s per count in CPython); --count makes it smaller,
and the ratios, not the seconds, are compared with the C. Three runs, as the article
writes them: the task twice in one thread, in two threads, and two tasks handed to a
process pool by asyncio (run_in_executor + gather, a new pool per call); then a fourth,
the same with one pool made once and shared, as A1 §6 does. With --repeat they take
turns and each keeps its fastest time. The speedups are written to the file named by
LAB_RESULTS, as the lab's C programs record theirs.
"""
import argparse
import asyncio
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

COUNT = 10**8  # the article's; --count replaces it


def cpu_intensive_task():
    count = 0
    for _ in range(COUNT):
        count += 1
    return count


# CPU密集型任务放入进程池 (A0 1.2, as written: a new pool for every call)
async def cpu_task():
    loop = asyncio.get_running_loop()
    result = await loop.run_in_executor(
        ProcessPoolExecutor(),
        cpu_intensive_task
    )
    return result


def record(name, value, unit):
    path = os.environ.get("LAB_RESULTS")
    if path:
        with open(path, "a") as f:
            f.write(f"{name}\t{value:.6g}\t{unit}\n")


def run_sequential():
    # 单线程执行
    start = time.time()
    cpu_intensive_task()
    cpu_intensive_task()
    print(f"单线程耗时: {time.time() - start:.2f}秒")  # 约10秒
    return time.time() - start


def run_threads():
    # 多线程执行
    start = time.time()
    t1 = threading.Thread(target=cpu_intensive_task)
    t2 = threading.Thread(target=cpu_intensive_task)
    t1.start()
    t2.start()
    t1.join()
    t2.join()
    print(f"多线程耗时: {time.time() - start:.2f}秒")  # 仍约10秒，GIL导致无法并行
    return time.time() - start


def run_processes():
    # 异步执行两个CPU任务
    start = time.time()

    async def main():
        task1 = cpu_task()
        task2 = cpu_task()
        await asyncio.gather(task1, task2)

    asyncio.run(main())
    print(f"异步+进程池耗时: {time.time() - start:.2f}秒")  # 约5秒，利用多核
    return time.time() - start


def run_executor_shared(pool):
    # The same two tasks with one pool, made once (outside the timing) and shared
    start = time.time()

    async def main():
        loop = asyncio.get_running_loop()
        await asyncio.gather(loop.run_in_executor(pool, cpu_intensive_task),
                             loop.run_in_executor(pool, cpu_intensive_task))

    asyncio.run(main())
    print(f"异步+共享进程池耗时: {time.time() - start:.2f}秒")
    return time.time() - start


def main():
    global COUNT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=COUNT, help="count to this (10**8 in the article)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the three in turn this many times, keep each one's fastest")
    args = parser.parse_args()
    COUNT = args.count

    best = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        for _ in range(args.repeat):
            for name, run in (("sequential", run_sequential), ("threads", run_threads),
                              ("processes", run_processes),
                              ("shared", lambda: run_executor_shared(pool))):
                best[name] = min(best.get(name, float("inf")), run())

    record("gil.seconds.py_sequential", best["sequential"], "s")
    record("gil.speedup.py_threads", best["sequential"] / best["threads"], "x")
    record("gil.speedup.py_processes", best["sequential"] / best["processes"], "x")
    record("gil.speedup.py_executor", best["sequential"] / best["shared"], "x")


if __name__ == "__main__":
    main()
