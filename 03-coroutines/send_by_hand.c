/*
 * send_by_hand.c — the erratum of A1 §2.2, shown: native coroutines do have send().
 *
 * Mirrors A1 「2.2 协程(Coroutine)的三种形态」, its 重要区别: 原生协程不再支持 send()方法
 * (native coroutines no longer support send()). They do: coroutine objects have send(),
 * throw() and close(), and send() is how the event loop drives every one of them — each
 * task step is coro.send(None) (Task.__step). What a native coroutine lacks is __next__
 * (next(coro) raises TypeError), and a bare `yield` in `async def` makes an async
 * generator instead. Watch the C coroutine driven by hand with coro_resume, a value sent
 * in at each resume, then the same in Python (when python3 is installed).
 */
#include "args.h"
#include "coro.h"
#include "results.h"

#include <stdio.h>
#include <stdlib.h>

/* What send(value) carries in, and what the coroutine yields out: one mailbox each way. */
struct mailbox {
    int sent;        /* the value of the last resume, as send(value) */
    const char *out; /* what the coroutine yielded, as the value send() returns */
    int received;    /* what the coroutine got back from its await */
};

/* async def fetch(): got = await something(); print(...); return ... */
static void fetch(void *arg)
{
    struct mailbox *m = arg;
    printf("  fetch: started, now awaiting (it yields \"waiting\" to whoever drives it)\n");
    m->out = "waiting";
    coro_yield(); /* the await: back to the driver, which resumes it with a value */
    m->received = m->sent;
    printf("  fetch: the await gave back %d\n", m->received);
    m->out = "done";
}

static const char *const python =
    "class Yield:\n"
    "    def __await__(self):\n"
    "        got = yield 'waiting'\n"
    "        return got\n"
    "async def fetch():\n"
    "    got = await Yield()\n"
    "    print('  fetch: the await gave back', got)\n"
    "    return 'done'\n"
    "c = fetch()\n"
    "print('  has send, throw, close:', all(hasattr(c, m) for m in ('send', 'throw', 'close')))\n"
    "print('  c.send(None) ->', repr(c.send(None)))\n"
    "try:\n"
    "    c.send(42)\n"
    "except StopIteration as e:\n"
    "    print('  c.send(42) -> StopIteration, value', repr(e.value))\n"
    "f = fetch()\n"
    "try:\n"
    "    next(f)\n"
    "except TypeError as e:\n"
    "    print('  next(fetch()) -> TypeError:', e)\n"
    "f.close()\n";

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv,
               "Native coroutines do have send(): a coroutine driven by hand, in C and in "
               "Python, a value sent in at each resume.",
               opts);

    printf("C: the lab's coro_resume is send(): each resume runs the coroutine to its next "
           "await\n");
    struct mailbox m = {0};
    struct coro *c = coro_create("fetch", fetch, &m, 0);
    m.sent = 0; /* send(None) */
    coro_resume(c);
    printf("  resume (send(None)) -> it yielded \"%s\"\n", m.out);
    m.sent = 42; /* send(42) */
    coro_resume(c);
    printf("  resume (send(42)) -> it returned \"%s\", finished: %s\n", m.out,
           coro_finished(c) ? "yes" : "no");
    bool c_ok = coro_finished(c) && m.received == 42;
    coro_destroy(c);
    result_record("send_by_hand.c_received", m.received, "value");

    printf("\nPython: the same coroutine, driven with send() as the event loop does\n");
    fflush(stdout);
    FILE *py = popen("command -v python3 >/dev/null 2>&1 && python3 - || "
                     "echo '  (python3 is not installed: the README shows what it prints)'",
                     "w");
    int status = -1;
    if (py) {
        fputs(python, py);
        status = pclose(py);
    }
    result_record("send_by_hand.python_status", status, "status");
    printf("\nSo 原生协程不再支持 send() is wrong: send() is how every coroutine is run; "
           "what is gone is next() and the bare yield.\n");
    return c_ok && status == 0 ? 0 : 1;
}
