"""The Python side of bench/03-coroutines.sh, measured the way the C side is.

switch:  two asyncio tasks taking turns with asyncio.sleep(0): ns per turn, best of 5.
memory:  N tasks asleep in asyncio.sleep(): growth of the resident set / N.

Each figure is appended to $LAB_RESULTS as "name<TAB>value<TAB>unit" (common/results.h).
Usage: python3 bench/03-coroutines.py switch SECONDS | memory N
"""
import asyncio
import os
import sys
import time


def record(name, value, unit):
    with open(os.environ["LAB_RESULTS"], "a") as f:
        f.write(f"{name}\t{value:.6g}\t{unit}\n")


async def take_turns(deadline, counter):
    while time.monotonic() < deadline:
        for _ in range(1000):
            await asyncio.sleep(0)
        counter[0] += 1000


async def two_tasks(seconds):
    counter = [0]
    start = time.monotonic()
    deadline = start + seconds
    await asyncio.gather(take_turns(deadline, counter), take_turns(deadline, counter))
    return (time.monotonic() - start) * 1e9 / counter[0]


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def sleepers(n):
    before = resident_bytes()
    tasks = [asyncio.create_task(asyncio.sleep(3600)) for _ in range(n)]
    await asyncio.sleep(0)  # every task has started and sleeps now
    grown = resident_bytes() - before
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return grown / n


def main():
    if sys.argv[1] == "switch":
        seconds = float(sys.argv[2])
        best = min(asyncio.run(two_tasks(seconds / 5)) for _ in range(5))
        record("switch.ns.py_asyncio", best, "ns")
    else:
        n = int(sys.argv[2])
        record("tasks.bytes_per_task.py_asyncio", asyncio.run(sleepers(n)), "B")


main()
