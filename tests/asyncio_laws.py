"""The scenarios of tests/unit/timeout.c, wait_for.c and shield.c, run on asyncio itself.

Each line is "scenario transcript", the transcript written as the C test writes it, with
the error codes by name (ETIMEDOUT for TimeoutError, ECANCELED for CancelledError); no
times, since asyncio runs on the real clock: orders and counts. tests/00-asyncio-laws.t compares them with what the C tests
assert, so the C laws are checked against the Python they copy.
"""
import asyncio
import sys

out = []


def note(text):
    out.append(text)


def count():
    return asyncio.current_task().cancelling()


async def outcome(aw):
    """What the C call returns: 0, or the error's name."""
    try:
        await aw
        return 0
    except TimeoutError:
        return "ETIMEDOUT"
    except asyncio.CancelledError:
        return "ECANCELED"


async def sleep_in_scope(delay, seconds, when=None):
    async def body():
        async with asyncio.timeout(delay) if when is None else asyncio.timeout_at(when):
            await asyncio.sleep(seconds)
    return await outcome(body())


async def nested(outer_delay, inner_delay):
    async def body():
        async with asyncio.timeout(outer_delay):
            rc = await sleep_in_scope(inner_delay, 10)
            note(f"inner={rc} ")
            if rc == "ECANCELED":
                raise asyncio.CancelledError
            if rc == "ETIMEDOUT":
                raise TimeoutError
    note(f"outer={await outcome(body())} count={count()}; ")


async def nested_scopes():
    await nested(0.01, 0.01)
    await nested(10, 0.1)
    await nested(0.1, 10)


async def foreign_cancel():
    async def body():
        async with asyncio.timeout(10) as cm:
            asyncio.current_task().cancel()
            await asyncio.sleep(10)
        return cm
    note(f"exit={await outcome(body())} count={count()}")


async def same_turn(cancel_first):
    loop = asyncio.get_running_loop()

    at = loop.time() + 1  # the scope's deadline and the cancel's, exactly the same

    async def scoped():
        note(f"rc={await sleep_in_scope(None, 10, at)} count={count()}; ")

    t = loop.create_task(scoped())
    if cancel_first:
        loop.call_at(at, t.cancel)
    await asyncio.sleep(0)
    if not cancel_first:
        loop.call_at(at, t.cancel)
    await outcome(t)


async def after_cancellation():
    asyncio.current_task().cancel()
    note(f"work={await outcome(asyncio.sleep(1))} ")
    note(f"cleanup={await sleep_in_scope(0, 1)} count={count()}")


async def cancel_before_entry():
    asyncio.current_task().cancel()
    note(f"rc={await sleep_in_scope(0, 1)} count={count()}")


async def past_deadline():
    async with asyncio.timeout(0) as cm:
        pass
    note(f"no-await: expired={int(cm.expired())} sleep0={await sleep_in_scope(0, 0)}")


async def wait_for_suppressed():
    async def work():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            await asyncio.sleep(0.1)
            return "swallowed"
    note(f"rc={await asyncio.wait_for(work(), 1)}")


async def wait_for_issue86296():
    async def inner():
        return "done"
    inner_task = asyncio.create_task(inner())
    reached_end = False

    async def wait_for_coro():
        nonlocal reached_end
        await asyncio.wait_for(inner_task, timeout=100)
        await asyncio.sleep(1)
        reached_end = True

    task = asyncio.create_task(wait_for_coro())
    await asyncio.sleep(0)
    task.cancel()
    note(f"task={await outcome(task)} inner=0:{await inner_task} end={int(reached_end)}")


async def shield_cancel_outer():
    async def work():
        await asyncio.sleep(1)
        return "7"

    inner = asyncio.create_task(work())

    async def caller():
        rc = await outcome(asyncio.shield(inner))
        note(f"outer={rc} inner-done={int(inner.done())} ")

    t = asyncio.create_task(caller())
    await asyncio.sleep(0.5)
    t.cancel()
    await outcome(t)
    note(f"inner=0:{await inner} cancelled={int(inner.cancelled())}")


SCENARIOS = {
    "nested": nested_scopes,
    "foreign": foreign_cancel,
    "same-turn-cancel-first": lambda: same_turn(True),
    "same-turn-deadline-first": lambda: same_turn(False),
    "after-cancellation": after_cancellation,
    "cancel-before-entry": cancel_before_entry,
    "past-deadline": past_deadline,
    "wait_for-suppressed": wait_for_suppressed,
    "wait_for-issue86296": wait_for_issue86296,
    "shield-cancel-outer": shield_cancel_outer,
}

print(f"python {sys.version_info.major}.{sys.version_info.minor}")
for name, scenario in SCENARIOS.items():
    out.clear()
    asyncio.run(scenario())
    print(name, "".join(out).rstrip())
