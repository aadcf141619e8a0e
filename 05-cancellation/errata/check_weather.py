"""A4 事件循环 (check_weather), erratum: after wait_for times out, every task is already
cancelled and done, so the article's loop "取消所有未完成的任务" finds nothing to cancel.
And when the queries' cleanups await, it does worse than nothing.

The article's code, as written, except for the limit: 0.5 s instead of 5.0, so that the
1 s queries time out; and two added prints in the except branch, to show each task's
state and how many cancels the loop made. Then the same main() with queries whose
cleanup awaits (0, 0.1, 0.2, 0.3 s): the fail-fast gather ends with the first of them,
wait_for returns, and the loop cancels the three still cleaning up a second time.

Run: python3 05-cancellation/errata/check_weather.py
"""
import asyncio

LIMIT = 0.5  # the article: timeout=5.0, which 1 s queries never reach


# ---- The article's code (A4 「事件循环」). ----
async def check_weather(city):
    print(f"正在查询{city}的天气...")
    await asyncio.sleep(1)  # 模拟 API 调用
    return f"{city}的天气晴朗"


async def main():
    try:
        # 获取事件循环
        loop = asyncio.get_running_loop()

        # 创建多个任务
        cities = ["北京", "上海", "广州", "深圳"]
        tasks = [loop.create_task(check_weather(city)) for city in cities]

        # 使用超时机制
        try:
            results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=LIMIT)
            for result in results:
                print(result)
        except asyncio.TimeoutError:
            print("查询超时！")
            print("added: (done, cancelled) =", [(t.done(), t.cancelled()) for t in tasks])
            cancels = 0
            # 取消所有未完成的任务
            for task in tasks:
                if not task.done():
                    task.cancel()
                    cancels += 1
            print(f"added: the loop cancelled {cancels} tasks")
    except Exception as e:
        print(f"发生错误：{e}")


if __name__ == "__main__":
    print("the article's queries:")
    asyncio.run(main())

    # ---- Added: the same main(), with queries that clean up when cancelled. ----
    async def check_weather(city):  # noqa: F811
        print(f"正在查询{city}的天气...")
        try:
            await asyncio.sleep(1)  # 模拟 API 调用
        except asyncio.CancelledError:
            try:
                await asyncio.sleep({"北京": 0, "上海": 0.1, "广州": 0.2, "深圳": 0.3}[city])
                print(f"added: {city} cleanup done")
            except asyncio.CancelledError:
                print(f"added: {city} cleanup CUT SHORT by a second cancel")
            raise
        return f"{city}的天气晴朗"

    async def and_wait():
        await main()
        await asyncio.sleep(0.5)  # let the cut cleanups report

    print("queries whose cleanup awaits:")
    asyncio.run(and_wait())
