/*
 * switch_cost.c — what it costs to switch from one line of work to another: a coroutine
 * switch, a task's turn through the event loop, a ucontext switch, and a hand-off
 * between two threads.
 *
 * Mirrors A1 §1 「异步编程的本质与价值」: "前者没有线程切换开销" (coroutines have no
 * thread-switch cost). Not none: a coroutine switch saves a few registers and swaps a
 * stack pointer, in user space; a task that yields (asyncio.sleep(0)) also goes through
 * the loop's ready queue. swapcontext(3) adds a system call to save the signal mask; a
 * thread hand-off goes through the kernel's scheduler. Watch the last column: how many
 * coroutine switches fit in the time of one of the others.
 */
#include "args.h"
#include "check.h"
#include "clock.h"
#include "coro.h"
#include "other_switches.h"
#include "results.h"
#include "table.h"
#include "task.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum { ROUNDS = 5 };

/* ---- this lab's coroutines: resume and yield, two switches per round trip ---- */

static uint64_t coro_yields;

static void yielder(void *arg)
{
    (void)arg;
    for (;;) {
        coro_yields++;
        coro_yield();
    }
}

/* Switch back and forth for about `seconds`; returns the switches made, *ns their time. */
static uint64_t run_coro(double seconds, uint64_t *ns)
{
    struct coro *co = coro_create("yielder", yielder, NULL, 0);
    if (!co)
        die_errno(errno, "coro_create");
    uint64_t switches = 0, t0 = now_ns(), deadline = t0 + (uint64_t)(seconds * 1e9);
    while (now_ns() < deadline) {
        for (int i = 0; i < BATCH; i++)
            coro_resume(co);
        switches += 2 * BATCH;
    }
    *ns = now_ns() - t0;
    coro_destroy(co); /* suspended in its endless loop: discarding its stack is all it needs */
    return switches;
}

/* ---- two tasks taking turns through the loop: asyncio.sleep(0) ---- */

struct turns {
    uint64_t deadline;
    uint64_t count; /* turns taken by both tasks */
};

static void *take_turns(void *arg)
{
    struct turns *t = arg;
    do { /* one batch at least: a slow start (a sanitizer) may pass the deadline first */
        for (int i = 0; i < BATCH; i++)
            async_sleep(0);
        t->count += BATCH;
    } while (now_ns() < t->deadline);
    return NULL;
}

static void *two_tasks(void *arg)
{
    struct task *a = create_task("ping", take_turns, arg);
    struct task *b = create_task("pong", take_turns, arg);
    await_task(a, NULL);
    await_task(b, NULL);
    task_release(a);
    task_release(b);
    return NULL;
}

static uint64_t run_tasks(double seconds, uint64_t *ns)
{
    uint64_t t0 = now_ns();
    struct turns t = {.deadline = t0 + (uint64_t)(seconds * 1e9), .count = 0};
    async_run(two_tasks, &t, NULL);
    *ns = now_ns() - t0;
    return t.count;
}

/* ---- measuring: the best of a few rounds, since a busy machine only ever adds time ---- */

typedef uint64_t runner(double seconds, uint64_t *ns);

struct measured {
    uint64_t switches; /* in all rounds */
    double best_ns;    /* per switch, in the fastest round */
};

/* Each round is recorded too (switch.round_ns.KIND), so a test can see the best kept. */
static struct measured measure(runner *run, double seconds, const char *kind)
{
    char name[64];
    snprintf(name, sizeof name, "switch.round_ns.%s", kind);
    struct measured m = {0, 0};
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t ns, n = run(seconds / ROUNDS, &ns);
        double per = (double)ns / (double)n;
        result_record(name, per, "ns");
        if (r == 0 || per < m.best_ns)
            m.best_ns = per;
        m.switches += n;
    }
    return m;
}

int main(int argc, char **argv)
{
    double seconds = 0.5;
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &seconds, 0.01, 60, "time spent measuring each kind of switch"),
        OPT_QUICK_DOUBLE(&seconds, 0.05),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Measure a switch: this lab's coroutines, two tasks taking turns through the "
               "event loop, swapcontext(3), and two threads handing a turn to each other "
               "(mutex + condition variable).",
               opts);

    printf("Each kind of switch runs for %.2f s (best of %d rounds). Coroutine switch: %s.\n\n",
           seconds, ROUNDS, coro_backend());
    struct measured co = measure(run_coro, seconds, "context");
    struct measured ty = measure(run_tasks, seconds, "task_yield");
    struct measured uc = measure(run_ucontext, seconds, "ucontext");
    struct measured th = measure(run_threads, seconds, "thread_handoff");

    struct table *t =
        table_new("switch|switches made|ns per switch|coroutine switches in its time");
    table_row(t, "coroutine (coro_resume / coro_yield)|%llu|%.1f|%.0f",
              (unsigned long long)co.switches, co.best_ns, 1.0);
    table_row(t, "task turn through the loop (async_sleep(0))|%llu|%.1f|%.0f",
              (unsigned long long)ty.switches, ty.best_ns, ty.best_ns / co.best_ns);
    table_row(t, "swapcontext(3)|%llu|%.1f|%.0f", (unsigned long long)uc.switches, uc.best_ns,
              uc.best_ns / co.best_ns);
    table_row(t, "thread hand-off (mutex + condvar)|%llu|%.1f|%.0f",
              (unsigned long long)th.switches, th.best_ns, th.best_ns / co.best_ns);
    table_print(t);
    table_free(t);

    /* Every round trip was two switches and the other side counted one: check it all happened. */
    printf("\nswitches counted on the other side: coroutine %llu, ucontext %llu (each half of its "
           "total)\n",
           (unsigned long long)coro_yields, (unsigned long long)uc_yields);
    if (coro_yields * 2 != co.switches || uc_yields * 2 != uc.switches)
        die("a switch went missing");

    result_record("switch.ns.context", co.best_ns, "ns");
    result_record("switch.ns.task_yield", ty.best_ns, "ns");
    result_record("switch.ns.ucontext", uc.best_ns, "ns");
    result_record("switch.ns.thread_handoff", th.best_ns, "ns");
    result_record("switch.count.context", (double)co.switches, "switches");
    result_record("switch.count.task_yield", (double)ty.switches, "switches");
    result_record("switch.count.ucontext", (double)uc.switches, "switches");
    result_record("switch.count.thread_handoff", (double)th.switches, "switches");
    return 0;
}
