"""A1 8.1 优雅停机方案, errata: the article's shutdown, run as written, has two bugs.

The article's graceful_shutdown() and its signal registration, unchanged, inside a small
service under asyncio.run(); after 0.3 s the program sends itself SIGTERM (os.kill, a
real signal). Two things go wrong:
  1. it prints "收到终止信号 SIGINT": the lambda looks `sig` up when it runs, after the
     for loop has left it at its last value, SIGINT. (Bind it: lambda s=sig: ...)
  2. asyncio.run() raises CancelledError instead of returning: graceful_shutdown
     cancels every task but itself, main() included, and loop.stop() then ends
     run_until_complete with main cancelled. (Cancel the others, let main return.)
The workers' cleanups do run: that part of the article is right.

Run: python3 05-cancellation/errata/shutdown_bugs.py
"""
import asyncio
import os
from signal import SIGINT, SIGTERM


# ---- The article's code, as written (A1 「8.1 优雅停机方案」). ----
async def graceful_shutdown(signal, loop):
    print(f"收到终止信号 {signal.name}...")
    # 取消所有运行中任务
    tasks = [t for t in asyncio.all_tasks()
             if t is not asyncio.current_task()]
    [task.cancel() for task in tasks]
    # 等待任务处理取消
    await asyncio.gather(*tasks, return_exceptions=True)
    # 停止事件循环
    loop.stop()


# ---- Around it: a service of two workers, and a SIGTERM after 0.3 s. ----
async def worker(n):
    try:
        while True:
            await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        print(f"worker-{n}: cleanup ran")
        raise


async def main():
    loop = asyncio.get_running_loop()
    # 信号注册 (as written)
    for sig in (SIGTERM, SIGINT):
        loop.add_signal_handler(
            sig,
            lambda: asyncio.create_task(
                graceful_shutdown(sig, loop))
        )
    workers = [asyncio.create_task(worker(n)) for n in (1, 2)]
    print("sending myself SIGTERM in 0.3 s")
    loop.call_later(0.3, os.kill, os.getpid(), SIGTERM)
    await asyncio.gather(*workers)


try:
    asyncio.run(main())
    print("asyncio.run returned: a clean exit")
except BaseException as e:  # CancelledError is a BaseException
    print(f"asyncio.run raised {type(e).__name__}: not a clean exit")
