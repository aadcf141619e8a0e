"""A2 生产者-消费者模式, erratum: `consumer_task.cancel()` cancels nothing.

The article's code, unchanged, runs here with two things watched from outside: every
task it creates is kept (asyncio.create_task is wrapped), and asyncio.sleep runs ten
times faster (the sleeps only pace the demo). After asyncio.run() returns, the consumer
task is examined: it ended by returning on the None sentinel, before main's cancel(), so
it is done and not cancelled, and cancel() returned False.

Run: python3 06-producer-consumer/errata/producer_consumer.py
"""
import asyncio
import random

# ---- The article's code, as written (A2 「生产者-消费者模式」), but for asyncio.run below.

async def producer(queue):
    for i in range(10):
        item = random.randint(1, 100)
        await queue.put(item)
        print(f"生产: {item}")
        await asyncio.sleep(random.uniform(0.1, 0.5))
    
    # 发送终止信号
    await queue.put(None)

async def consumer(queue):
    while True:
        item = await queue.get()
        
        if item is None:
            # 收到终止信号，退出
            queue.task_done()
            break
        
        print(f"消费: {item}")
        await asyncio.sleep(random.uniform(0.2, 0.8))
        queue.task_done()

async def main():
    # 创建队列
    queue = asyncio.Queue(maxsize=5)
    
    # 创建任务
    producer_task = asyncio.create_task(producer(queue))
    consumer_task = asyncio.create_task(consumer(queue))
    
    # 等待生产者完成
    await producer_task
    
    # 等待队列处理完成
    await queue.join()
    
    # 取消消费者任务
    consumer_task.cancel()

# ---- Watching it from outside.

tasks = []
real_create_task, real_sleep = asyncio.create_task, asyncio.sleep


def kept_create_task(coro, **kwargs):
    task = real_create_task(coro, **kwargs)
    tasks.append(task)
    return task


async def faster_sleep(seconds):
    await real_sleep(seconds / 10)


if __name__ == "__main__":
    random.seed(1)
    asyncio.create_task, asyncio.sleep = kept_create_task, faster_sleep
    asyncio.run(main())
    consumer_task = tasks[1]
    print(f"\nafter asyncio.run(main()): consumer_task.done() = {consumer_task.done()}, "
          f"cancelled() = {consumer_task.cancelled()}, and cancel() now returns "
          f"{consumer_task.cancel()}: the consumer had returned on the sentinel before "
          f"main's cancel(), which found nothing to cancel")
