"""The Python side of bench/05-cancellation.sh, measured the way cancel_cost.c measures.

cancel:    task.cancel() on a task asleep in asyncio.sleep(), until the first line of its
           `except CancelledError` runs: ns, the median of N.
wait_for:  await asyncio.wait_for(fut, 10) on a future already done, and a plain
           `await fut`: ns per call, best of 20 rounds of N/10, a loop turn between rounds.

Each figure is appended to $LAB_RESULTS as "name<TAB>value<TAB>unit" (common/results.h).
Usage: python3 bench/05-cancellation.py cancel N | wait_for N
"""
import asyncio
import os
import statistics
import sys
import time


def record(name, value, unit):
    with open(os.environ["LAB_RESULTS"], "a") as f:
        f.write(f"{name}\t{value:.6g}\t{unit}\n")


async def cancel_to_cleanup(n):
    began = [0]

    async def sleeper():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            began[0] = time.perf_counter_ns()  # the first thing the cleanup does
            raise

    ns = []
    for _ in range(n):
        t = asyncio.create_task(sleeper())
        await asyncio.sleep(0)  # it runs, and sleeps
        t0 = time.perf_counter_ns()
        t.cancel()
        try:
            await t
        except asyncio.CancelledError:
            pass
        ns.append(began[0] - t0)
    return statistics.median(ns)


async def await_done(n, with_wait_for):
    fut = asyncio.get_running_loop().create_future()
    fut.set_result("ready")
    t0 = time.perf_counter_ns()
    if with_wait_for:
        for _ in range(n):
            await asyncio.wait_for(fut, 10)
    else:
        for _ in range(n):
            await fut
    return (time.perf_counter_ns() - t0) / n


async def both_awaits(n):
    plain = waited = float("inf")
    for _ in range(20):
        plain = min(plain, await await_done(max(n // 10, 1), False))
        waited = min(waited, await await_done(max(n // 10, 1), True))
        await asyncio.sleep(0)
    return plain, waited


def main():
    n = int(sys.argv[2])
    if sys.argv[1] == "cancel":
        record("cancel.ns.to_cleanup.py_asyncio", asyncio.run(cancel_to_cleanup(n)), "ns")
    else:
        plain, waited = asyncio.run(both_awaits(n))
        record("wait_for.ns.done_plain.py_asyncio", plain, "ns")
        record("wait_for.ns.done.py_asyncio", waited, "ns")


if __name__ == "__main__":
    main()
