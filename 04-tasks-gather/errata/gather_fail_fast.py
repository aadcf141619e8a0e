"""A2 多个任务的错误处理, erratum: when gather fails fast, the other task runs on.

The article's comment on 方式1 says "一个任务出错会导致所有任务失败" (one task's error
makes every task fail). Its own code, unchanged, with one look added after each way:
the task2 of 方式1 is still running when the ValueError is caught, and it completes
normally a second later, while 方式2 runs.

Run: python3 04-tasks-gather/errata/gather_fail_fast.py
"""
import asyncio
import time

START = time.monotonic()


def others():
    """The tasks running beside main: what is left of 方式1's gather."""
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


# ---- The article's code, as written (A2 「多个任务的错误处理」). ----

async def task1():
    await asyncio.sleep(1)
    raise ValueError("任务1出错")

async def task2():
    await asyncio.sleep(2)
    return "任务2完成"

async def main():
    # 方式1：使用gather，一个任务出错会导致所有任务失败
    try:
        results = await asyncio.gather(task1(), task2())
        print(results)
    except ValueError as e:
        print(f"捕获到异常: {e}")
    left = others()  # added: what is still running now
    print(f"[{time.monotonic() - START:.1f}s] after 方式1: {[t.get_coro().__name__ for t in left]} still running")
    for t in left:
        t.add_done_callback(lambda t: print(f"[{time.monotonic() - START:.1f}s] 方式1's "
                                            f"{t.get_coro().__name__} finished"))

    # 方式2：使用gather的return_exceptions参数
    results = await asyncio.gather(task1(), task2(), return_exceptions=True)
    print(results)  # [ValueError("任务1出错"), "任务2完成"]
    for t in left:  # added: how 方式1's task2 ended
        print(f"[{time.monotonic() - START:.1f}s] 方式1's {t.get_coro().__name__}: done={t.done()} "
              f"cancelled={t.cancelled()} result={t.result()!r}")

asyncio.run(main())
