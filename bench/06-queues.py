"""The Python side of bench/06-queues.sh: asyncio.Queue, measured the way queue_speed
measures the lab's queue.h.

One producer task puts numbered items into asyncio.Queue(maxsize=100) for SECONDS, then
puts None; one consumer task gets until the None and counts. Items per second from the
producer's start to the consumer's last item, best of ROUNDS.

The figure is appended to $LAB_RESULTS as "name<TAB>value<TAB>unit" (common/results.h).
Usage: python3 bench/06-queues.py SECONDS ROUNDS
"""
import asyncio
import os
import sys
import time


def record(name, value, unit):
    with open(os.environ["LAB_RESULTS"], "a") as f:
        f.write(f"{name}\t{value:.6g}\t{unit}\n")


async def producer(queue, seconds, start):
    n = 0
    while True:
        for _ in range(1024):
            await queue.put(n)
            n += 1
        if time.monotonic() - start >= seconds:
            break
    await queue.put(None)


async def consumer(queue):
    count = 0
    while (item := await queue.get()) is not None:
        if item != count:
            raise RuntimeError(f"item {item} came as number {count}")
        count += 1
    return count


async def one_run(seconds):
    queue = asyncio.Queue(maxsize=100)
    start = time.monotonic()
    _, count = await asyncio.gather(producer(queue, seconds, start), consumer(queue))
    return count / (time.monotonic() - start)


def main():
    seconds, rounds = float(sys.argv[1]), int(sys.argv[2])
    best = max(asyncio.run(one_run(seconds)) for _ in range(rounds))
    record("queue.items_per_s.py_asyncio", best, "items/s")
    print(f"asyncio.Queue: {best / 1e6:.2f}M items per second ({sys.version.split()[0]})")


if __name__ == "__main__":
    main()
