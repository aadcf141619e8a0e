"""A1 10 前沿趋势与展望, erratum: it is TaskGroup that cancels, not gather.

The article says TaskGroup "避免了传统gather()中一个任务失败导致全部取消的问题" (avoids
gather's problem of one failing task cancelling all). The opposite is true: gather
cancels nothing when a task fails (the other one completes), and TaskGroup cancels every
sibling at once, then raises an ExceptionGroup. The article's TaskGroup block, unchanged,
with fetch(url1) failing after 1 s and fetch(url2) taking 2 s.

Run: python3 04-tasks-gather/errata/taskgroup_vs_gather.py
"""
import asyncio
import time

START = time.monotonic()


def say(text):
    print(f"[{time.monotonic() - START:.1f}s] {text}", flush=True)


url1, url2 = "http://fails.example/", "http://slow.example/"


async def fetch(url):
    try:
        await asyncio.sleep(1 if url == url1 else 2)
    except asyncio.CancelledError:
        say(f"fetch({url}) cancelled")
        raise
    if url == url1:
        say(f"fetch({url}) raises")
        raise ConnectionError(url)
    say(f"fetch({url}) completed")
    return url


async def with_gather():
    try:
        await asyncio.gather(fetch(url1), fetch(url2))
    except ConnectionError as e:
        say(f"gather raised {e!r}")
    await asyncio.sleep(1.5)  # long enough to see what becomes of fetch(url2)


async def with_taskgroup():
    try:
        # ---- The article's code, as written (A1 「10. 前沿趋势与展望」). ----
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fetch(url1))
            tg.create_task(fetch(url2))
        # 自动等待所有任务完成
    except* ConnectionError as eg:
        say(f"the TaskGroup raised {eg!r}")


if __name__ == "__main__":
    say("gather(fetch(url1), fetch(url2))")
    asyncio.run(with_gather())
    START = time.monotonic()
    say("async with asyncio.TaskGroup() as tg: ...")
    asyncio.run(with_taskgroup())
