"""A0 2.2 异常处理陷阱, erratum: an unhandled task exception does not crash the loop.

The article's 反例 and 正例, unchanged, run one after the other. The 反例 does not raise
anything out of asyncio.run(): main returns normally, the program goes on, and asyncio
logs "Task exception was never retrieved" (on stderr) when the task is collected.

Run: python3 04-tasks-gather/errata/exception_trap.py
"""
import asyncio
import gc


# ---- The article's code, as written (A0 「2.2 异常处理陷阱」). ----

# 反例：未处理异常
async def faulty_task():
    raise ValueError("任务出错")

async def main():
    task = asyncio.create_task(faulty_task())
    await asyncio.sleep(0.1)  # 未等待任务，异常未捕获

# 正例：异常处理
async def safe_main():
    task = asyncio.create_task(faulty_task())
    try:
        await task
    except ValueError as e:
        print(f"捕获异常: {e}")


# ---- Run both, and say what happened. ----

if __name__ == "__main__":
    print("反例: asyncio.run(main())", flush=True)
    result = asyncio.run(main())
    gc.collect()  # the task is already unreachable; this makes the moment of the log certain
    print(f"asyncio.run(main()) returned {result!r}: the loop did not crash", flush=True)
    print("正例: asyncio.run(safe_main())", flush=True)
    asyncio.run(safe_main())
    print("the program reached its end", flush=True)
