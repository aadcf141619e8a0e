/*
 * runtime_cost.c — what the runtime's everyday operations cost: a task created and
 * awaited, a gather of 10,000 tasks, a queue hand-off between two tasks, an uncontended
 * semaphore, and a task's turn through the loop to compare them with. bench/00-runtime.sh
 * runs it beside bench/00-runtime.py, which does the same operations under asyncio.
 *
 * Each figure is the best of a few rounds (a busy machine only ever adds time), each
 * round on a fresh loop with the real clock, and is recorded for the bench
 * (runtime.ns.NAME, common/results.h).
 */
#include "args.h"
#include "check.h"
#include "clock.h"
#include "future.h"
#include "gather.h"
#include "loop.h"
#include "queue.h"
#include "results.h"
#include "semaphore.h"
#include "table.h"
#include "task.h"
#include "timeout.h"
#include "wait_for.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { ROUNDS = 5, BATCH = 1000, GATHERED = 10000 };

/* An operation measured: run it in batches until the deadline, return how many were done. */
typedef uint64_t operation(uint64_t deadline);

/* ---- a task's turn through the loop: two tasks taking turns with async_sleep(0) ---- */

struct turns {
    uint64_t deadline, count;
};

static void *take_turns(void *arg)
{
    struct turns *t = arg;
    while (now_ns() < t->deadline) {
        for (int i = 0; i < BATCH; i++)
            async_sleep(0);
        t->count += BATCH;
    }
    return NULL;
}

static uint64_t task_turn(uint64_t deadline)
{
    struct turns t = {deadline, 0};
    struct task *a = create_task("ping", take_turns, &t), *b = create_task("pong", take_turns, &t);
    await_task(a, NULL);
    await_task(b, NULL);
    task_release(a);
    task_release(b);
    return t.count;
}

/* ---- a task created and awaited: await asyncio.create_task(noop()) ---- */

static void *noop(void *arg)
{
    return arg;
}

static struct task *must_create(const char *name, task_fn *fn, void *arg)
{
    struct task *t = create_task(name, fn, arg);
    if (!t)
        die_errno(errno, "create_task");
    return t;
}

static uint64_t create_await(uint64_t deadline)
{
    uint64_t n = 0;
    while (now_ns() < deadline) {
        for (int i = 0; i < BATCH; i++) {
            struct task *t = must_create("noop", noop, NULL);
            await_task(t, NULL);
            task_release(t);
        }
        n += BATCH;
    }
    return n;
}

/* ---- a gather of 10,000 tasks, created, gathered and awaited ---- */

static uint64_t gather_tasks(uint64_t deadline)
{
    static struct task *tasks[GATHERED];
    static struct future *futures[GATHERED];
    uint64_t n = 0;
    do {
        for (int i = 0; i < GATHERED; i++) {
            tasks[i] = must_create("noop", noop, NULL);
            futures[i] = task_future(tasks[i]);
        }
        struct future *all = gather(futures, GATHERED, GATHER_FAIL_FAST);
        if (await_future(all, NULL) != 0)
            die("gather failed");
        future_unref(all);
        for (int i = 0; i < GATHERED; i++)
            task_release(tasks[i]);
        n++;
    } while (now_ns() < deadline);
    return n;
}

/* ---- a queue hand-off: an item put for a task waiting in queue_get, which then runs ---- */

struct ping_pong {
    struct queue *ping, *pong;
};

static void *echo(void *arg)
{
    struct ping_pong *p = arg;
    void *item;
    while (queue_get(p->ping, &item) == 0 && item)
        queue_put(p->pong, item);
    return NULL;
}

/* Two hand-offs per round trip: main to echo through ping, echo to main through pong. */
static uint64_t queue_handoff(uint64_t deadline)
{
    struct ping_pong p = {queue_new(0), queue_new(0)};
    struct task *partner = must_create("echo", echo, &p);
    uint64_t n = 0;
    void *item;
    while (now_ns() < deadline) {
        for (int i = 0; i < BATCH; i++) {
            queue_put(p.ping, &p);
            queue_get(p.pong, &item);
        }
        n += 2 * BATCH;
    }
    queue_put(p.ping, NULL); /* its end */
    await_task(partner, NULL);
    task_release(partner);
    queue_free(p.ping);
    queue_free(p.pong);
    return n;
}

/* ---- an uncontended semaphore: acquire and release, nobody waiting ---- */

static uint64_t semaphore_pair(uint64_t deadline)
{
    struct semaphore *s = semaphore_new(1);
    uint64_t n = 0;
    while (now_ns() < deadline) {
        for (int i = 0; i < BATCH; i++) {
            if (semaphore_acquire(s) != 0)
                die("semaphore_acquire failed");
            semaphore_release(s);
        }
        n += BATCH;
    }
    semaphore_free(s);
    return n;
}

/* ---- wait_for around an await that is already over ---- */

static uint64_t wait_for_done(uint64_t deadline)
{
    struct loop *loop = loop_get_running();
    uint64_t n = 0;
    while (now_ns() < deadline) {
        for (int i = 0; i < BATCH; i++) {
            struct future *f = future_new(loop);
            future_set_result(f, loop);
            void *result;
            if (wait_for(f, 1.0, &result) != 0 || result != loop)
                die("wait_for failed");
            future_unref(f);
        }
        n += BATCH;
    }
    return n;
}

/* ---- a timeout scope entered and left: async with asyncio.timeout(1): pass ---- */

static uint64_t timeout_scope(uint64_t deadline)
{
    uint64_t n = 0;
    while (now_ns() < deadline) {
        for (int i = 0; i < BATCH; i++) {
            struct timeout *to = timeout(1.0);
            if (timeout_exit(to, timeout_enter(to)) != 0)
                die("timeout scope failed");
        }
        n += BATCH;
    }
    return n;
}

/* ---- measuring: each round a fresh loop, the best round kept ---- */

struct round {
    operation *op;
    uint64_t deadline, count, ns;
};

static void *run_round(void *arg)
{
    struct round *r = arg;
    uint64_t t0 = now_ns();
    r->count = r->op(r->deadline);
    r->ns = now_ns() - t0;
    return NULL;
}

static double best_ns(operation *op, double seconds)
{
    double best = 0;
    for (int i = 0; i < ROUNDS; i++) {
        struct round r = {op, now_ns() + (uint64_t)(seconds / ROUNDS * 1e9), 0, 0};
        if (async_run(run_round, &r, NULL) != 0)
            die("a round failed");
        double per = (double)r.ns / (double)r.count;
        if (i == 0 || per < best)
            best = per;
    }
    return best;
}

int main(int argc, char **argv)
{
    double seconds = 0.5;
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &seconds, 0.01, 60, "time spent measuring each operation"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&seconds, 0.05),
        OPT_END,
    };
    args_parse(argc, argv,
               "Measure the runtime's everyday operations: a task created and awaited, a "
               "gather of 10,000 tasks, a queue hand-off, an uncontended semaphore, wait_for "
               "on a finished future, a timeout scope, and a task's turn through the loop.",
               opts);

    static const struct {
        const char *name, *what;
        operation *op;
    } ops[] = {
        {"task_turn", "a task's turn through the loop (async_sleep(0))", task_turn},
        {"create_await", "create_task + await_task + task_release", create_await},
        {"gather_10000", "10,000 tasks created, gathered and awaited", gather_tasks},
        {"queue_handoff", "an item handed to a task waiting in queue_get", queue_handoff},
        {"semaphore", "uncontended semaphore_acquire + semaphore_release", semaphore_pair},
        {"wait_for_done", "wait_for(f, 1 s) on a future already done", wait_for_done},
        {"timeout_scope", "timeout(1 s) entered and left, nothing awaited", timeout_scope},
    };
    enum { NOPS = sizeof ops / sizeof ops[0] };
    double ns[NOPS];
    printf("Each operation runs for %.2f s (best of %d rounds).\n\n", seconds, ROUNDS);
    struct table *t = table_new("operation|what it is|ns per operation|in task turns");
    for (size_t i = 0; i < NOPS; i++) {
        ns[i] = best_ns(ops[i].op, seconds);
        table_row(t, "%s|%s|%.1f|%.2f", ops[i].name, ops[i].what, ns[i], ns[i] / ns[0]);
        char name[64];
        snprintf(name, sizeof name, "runtime.ns.%s", ops[i].name);
        result_record(name, ns[i], "ns");
    }
    table_print(t);
    table_free(t);
    return 0;
}
