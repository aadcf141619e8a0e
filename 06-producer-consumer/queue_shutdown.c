/*
 * queue_shutdown.c — the article's pipeline with Python 3.13's Queue.shutdown() instead
 * of a None sentinel: many producers and consumers, each item consumed exactly once.
 *
 * Mirrors A2 「生产者-消费者模式」, with asyncio.Queue.shutdown (3.13) in place of the
 * sentinel. A sentinel needs one None per consumer, and a count of the producers to know
 * when to send them; shutdown needs neither. Act 1: 3 producers, 4 consumers; when the
 * producers are done, main shuts the queue down, and each consumer drains what is left
 * and ends on its own with -ESHUTDOWN: nobody is cancelled. Every item is a distinct
 * object, and each is checked to have been consumed once (by identity, not by count).
 * Act 2: shutdown(immediate=True) drops what is queued, names each dropped item, and
 * join still returns, once the items already in a consumer's hands are done.
 */
#include "args.h"
#include "check.h"
#include "loop.h"
#include "queue.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

enum { PRODUCERS = 3, CONSUMERS = 4, MAX_ITEMS = 1000 };

struct item {
    int producer, number;
    int times_consumed;   /* exactly 1 at the end, for every item */
    bool dropped;         /* act 2: dropped by the immediate shutdown */
};

struct act {
    struct queue *queue;
    struct item items[PRODUCERS][MAX_ITEMS];
    long per_producer, strangers;
    double work;                      /* a consumer's time per item */
    double shutdown_at;               /* act 2: when the immediate shutdown came */
    long consumed_by[CONSUMERS];
};

struct role {
    struct act *act;
    long id;
};

static void *producer(void *arg)
{
    struct role *r = arg;
    for (long n = 0; n < r->act->per_producer; n++) {
        struct item *it = &r->act->items[r->id][n];
        *it = (struct item){(int)r->id, (int)n, 0, false};
        int err = queue_put(r->act->queue, it);
        if (err)
            return task_raise(err, "put item %ld", n);
    }
    say("produced %ld items", r->act->per_producer);
    return NULL;
}

/* The whole consumer: no sentinel to look for; -ESHUTDOWN is the end. */
static void *consumer(void *arg)
{
    struct role *r = arg;
    struct act *a = r->act;
    void *got;
    int err;
    while ((err = queue_get(a->queue, &got)) == 0) {
        struct item *it = got;
        /* As numbers: < between pointers to different objects would be undefined. */
        uintptr_t at = (uintptr_t)it, first = (uintptr_t)a->items;
        bool ours = at >= first && at < first + sizeof a->items;
        if (ours)
            it->times_consumed++;
        else
            a->strangers++;
        a->consumed_by[r->id]++;
        if ((err = async_sleep(a->work))) {
            queue_task_done(a->queue);
            return task_raise(err, "working on an item");
        }
        queue_task_done(a->queue);
    }
    if (err != -ESHUTDOWN)
        return task_raise(err, "get");
    say("get said -ESHUTDOWN: the queue is shut down and empty; consumed %ld, leaving",
        a->consumed_by[r->id]);
    return NULL;
}

static struct task *start(const char *role, long id, task_fn *fn, struct act *a, struct role *r)
{
    char name[32];
    snprintf(name, sizeof name, "%s-%ld", role, id);
    *r = (struct role){a, id};
    return create_task(name, fn, r);
}

static int first_error(int err, int next)
{
    return err ? err : next;
}

/* Wait for a task, and release it: its error code, 0 if it ended well. */
static int finish(struct task *t)
{
    int err = await_task(t, NULL);
    task_release(t);
    return err;
}

static void *act1(void *arg)
{
    struct act *a = arg;
    a->queue = queue_new(4);
    struct role roles[PRODUCERS + CONSUMERS];
    struct task *consumers[CONSUMERS], *producers[PRODUCERS];
    for (long i = 0; i < CONSUMERS; i++)
        consumers[i] = start("consumer", i, consumer, a, &roles[PRODUCERS + i]);
    for (long i = 0; i < PRODUCERS; i++)
        producers[i] = start("producer", i, producer, a, &roles[i]);
    int err = 0;
    for (int i = 0; i < PRODUCERS; i++)
        err = first_error(err, finish(producers[i]));
    say("the producers are done: queue.shutdown() with %zu item(s) still queued",
        queue_size(a->queue));
    queue_shutdown(a->queue, false);
    int late = queue_put(a->queue, &a->items[0][0]);
    say("a put after shutdown: %s", late == -ESHUTDOWN ? "-ESHUTDOWN (QueueShutDown)" : "accepted!");
    for (int i = 0; i < CONSUMERS; i++)
        err = first_error(err, finish(consumers[i])); /* they end on their own: nobody cancels them */
    err = first_error(err, queue_join(a->queue)); /* at once: every item was task_done'd */
    queue_free(a->queue);
    return err ? task_raise(err, "act 1") : NULL;
}

/* What the queue drops in an immediate shutdown goes here, so the reader sees which. */
static void mark_dropped(void *item)
{
    ((struct item *)item)->dropped = true;
}

static void *joiner(void *arg)
{
    struct act *a = arg;
    int err = queue_join(a->queue);
    say("queue.join() returned, %.3f s after the shutdown: the dropped items counted as done, "
        "and the two in hand have been done", running_loop_time() - a->shutdown_at);
    result_record("shutdown.immediate.join_after", running_loop_time() - a->shutdown_at, "s");
    return err ? task_raise(err, "join") : NULL;
}

static void *act2(void *arg)
{
    struct act *a = arg;
    a->queue = queue_new(0);
    queue_set_drop(a->queue, mark_dropped);
    for (long n = 0; n < 8; n++) {
        a->items[0][n] = (struct item){0, (int)n, 0, false};
        queue_put_nowait(a->queue, &a->items[0][n]);
    }
    struct role roles[2];
    struct task *consumers[2] = {start("consumer", 0, consumer, a, &roles[0]),
                                 start("consumer", 1, consumer, a, &roles[1])};
    struct task *join_task = create_task("joiner", joiner, a);
    int err = async_sleep(a->work / 3); /* the consumers have each taken an item */
    say("queue.shutdown(immediate=True) with %zu queued and 2 in the consumers' hands",
        queue_size(a->queue));
    a->shutdown_at = running_loop_time();
    queue_shutdown(a->queue, true);
    long dropped = 0;
    for (int n = 0; n < 8; n++)
        dropped += a->items[0][n].dropped;
    printf("           dropped:");
    for (int n = 0; n < 8; n++)
        if (a->items[0][n].dropped)
            printf(" item %d", n);
    printf("\n");
    result_record("shutdown.immediate.dropped", (double)dropped, "items");
    for (int i = 0; i < 2; i++)
        err = first_error(err, finish(consumers[i]));
    err = first_error(err, finish(join_task));
    queue_free(a->queue);
    return err ? task_raise(err, "act 2") : NULL;
}

int main(int argc, char **argv)
{
    long per_producer = 100;
    double work_ms = 20;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("items", "N", &per_producer, 1, MAX_ITEMS, "items each producer puts"),
        OPT_DOUBLE("work-ms", "MS", &work_ms, 0, 10000, "a consumer's time per item"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&per_producer, 20),
        OPT_END,
    };
    args_parse(argc, argv, "Queue.shutdown() ends a pipeline of many producers and consumers "
               "with no sentinel, and no item lost or consumed twice.", opts);
    static struct act a;
    a.per_producer = per_producer;
    a.work = work_ms / 1e3;
    printf("Act 1: %d producers x %ld items, %d consumers, Queue(maxsize=4), then shutdown()\n",
           PRODUCERS, per_producer, CONSUMERS);
    int rc = async_run(act1, &a, NULL);
    long once = 0, never = 0, twice = 0, total = 0;
    for (int p = 0; p < PRODUCERS; p++)
        for (long n = 0; n < per_producer; n++) {
            int times = a.items[p][n].times_consumed;
            once += times == 1;
            never += times == 0;
            twice += times > 1;
        }
    for (int c = 0; c < CONSUMERS; c++)
        total += a.consumed_by[c];
    printf("%ld items: %ld consumed exactly once, %ld never, %ld more than once, %ld not ours; "
           "the consumers' counts sum to %ld\n", PRODUCERS * per_producer, once, never, twice,
           a.strangers, total);
    result_record("shutdown.exactly_once", (double)once, "items");
    result_record("shutdown.items", (double)(PRODUCERS * per_producer), "items");
    bool act1_ok = rc == 0 && once == PRODUCERS * per_producer && total == once && !a.strangers;

    printf("\nAct 2: 8 items queued, 2 consumers taking %.0f ms over each, then "
           "shutdown(immediate=True)\n", work_ms * 3);
    a = (struct act){.work = 3 * work_ms / 1e3};
    int rc2 = async_run(act2, &a, NULL);
    return act1_ok && rc2 == 0 ? 0 : 1;
}
