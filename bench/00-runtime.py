"""The Python side of bench/00-runtime.sh: the operations bench/runtime_cost.c measures,
done the same way under asyncio, in the same run.

Each figure is the best of 5 rounds, each round under a fresh asyncio.run, in ns per
operation, appended to $LAB_RESULTS as "name<TAB>value<TAB>unit" (common/results.h)
under the C figure's name with ".asyncio" after it.
Usage: python3 bench/00-runtime.py SECONDS
"""
import asyncio
import os
import sys
import time

ROUNDS, BATCH, GATHERED = 5, 1000, 10000


def record(name, value, unit):
    with open(os.environ["LAB_RESULTS"], "a") as f:
        f.write(f"{name}\t{value:.6g}\t{unit}\n")


async def take_turns(deadline, counter):
    while time.monotonic() < deadline:
        for _ in range(BATCH):
            await asyncio.sleep(0)
        counter[0] += BATCH


async def task_turn(deadline):
    counter = [0]
    await asyncio.gather(asyncio.create_task(take_turns(deadline, counter)),
                         asyncio.create_task(take_turns(deadline, counter)))
    return counter[0]


async def noop():
    return None


async def create_await(deadline):
    n = 0
    while time.monotonic() < deadline:
        for _ in range(BATCH):
            await asyncio.create_task(noop())
        n += BATCH
    return n


async def gather_10000(deadline):
    n = 0
    while True:
        await asyncio.gather(*[asyncio.create_task(noop()) for _ in range(GATHERED)])
        n += 1
        if time.monotonic() >= deadline:
            return n


async def echo(ping, pong):
    while (item := await ping.get()) is not None:
        await pong.put(item)


async def queue_handoff(deadline):
    ping, pong = asyncio.Queue(), asyncio.Queue()
    partner = asyncio.create_task(echo(ping, pong))
    n = 0
    while time.monotonic() < deadline:
        for _ in range(BATCH):
            await ping.put(1)
            await pong.get()
        n += 2 * BATCH
    await ping.put(None)
    await partner
    return n


async def semaphore(deadline):
    sem = asyncio.Semaphore(1)
    n = 0
    while time.monotonic() < deadline:
        for _ in range(BATCH):
            await sem.acquire()
            sem.release()
        n += BATCH
    return n


async def wait_for_done(deadline):
    loop = asyncio.get_running_loop()
    n = 0
    while time.monotonic() < deadline:
        for _ in range(BATCH):
            fut = loop.create_future()
            fut.set_result(loop)
            await asyncio.wait_for(fut, 1.0)
        n += BATCH
    return n


async def timeout_scope(deadline):
    n = 0
    while time.monotonic() < deadline:
        for _ in range(BATCH):
            async with asyncio.timeout(1.0):
                pass
        n += BATCH
    return n


async def run_round(op, seconds):
    start = time.monotonic()
    count = await op(start + seconds)
    return (time.monotonic() - start) * 1e9 / count


def main():
    seconds = float(sys.argv[1])
    ops = [task_turn, create_await, gather_10000, queue_handoff, semaphore, wait_for_done]
    if hasattr(asyncio, "timeout"):  # 3.11+
        ops.append(timeout_scope)
    for op in ops:
        best = min(asyncio.run(run_round(op, seconds / ROUNDS)) for _ in range(ROUNDS))
        record(f"runtime.ns.{op.__name__}.asyncio", best, "ns")


main()
