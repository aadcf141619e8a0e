/*
 * producer_consumer.c — the article's producer and consumer, faithfully: Queue(maxsize=5),
 * ten random items, a None sentinel, task_done, join, and the consumer cancelled.
 *
 * Mirrors A2 「生产者-消费者模式」. The producer makes an item every 0.1–0.5 s, the
 * consumer takes 0.2–0.8 s over each: the consumer is slower, so the queue fills, and
 * then `await queue.put()` waits. Each 生产 line says how full the queue was and how long
 * the put waited: watch the waits appear once the queue holds 5. At the end,
 * consumer_task.cancel() finds the consumer already gone: the sentinel ended it.
 */
#include "args.h"
#include "loop.h"
#include "queue.h"
#include "results.h"
#include "rng.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

struct pipeline {
    struct queue *queue;
    struct rng producer_rng, consumer_rng; /* one each: neither's draws depend on the other's */
    double scale;          /* the article's sleeps, times this */
    long waited_puts, consumed;
    double longest_wait;
};

static void *producer(void *arg)
{
    struct pipeline *p = arg;
    for (int i = 0; i < 10; i++) {
        long item = rng_range(&p->producer_rng, 1, 100);
        size_t before = queue_size(p->queue);
        double start = running_loop_time();
        int err = queue_put(p->queue, (void *)(intptr_t)item);
        if (err)
            return task_raise(err, "put %ld", item);
        double waited = running_loop_time() - start;
        say("生产: %ld  (the queue held %zu/5)", item, before);
        if (before == 5) { /* full: the put had to wait for the consumer to take one */
            say("      ^ the queue was full: put waited %.2f s for room", waited);
            p->waited_puts++;
            p->longest_wait = waited > p->longest_wait ? waited : p->longest_wait;
        }
        if ((err = async_sleep(rng_uniform(&p->producer_rng, 0.1, 0.5) * p->scale)))
            return task_raise(err, "sleep");
    }
    /* 发送终止信号: None is NULL here, an item no real item can be (they are 1..100). */
    int err = queue_put(p->queue, NULL);
    return err ? task_raise(err, "put the sentinel") : NULL;
}

static void *consumer(void *arg)
{
    struct pipeline *p = arg;
    for (;;) {
        void *item;
        int err = queue_get(p->queue, &item);
        if (err)
            return task_raise(err, "get");
        if (item == NULL) { /* 收到终止信号，退出 */
            queue_task_done(p->queue);
            say("got the sentinel (None): the consumer returns");
            return NULL;
        }
        say("消费: %ld", (long)(intptr_t)item);
        p->consumed++;
        if ((err = async_sleep(rng_uniform(&p->consumer_rng, 0.2, 0.8) * p->scale)))
            return task_raise(err, "sleep");
        queue_task_done(p->queue);
    }
}

static void *main_task(void *arg)
{
    struct pipeline *p = arg;
    p->queue = queue_new(5);
    struct task *producer_task = create_task("producer", producer, p);
    struct task *consumer_task = create_task("consumer", consumer, p);
    int err = await_task(producer_task, NULL); /* 等待生产者完成 */
    say("the producer is done (%s); await queue.join()", err ? "failed" : "ok");
    if (!err)
        err = queue_join(p->queue); /* 等待队列处理完成 */
    say("queue.join() returned: every item put was task_done'd");
    /* 取消消费者任务 — it has already returned, on the sentinel, before join returned. */
    int cancelled = task_cancel(consumer_task);
    say("consumer_task.cancel(): %s", cancelled == 0 ? "cancelled it"
                                      : cancelled == -EINVAL ? "nothing to cancel, the consumer had already ended on the sentinel"
                                                             : "failed");
    result_record("pc.cancel_found_consumer_done", task_done(consumer_task) && cancelled == -EINVAL,
                  "bool");
    await_task(consumer_task, NULL);
    task_release(producer_task);
    task_release(consumer_task);
    queue_free(p->queue);
    return err ? task_raise(err, "pipeline") : NULL;
}

int main(int argc, char **argv)
{
    long seed = 122; /* a run where the queue fills: most runs of ten items never do */
    double scale = 1;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("seed", "N", &seed, 0, 1000000, "the random items and sleeps"),
        OPT_DOUBLE("scale", "F", &scale, 0.001, 10, "the article's sleeps times F"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&scale, 0.1),
        OPT_END,
    };
    args_parse(argc, argv, "The article's producer and consumer: Queue(maxsize=5), a None "
               "sentinel, task_done, join.", opts);
    static struct pipeline p;
    p.scale = scale;
    rng_seed(&p.producer_rng, (uint64_t)seed);
    rng_seed(&p.consumer_rng, (uint64_t)seed + 1);
    int rc = async_run(main_task, &p, NULL);
    printf("consumed %ld of 10 items; the producer waited for room %ld time(s), at most %.2f s\n",
           p.consumed, p.waited_puts, p.longest_wait);
    result_record("pc.consumed", (double)p.consumed, "items");
    result_record("pc.waited_puts", (double)p.waited_puts, "puts");
    return rc == 0 && p.consumed == 10 ? 0 : 1;
}
