#!/bin/sh
# The runtime's laws side by side with asyncio: the same scenarios as tests/unit/wait.c,
# tests/unit/task_group.c and tests/unit/context_var.c, run in python3's asyncio, must
# give the outcomes the C tests assert of common/wait.c, task_group.c and context_var.c.
# Laws that changed in Python 3.13 (a task group re-requests a cancel from outside,
# gh-116720; uncancel withdraws a cancel not yet delivered) are checked only where a
# python3 of 3.13 or later is found.
. "${0%/*}/lib.sh"
# The newest Python found on PATH, so the 3.13 laws are compared wherever it is installed.
python=python3
for candidate in python3.14 python3.13; do
    if "$candidate" -c 'import asyncio' >/dev/null 2>&1; then
        python=$candidate
        break
    fi
done
require_optional "$python -c 'import asyncio, sys; assert sys.version_info >= (3, 11)'" \
    "python3 (3.11 or later)"

found=$("$python" - <<'PY'
import asyncio, contextvars, sys

def line(*words):
    return " ".join(words)

def states(ts):
    return "".join("c" if t.cancelled() else "e" if t.exception() else "r" for t in ts)

async def sleeper(seconds, exc=None):
    await asyncio.sleep(seconds)
    if exc:
        raise exc
    return seconds

async def wait_first_exception_cancelled():
    victim, ok = asyncio.create_task(sleeper(10)), asyncio.create_task(sleeper(0.2))
    asyncio.get_running_loop().call_later(0.05, victim.cancel)
    done, _ = await asyncio.wait([victim, ok], return_when=asyncio.FIRST_EXCEPTION)
    return line("wait-first-exception-cancelled:", f"done={int(victim in done)}{int(ok in done)}",
          "states=" + states([victim, ok]))

async def wait_timeout():
    ts = [asyncio.create_task(sleeper(2.5)), asyncio.create_task(sleeper(0.05, OSError())),
          asyncio.create_task(sleeper(2.5))]
    done, _ = await asyncio.wait(ts, timeout=0.7)
    await asyncio.sleep(2.2)
    return line("wait-timeout:", "done=" + "".join(str(int(t in done)) for t in ts),
          "states=" + states(ts))

async def turns(n):
    for _ in range(n):
        await asyncio.sleep(0)

async def wait_really_done():
    a, b = asyncio.create_task(turns(1)), asyncio.create_task(turns(2))
    done, _ = await asyncio.wait([b, a], return_when=asyncio.FIRST_COMPLETED)
    return line("wait-really-done:", f"done={int(b in done)}{int(a in done)}")

async def wait_cancel_waiter():
    ts = [asyncio.create_task(sleeper(0.6)), asyncio.create_task(sleeper(0.7))]
    waiter = asyncio.create_task(asyncio.wait(ts))
    await asyncio.sleep(0.1)
    waiter.cancel()
    try:
        await waiter
    except asyncio.CancelledError:
        pass
    await asyncio.sleep(1)
    return line("wait-cancel-waiter:", "states=" + states(ts))

async def as_completed_timeout():
    ts = [asyncio.create_task(sleeper(2.5)), asyncio.create_task(sleeper(0.05)),
          asyncio.create_task(sleeper(0.1))]
    out = []
    try:
        for f in asyncio.as_completed(ts, timeout=0.7):
            out.append(f"got-{await f}")
    except asyncio.TimeoutError:
        out.append("timeout")
    await asyncio.sleep(2.2)
    return line("as-completed-timeout:", " ".join(out), "states=" + states(ts))

async def group_child_fails():
    me, ts, body = asyncio.current_task(), [], "ok"
    try:
        async with asyncio.TaskGroup() as g:
            ts = [g.create_task(sleeper(0, OSError("a failed"))),
                  g.create_task(sleeper(0, FileNotFoundError("b failed"))),
                  g.create_task(sleeper(10))]
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                body = f"cancelled cancelling={me.cancelling()}"
                raise
    except* Exception as eg:
        errors = ",".join(str(e) for e in eg.exceptions)
    return line("group-child-fails:", body, f"errors={errors}", "states=" + states(ts),
          f"cancelling={me.cancelling()}")

async def group_body_fails():
    async def untidy():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            await asyncio.sleep(0.05)
            raise BrokenPipeError("untidy: cleanup failed")
    try:
        async with asyncio.TaskGroup() as g:
            ts = [g.create_task(untidy()), g.create_task(sleeper(10))]
            await asyncio.sleep(0.1)
            raise ValueError("the body")
    except* Exception as eg:
        errors = ",".join(str(e) for e in eg.exceptions)
    return line("group-body-fails:", f"errors={errors}", "states=" + states(ts))

async def group_outside_cancel():
    seen = []
    async def parent():
        async with asyncio.TaskGroup() as g:
            ts = [g.create_task(sleeper(10)) for _ in range(5)]
            seen.append(ts)
            await asyncio.sleep(10)
    p = asyncio.create_task(parent())
    await asyncio.sleep(0.1)
    p.cancel()
    try:
        await p
    except asyncio.CancelledError:
        pass
    return line("group-outside-cancel:", f"parent-cancelled={p.cancelled()}",
          "states=" + states(seen[0]))

async def nested_both_cancelled():
    me, out = asyncio.current_task(), []
    try:
        async with asyncio.TaskGroup() as outer:
            try:
                async with asyncio.TaskGroup() as inner:
                    inner.create_task(sleeper(0, RuntimeError()))
                    outer.create_task(sleeper(0, ValueError()))
            except* RuntimeError:
                out.append(f"inner cancelling={me.cancelling()}")
    except* ValueError:
        out.append(f"outer cancelling={me.cancelling()}")
    return line("nested-both-cancelled:", " ".join(out))

async def error_and_cancel():
    started = asyncio.Event()
    async def raise_error():
        started.set()
        await asyncio.sleep(0)
        raise OSError("raise_error failed")
    async def inner():
        try:
            async with asyncio.TaskGroup() as g:
                g.create_task(raise_error())
                await asyncio.sleep(1)
        except* OSError:
            pass
        await asyncio.sleep(1)  # the cancel from outside, re-requested, arrives here
    t = asyncio.create_task(inner())
    await started.wait()
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        pass
    return line("error-and-cancel:", f"inner-cancelled={t.cancelled()}")

request_id = contextvars.ContextVar("request_id", default="none")

async def context_copied_at_creation():
    out = []
    async def grandchild():
        out.append(f"grandchild={request_id.get()}")
    async def child(mine):
        out.append(f"{mine}-sees={request_id.get()}")
        request_id.set(mine)
        await asyncio.sleep(0.1)
        await asyncio.create_task(grandchild())
        out.append(f"{mine}-after={request_id.get()}")
    async def creator():
        out.append(f"default={request_id.get()}")
        request_id.set("r1")
        a = asyncio.create_task(child("a"))
        request_id.set("r2")
        b = asyncio.create_task(child("b"))
        await a
        await b
        out.append(f"parent={request_id.get()}")
    await asyncio.create_task(creator())
    return line("contextvars:", " ".join(out))

async def main():
    # The scenarios are independent: run them at once, each in its own task, to be quick.
    scenarios = [wait_first_exception_cancelled, wait_timeout, wait_really_done,
                 wait_cancel_waiter, as_completed_timeout, group_child_fails,
                 group_body_fails, group_outside_cancel, context_copied_at_creation]
    if sys.version_info >= (3, 13):
        scenarios += [nested_both_cancelled, error_and_cancel]
    for found in await asyncio.gather(*(s() for s in scenarios)):
        print(found)
    if sys.version_info < (3, 13):
        print("before-3.13")

asyncio.run(main())
PY
)
printf '%s\n' "$found" | sed 's/^/# /'
like "$found" '^wait-first-exception-cancelled: done=11 states=cr$' \
    "FIRST_EXCEPTION: a cancelled future is no error, so wait returns when all are done"
like "$found" '^wait-timeout: done=010 states=rer$' \
    "wait's timeout returns what is done and cancels nothing: the pending ones finish"
like "$found" '^wait-really-done: done=11$' \
    "done is read from the futures when wait returns (test_wait_really_done)"
like "$found" '^wait-cancel-waiter: states=rr$' \
    "cancelling the task blocked in wait leaves the futures running"
like "$found" '^as-completed-timeout: got-0.05 got-0.1 timeout states=rrr$' \
    "as_completed: completion order, then the timeout ends the iteration; nothing cancelled"
like "$found" '^group-child-fails: cancelled cancelling=1 errors=a failed,b failed states=eec cancelling=0$' \
    "TaskGroup: a failure cancels the sibling and the body once; errors in order; count back to 0"
like "$found" '^group-body-fails: errors=untidy: cleanup failed,the body states=ec$' \
    "TaskGroup: the body's error aborts the children and comes after theirs"
like "$found" '^group-outside-cancel: parent-cancelled=True states=ccccc$' \
    "TaskGroup: a cancel from outside cancels the children and stays a cancel"
like "$found" '^contextvars: default=none a-sees=r1 b-sees=r2 grandchild=a grandchild=b a-after=a b-after=b parent=r2$' \
    "contextvars: a task starts with its creator's values as they were when it was created"
if printf '%s\n' "$found" | grep -q '^before-3.13$'; then
    diag "$python is older than 3.13: the gh-116720 laws (nested groups, errors with a cancel) are not compared"
else
    like "$found" '^nested-both-cancelled: inner cancelling=1 outer cancelling=0$' \
        "nested groups both cancelled: cancelling 1 between the exits, 0 after (3.13)"
    like "$found" '^error-and-cancel: inner-cancelled=True$' \
        "errors and a cancel from outside: the cancel reaches the next await (3.13, gh-116720)"
fi
done_testing
