/*
 * queue.c — asyncio.Queue in C. See queue.h.
 *
 * The same shape as CPython's Lib/asyncio/queues.py: the items in a FIFO, a line of
 * waiting getters and one of waiting putters, a count of unfinished items, and an Event
 * that join() waits for. Every wait is a loop ("while it is full, wait"), because a woken
 * task may find the queue changed again before it runs: a put can wake a getter, and
 * another task take the item first.
 */
#include "queue.h"

#include "check.h"
#include "event.h"
#include "list.h"
#include "task.h"
#include "waiters.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

struct queue_item {
    struct list_node node;
    void *value;
};

struct queue {
    struct list items; /* struct queue_item, oldest first */
    struct list spare; /* nodes of items already taken, for the next puts to reuse */
    size_t maxsize;    /* 0: no limit */
    struct list getters, putters;
    size_t unfinished;
    struct event *finished; /* set while unfinished is 0: what queue_join waits for */
    bool shut_down;
    queue_drop_fn *drop;
};

struct queue *queue_new(size_t maxsize)
{
    struct queue *q = xcalloc(1, sizeof *q);
    list_init(&q->items);
    list_init(&q->spare);
    list_init(&q->getters);
    list_init(&q->putters);
    q->maxsize = maxsize;
    q->finished = event_new();
    event_set(q->finished);
    return q;
}

void queue_set_drop(struct queue *q, queue_drop_fn *drop)
{
    q->drop = drop;
}

/*
 * Take the front item out of the list (the queue must not be empty). Its node is kept
 * for a later put: a queue that stays under the size it once reached allocates nothing.
 */
static void *take_front(struct queue *q)
{
    struct list_node *n = list_pop_front(&q->items);
    list_push_back(&q->spare, n);
    return list_entry(n, struct queue_item, node)->value;
}

static void drop_front(struct queue *q)
{
    void *value = take_front(q);
    if (q->drop)
        q->drop(value);
}

void queue_free(struct queue *q)
{
    if (!q)
        return;
    size_t waiting = list_length(&q->getters) + list_length(&q->putters);
    if (waiting)
        die("queue_free: %zu task(s) still wait on the queue", waiting);
    while (!list_empty(&q->items))
        drop_front(q);
    for (struct list_node *n; (n = list_pop_front(&q->spare));)
        free(list_entry(n, struct queue_item, node));
    event_free(q->finished);
    free(q);
}

size_t queue_size(const struct queue *q)
{
    return list_length(&q->items);
}

size_t queue_maxsize(const struct queue *q)
{
    return q->maxsize;
}

bool queue_full(const struct queue *q)
{
    return q->maxsize > 0 && queue_size(q) >= q->maxsize;
}

bool queue_empty(const struct queue *q)
{
    return list_empty(&q->items);
}

size_t queue_unfinished(const struct queue *q)
{
    return q->unfinished;
}

bool queue_is_shutdown(const struct queue *q)
{
    return q->shut_down;
}

int queue_put_nowait(struct queue *q, void *item)
{
    if (q->shut_down)
        return -ESHUTDOWN;
    if (queue_full(q))
        return -EAGAIN;
    struct list_node *spare = list_pop_front(&q->spare);
    struct queue_item *it =
        spare ? list_entry(spare, struct queue_item, node) : xcalloc(1, sizeof *it);
    it->value = item;
    list_push_back(&q->items, &it->node);
    q->unfinished++;
    event_clear(q->finished);
    waiters_wake_next(&q->getters);
    return 0;
}

int queue_get_nowait(struct queue *q, void **item)
{
    if (queue_empty(q))
        return q->shut_down ? -ESHUTDOWN : -EAGAIN;
    *item = take_front(q);
    waiters_wake_next(&q->putters);
    return 0;
}

int queue_put(struct queue *q, void *item)
{
    if (!current_task())
        return -EPERM;
    while (queue_full(q)) {
        if (q->shut_down)
            return -ESHUTDOWN;
        bool woken;
        int rc = waiters_wait(&q->putters, "queue put", &woken);
        if (rc) {
            /* Woken for a free slot, but cancelled before it could use it: pass it on. */
            if (woken && !queue_full(q))
                waiters_wake_next(&q->putters);
            return rc;
        }
    }
    return queue_put_nowait(q, item);
}

int queue_get(struct queue *q, void **item)
{
    if (!current_task())
        return -EPERM;
    while (queue_empty(q)) {
        if (q->shut_down)
            return -ESHUTDOWN;
        bool woken;
        int rc = waiters_wait(&q->getters, "queue get", &woken);
        if (rc) {
            /* Woken for an item, but cancelled before it could take it: pass it on. */
            if (woken && !queue_empty(q))
                waiters_wake_next(&q->getters);
            return rc;
        }
    }
    return queue_get_nowait(q, item);
}

int queue_task_done(struct queue *q)
{
    if (q->unfinished == 0)
        return -EINVAL; /* asyncio: ValueError('task_done() called too many times') */
    if (--q->unfinished == 0)
        event_set(q->finished);
    return 0;
}

int queue_join(struct queue *q)
{
    if (!current_task())
        return -EPERM;
    return q->unfinished > 0 ? event_wait(q->finished) : 0;
}

void queue_shutdown(struct queue *q, bool immediate)
{
    q->shut_down = true;
    if (immediate) {
        while (!queue_empty(q)) {
            drop_front(q);
            if (q->unfinished > 0)
                q->unfinished--;
        }
        /* Items got and not yet done still count: join waits for them (§4.2 law 3). */
        if (q->unfinished == 0)
            event_set(q->finished);
    }
    /* Every waiter looks again: putters return -ESHUTDOWN, getters once it is empty. */
    waiters_wake(&q->getters, SIZE_MAX);
    waiters_wake(&q->putters, SIZE_MAX);
}
