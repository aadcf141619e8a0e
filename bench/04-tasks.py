"""The Python side of bench/04-tasks.sh, measured the way the C side is.

gather:    await asyncio.gather(*(job() for _ in range(N))), ns per task, best of ROUNDS.
taskgroup: async with asyncio.TaskGroup() as tg: tg.create_task(job()) N times, the same.
sequence:  gather of three tasks sleeping 1, 2, 3 units, and the same awaited one by one.

Each figure is appended to $LAB_RESULTS as "name<TAB>value<TAB>unit" (common/results.h).
Usage: python3 bench/04-tasks.py gather N ROUNDS | taskgroup N ROUNDS | sequence UNIT
"""
import asyncio
import os
import sys
import time


def record(name, value, unit):
    with open(os.environ["LAB_RESULTS"], "a") as f:
        f.write(f"{name}\t{value:.6g}\t{unit}\n")


async def job():
    return None


async def gather_round(n):
    start = time.perf_counter_ns()
    await asyncio.gather(*(job() for _ in range(n)))
    return (time.perf_counter_ns() - start) / n


async def taskgroup_round(n):
    start = time.perf_counter_ns()
    async with asyncio.TaskGroup() as tg:
        for _ in range(n):
            tg.create_task(job())
    return (time.perf_counter_ns() - start) / n


async def sleeper(delay):
    await asyncio.sleep(delay)


async def sequence(unit):
    start = time.monotonic()
    await asyncio.gather(sleeper(unit), sleeper(2 * unit), sleeper(3 * unit))
    together = time.monotonic() - start
    start = time.monotonic()
    for d in (1, 2, 3):
        await sleeper(d * unit)
    return together, time.monotonic() - start


def main():
    what = sys.argv[1]
    if what in ("gather", "taskgroup"):
        n, rounds = int(sys.argv[2]), int(sys.argv[3])
        fn = gather_round if what == "gather" else taskgroup_round
        best = min(asyncio.run(fn(n)) for _ in range(rounds))
        record(f"tasks.ns_per_task.py_{what}", best, "ns")
    else:
        together, one_by_one = asyncio.run(sequence(float(sys.argv[2])))
        record("gather.py.seconds", together, "s")
        record("gather.py.sequential.seconds", one_by_one, "s")


main()
