"""A1 9.2 内存优化技巧, errata: what the done callback and weakref.finalize really do.

1. A fire-and-forget task that nothing references can be collected while it waits:
   asyncio keeps only weak references to tasks ("Task was destroyed but it is pending!").
2. The article's add_done_callback(lambda t: t.exception()) does not free the result (the
   task keeps it for as long as the task lives); it marks an error as retrieved, which
   silences "Task exception was never retrieved"; on a cancelled task t.exception()
   raises CancelledError inside the callback, which the loop reports.
3. The article's weakref.finalize(self, self._cleanup) holds self._cleanup, a bound
   method, so it keeps the Client alive; the finalizer runs only at exit, and then it only
   creates the coroutine: "coroutine 'Client._cleanup' was never awaited".

Run: python3 04-tasks-gather/errata/task_lifetime.py
"""
import asyncio
import gc
import sys
import weakref


def say(text):
    print(text, flush=True)


# ---- The article's code, as written (A1 「9.2 内存优化技巧」). ----

class Client:
    def __init__(self):
        self._cleanup_ref = weakref.finalize(
            self,
            self._cleanup
        )

    async def _cleanup(self):
        await self.close()

    async def close(self):  # not in the article: what _cleanup would await
        say("Client.close() ran")


# ---- What each part really does. ----

class Result:
    """A result we can watch with a weak reference."""


async def waits_forever():
    await asyncio.get_running_loop().create_future()


async def produce():
    return Result()


async def fails():
    raise ValueError("lost")


async def sleeps():
    await asyncio.sleep(3600)


async def main():
    say("1. fire and forget: create_task(waits_forever()) and keep no reference")
    asyncio.create_task(waits_forever())
    await asyncio.sleep(0)
    gc.collect()  # what the collector would do at any moment
    say("   (the log line above, if any, is asyncio's)")

    say("2. task.add_done_callback(lambda t: t.exception())  # 释放结果内存")
    task = asyncio.create_task(produce())
    task.add_done_callback(lambda t: t.exception())
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the task is done and the callback has run
    result = weakref.ref(task.result())
    gc.collect()
    say(f"   after the callback, the result is {'still alive' if result() else 'freed'}")
    del task
    gc.collect()
    say(f"   after del task, the result is {'still alive' if result() else 'freed'}")

    failing = asyncio.create_task(fails())
    failing.add_done_callback(lambda t: t.exception())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    del failing
    gc.collect()
    say("   a failing task with the callback: no 'never retrieved' log above")

    cancelled = asyncio.create_task(sleeps())
    cancelled.add_done_callback(lambda t: t.exception())
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    say("   a cancelled task: the callback raised CancelledError (the loop's report above)")

    say("3. Client() with weakref.finalize(self, self._cleanup), then del client")
    client = Client()
    alive = weakref.ref(client)
    del client
    gc.collect()
    say(f"   after del + gc.collect(), the Client is {'still alive' if alive() else 'freed'}")
    say("   at exit the finalizer runs; the warning after the last line is Python's")


if __name__ == "__main__":
    sys.stderr = sys.stdout  # asyncio's log lines in order with ours
    asyncio.run(main())
    say("end of the program")
