/*
 * bqueue.h — a bounded blocking queue for threads: Python's queue.Queue in C.
 *
 * One mutex and three condition variables, as in CPython's Lib/queue.py (3.13+):
 * `not_empty` (getters wait on it), `not_full` (putters wait on it) and
 * `all_tasks_done` (join waits on it). The laws it keeps:
 *
 *   - put waits while the queue is full, get while it is empty, each in a `while` loop
 *     that re-checks after every wake-up (a wake-up is a hint, not a promise);
 *   - put wakes one getter, get wakes one putter; shutdown wakes every waiter;
 *   - get does not finish an item: task_done does, and join returns when every item
 *     ever put has been task_done'd (or dropped by an immediate shutdown);
 *   - after shutdown, put fails at once with -ESHUTDOWN, even when there is room; get
 *     hands out what is left, then fails with -ESHUTDOWN; shutdown(immediate) drops
 *     what is left (counting each dropped item as done, so join can return) and
 *     reports how many it dropped.
 *
 * There is no timeout (Python's get(timeout=1)): the article's CoffeeShop needs one only
 * to look at its stop flag once a second, because nothing can wake a blocked get. Here
 * shutdown wakes every waiter at once, so a thread waits for an item or for the end,
 * and for nothing else.
 *
 * A queue can live in memory shared between processes (bqueue_init_shared): its mutex
 * and conditions are then PTHREAD_PROCESS_SHARED, and its items are numbers, not
 * pointers (an address means nothing in another process).
 */
#ifndef BQUEUE_H
#define BQUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct bqueue;

/* A queue of at most `maxsize` items (maxsize >= 1). */
struct bqueue *bqueue_new(size_t maxsize);
void bqueue_free(struct bqueue *q);

/* The bytes a queue of `maxsize` takes, and one built in `mem` shared between processes. */
size_t bqueue_bytes(size_t maxsize);
struct bqueue *bqueue_init_shared(void *mem, size_t maxsize);
void bqueue_destroy_shared(struct bqueue *q);

/*
 * put waits while the queue is full, get while it is empty, if `wait`; without it they
 * return -EAGAIN instead (Python's put_nowait/get_nowait). 0 or -ESHUTDOWN otherwise.
 */
int bqueue_put(struct bqueue *q, void *item, bool wait);
int bqueue_get(struct bqueue *q, void **item, bool wait);

/* One item taken by get is finished: 0, or -EINVAL when called more times than items. */
int bqueue_task_done(struct bqueue *q);

/* Wait until every item put has been finished (task_done) or dropped. */
void bqueue_join(struct bqueue *q);

/* Refuse puts from now on; immediate: also drop what is queued. Returns how many it dropped. */
size_t bqueue_shutdown(struct bqueue *q, bool immediate);

#endif
