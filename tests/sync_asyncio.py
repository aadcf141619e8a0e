"""asyncio itself, run through the scenarios tests/unit/{queue,semaphore,lock,event,
condition}.c put to the lab's primitives: each check is a law of the C headers, shown to
be asyncio's too (times left out: asyncio has no virtual clock). Prints TAP.

Laws that came with a later Python are checked only where that Python runs (a skip
says which); the lab's one deliberate difference (a Lock has an owner) is not here.
"""
import asyncio
import sys

checks = 0
failed = 0


def is_(got, want, name):
    global checks, failed
    checks += 1
    if got == want:
        print(f"ok {checks} - {name}")
    else:
        failed += 1
        print(f"not ok {checks} - {name}\n# got  {got!r}\n# want {want!r}")


def skip(why, name):
    global checks
    checks += 1
    print(f"ok {checks} - {name} # skip {why}")


def outcome(t):
    return "cancelled" if t.cancelled() else str(t.result())


async def settle():
    for _ in range(5):
        await asyncio.sleep(0)


async def getters_in_line():
    q, log = asyncio.Queue(), []

    async def getter(name):
        log.append(f"{name}={await q.get()}")

    ts = [asyncio.create_task(getter(f"g{i}")) for i in (1, 2, 3)]
    await settle()
    for item in "abc":
        q.put_nowait(item)
    await asyncio.gather(*ts)
    return " ".join(log)


async def get_cancelled_race():
    q = asyncio.Queue()
    g1, g2 = asyncio.create_task(q.get()), asyncio.create_task(q.get())
    await settle()
    q.put_nowait("a")  # wakes g1...
    g1.cancel()  # ...which is cancelled before it runs
    await settle()
    return f"g1:{outcome(g1)} g2={outcome(g2)} size={q.qsize()} getters={len(q._getters)}"


async def put_cancelled_race():
    q = asyncio.Queue(1)
    q.put_nowait("a")
    p1, p2 = asyncio.create_task(q.put("b")), asyncio.create_task(q.put("c"))
    await settle()
    q.get_nowait()  # a free slot: wakes p1...
    p1.cancel()  # ...which is cancelled before it runs
    await settle()
    return f"p1:{outcome(p1)} p2:{outcome(p2)} in the queue: {q.get_nowait()}, size={q.qsize()}"


async def unfinished_count():
    q = asyncio.Queue()
    q.put_nowait("job")
    await q.get()
    join = asyncio.create_task(q.join())
    await settle()
    before = join.done()
    q.task_done()
    await settle()
    try:
        q.task_done()
        extra = "accepted"
    except ValueError:
        extra = "ValueError"
    return f"join done after get={before} after task_done={join.done()} extra task_done={extra}"


async def shutdown_immediate_with_unfinished():
    q = asyncio.Queue()
    q.put_nowait("data")
    q.put_nowait("data")
    join = asyncio.create_task(q.join())
    await q.get()
    q.shutdown(immediate=True)
    await settle()
    log = [f"size={q.qsize()} join done={join.done()}"]
    q.task_done()
    await settle()
    log.append(f"after task_done join done={join.done()}")
    try:
        q.task_done()
    except ValueError:
        log.append("then ValueError")
    return "; ".join(log)


async def semaphore_cancel_before_awoken():
    s = asyncio.Semaphore(0)
    t = [asyncio.create_task(s.acquire()) for _ in range(4)]
    await settle()
    t[0].cancel()
    t[1].cancel()
    s.release()
    await settle()
    result = f"t3 done={t[2].done()} t4 done={t[3].done()} value={s._value}"
    t[3].cancel()
    await settle()
    return result


async def semaphore_no_jumping():
    s, log = asyncio.Semaphore(0), []

    async def t1():
        await s.acquire()
        log.append("t1")

    t = asyncio.create_task(t1())
    await settle()
    s.release()  # t1's
    s.release()  # a spare one
    log.append(f"value={s._value} locked={s.locked()}")
    await s.acquire()
    log.append("main")
    await t
    return " ".join(log)


async def semaphore_cancel_after_awoken():
    s = asyncio.Semaphore(0)
    t1, t2 = asyncio.create_task(s.acquire()), asyncio.create_task(s.acquire())
    await settle()
    s.release()  # wakes t1 and takes the permit for it...
    t1.cancel()  # ...but t1 is cancelled before it runs
    await settle()
    return f"t1:{outcome(t1)} t2:{outcome(t2)} value={s._value}"


async def lock_cancelled_when_woken():
    lock = asyncio.Lock()
    await lock.acquire()
    t1, t2 = asyncio.create_task(lock.acquire()), asyncio.create_task(lock.acquire())
    await settle()
    lock.release()  # wakes t1...
    t1.cancel()  # ...cancelled before it runs
    await settle()
    return f"t1:{outcome(t1)} t2:{outcome(t2)} locked={lock.locked()}"


async def event_clear_before_they_run():
    e = asyncio.Event()
    t = [asyncio.create_task(e.wait()) for _ in range(2)]
    await settle()
    e.set()
    e.clear()  # before the woken tasks run
    after = asyncio.create_task(e.wait())
    await settle()
    result = f"w1:{outcome(t[0])} w2:{outcome(t[1])} after done={after.done()}"
    after.cancel()
    await settle()
    return result


async def condition_notified_then_cancelled():
    c = asyncio.Condition()

    async def waiter():
        async with c:
            await c.wait()

    w1, w2 = asyncio.create_task(waiter()), asyncio.create_task(waiter())
    await settle()
    async with c:
        c.notify(1)
    w1.cancel()
    await settle()
    result = f"w1:{'cancelled' if w1.cancelled() else 'done'} w2 done={w2.done()}"
    w2.cancel()
    await settle()
    return result


def main():
    new = sys.version_info >= (3, 13)
    why = f"Python {sys.version_info[0]}.{sys.version_info[1]}: the rule came with 3.13"
    is_(asyncio.run(getters_in_line()), "g1=a g2=b g3=c",
        "Queue: getters are served in the order they came")
    is_(asyncio.run(get_cancelled_race()), "g1:cancelled g2=a size=0 getters=0",
        "Queue: a getter woken but cancelled before it ran passes the item on, and leaves "
        "nothing behind")
    is_(asyncio.run(put_cancelled_race()), "p1:cancelled p2:None in the queue: c, size=0",
        "Queue: a putter woken but cancelled before it ran passes the free slot on")
    is_(asyncio.run(unfinished_count()),
        "join done after get=False after task_done=True extra task_done=ValueError",
        "Queue: get does not lower the unfinished count, task_done does; one too many is "
        "an error")
    name = ("Queue.shutdown(immediate=True): the queued item's count is dropped, the got "
            "one still holds join until its task_done")
    if hasattr(asyncio.Queue, "shutdown"):
        is_(asyncio.run(shutdown_immediate_with_unfinished()),
            "size=0 join done=False; after task_done join done=True; then ValueError", name)
    else:
        skip(why, name)
    is_(asyncio.run(semaphore_cancel_before_awoken()), "t3 done=True t4 done=False value=0",
        "Semaphore: four waiters, t1 and t2 cancelled, one release: exactly t3 gets it")
    is_(asyncio.run(semaphore_no_jumping()), "value=1 locked=True t1 main",
        "Semaphore: locked while a woken waiter has not run, so a newcomer queues behind it")
    is_(asyncio.run(semaphore_cancel_after_awoken()), "t1:cancelled t2:True value=0",
        "Semaphore: a waiter cancelled as it is woken gives its permit to the next")
    is_(asyncio.run(lock_cancelled_when_woken()), "t1:cancelled t2:True locked=True",
        "Lock: a waiter cancelled as it is woken passes the lock on")
    is_(asyncio.run(event_clear_before_they_run()), "w1:True w2:True after done=False",
        "Event: tasks woken by set return even if clear runs before they do")
    name = "Condition: a waiter notified but cancelled passes the notify on (gh-112202)"
    if new:
        is_(asyncio.run(condition_notified_then_cancelled()), "w1:cancelled w2 done=True", name)
    else:
        skip(why, name)
    print(f"1..{checks}")
    return 1 if failed else 0


sys.exit(main())
