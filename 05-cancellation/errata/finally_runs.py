"""A0 2.3 任务取消不当, erratum: the 反例's `finally` does run when the task is cancelled.

The article's code, as written, with one line added to main() so the run ends: the
CancelledError that `await task` raises is caught and printed. The comment says
"任务取消时不会执行"; the run prints "资源未释放" all the same, from the finally block,
at the cancel. Then the 正例 (except CancelledError: ...; raise), which also runs.

Run: python3 05-cancellation/errata/finally_runs.py
"""
import asyncio


# ---- The article's 反例, as written (A0 「2.3 任务取消不当」). ----
async def task_with_resource():
    print("获取资源")
    try:
        await asyncio.sleep(10)
    finally:
        print("资源未释放")  # 任务取消时不会执行


async def main():
    task = asyncio.create_task(task_with_resource())
    await asyncio.sleep(0.1)
    task.cancel()
    try:  # added: the article lets the CancelledError end the program
        await task  # 会抛出CancelledError
    except asyncio.CancelledError:
        print(f"await task raised CancelledError; task.cancelled() = {task.cancelled()}")


print("反例 (try/finally):")
asyncio.run(main())


# ---- The article's 正例, as written. ----
async def task_with_resource():  # noqa: F811 (the article redefines it too)
    print("获取资源")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("任务取消，释放资源")
        raise  # 重新抛出取消异常


print("正例 (except CancelledError: ...; raise):")
asyncio.run(main())
