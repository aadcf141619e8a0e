"""A0 2.3 任务取消不当: why its 正例 must re-raise. A swallowed cancel leaves the task's
cancel count raised (Task.cancelling() stays 1), and asyncio reads that count.

swallowed_cancel.c shows it in C with a task group (Python 3.13's rule). Python 3.11 has
another reader to show it with: asyncio.run turns a Ctrl-C into KeyboardInterrupt only
when main's count comes back to 0 (Runner.run: `uncancel() == 0`). Here main sends itself
SIGINT, once in a task that never swallowed a cancel and once in one that did: the
second run ends with CancelledError instead of KeyboardInterrupt.

Run: python3 05-cancellation/errata/swallowed_count.py
"""
import asyncio
import os
import signal


async def main(swallow):
    me = asyncio.current_task()
    if swallow:
        me.cancel()
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            pass  # the mistake: the cancel is swallowed
    print(f"{'swallowed' if swallow else 'clean'}: cancelling() = {me.cancelling()}; Ctrl-C")
    asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGINT)
    await asyncio.sleep(10)


# A shell starts background jobs with SIGINT ignored; asyncio.run then leaves it alone.
signal.signal(signal.SIGINT, signal.default_int_handler)
for swallow in (False, True):
    try:
        asyncio.run(main(swallow))
    except BaseException as e:  # KeyboardInterrupt and CancelledError are BaseExceptions
        print(f"{'swallowed' if swallow else 'clean'}: asyncio.run raised {type(e).__name__}")
