/*
 * queue.h — asyncio.Queue: a FIFO of items between tasks, with a size limit, a count of
 * unfinished work (task_done/join) and Python 3.13's shutdown.
 *
 *     struct queue *jobs = queue_new(10);            // at most 10 waiting items
 *     ...                                            // producer task:
 *     int err = queue_put(jobs, url);                // waits while the queue is full
 *     ...                                            // worker tasks:
 *     void *url;
 *     while (queue_get(jobs, &url) == 0) {           // waits while it is empty
 *         fetch(url);
 *         queue_task_done(jobs);                     // one item finished
 *     }
 *     ...                                            // main:
 *     queue_join(jobs);                              // every item put has been finished
 *     queue_shutdown(jobs, false);                   // the workers' gets end: -ESHUTDOWN
 *
 * Items are void *, and the queue never owns what they point to: a consumer that gets
 * an item owns it from then on. Items the queue itself drops (an immediate shutdown,
 * queue_free) go to the function given to queue_set_drop, if any (free them there), or
 * are forgotten (right for items that own nothing: numbers, static strings).
 *
 * The laws (asyncio's: ASYNCIO-LAWS §4.1, §4.2), each tested in tests/unit/queue.c:
 * - Items come out in the order they went in. maxsize 0 means unbounded: never full.
 * - queue_put waits while the queue is full; queue_put_nowait returns -EAGAIN instead.
 * - queue_get waits while it is empty; queue_get_nowait returns -EAGAIN instead.
 * - Waiting tasks are served first come, first served: each put wakes the longest-waiting
 *   getter, each get the longest-waiting putter.
 * - A waiter woken but cancelled before it ran returns -ECANCELED and passes the wake-up
 *   on to the next waiter, so no item waits while a getter does; a cancelled waiter
 *   leaves nothing behind in the queue.
 * - Each item put counts as unfinished until a queue_task_done(); queue_get does not
 *   lower the count. queue_task_done() with nothing unfinished returns -EINVAL.
 * - queue_join returns once the count is 0 (at once if it is).
 * - queue_shutdown: from then on queue_put returns -ESHUTDOWN, and tasks waiting to put
 *   are woken to return it. queue_get still returns the items left; once the queue is
 *   empty it returns -ESHUTDOWN, and so do the tasks waiting to get.
 * - An immediate shutdown also drops the items left, lowering the unfinished count by
 *   one for each (never below 0); join is released only if the count reaches 0: items
 *   already taken by a get and not yet done still hold it (asyncio's code; its docs said
 *   otherwise until 2025). Shutdown is for good, and a second one (immediate or not) is
 *   allowed.
 * - A call that can wait returns -EPERM outside a task, even when it would not wait.
 * - queue_free dies while a task waits on the queue.
 * - Not thread-safe (nor is asyncio's): use it from the loop's thread only.
 */
#ifndef LAB_QUEUE_H
#define LAB_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct queue;

/* What the queue does with an item it drops itself (queue_set_drop). */
typedef void queue_drop_fn(void *item);

/* An empty queue holding at most `maxsize` items (0: no limit). */
struct queue *queue_new(size_t maxsize);

/* Free the queue; the items left go to the drop function, if there is one. */
void queue_free(struct queue *q);

void queue_set_drop(struct queue *q, queue_drop_fn *drop);

/* Add an item at the back, waiting while the queue is full: 0, -ECANCELED, -ESHUTDOWN. */
int queue_put(struct queue *q, void *item);
/* Take the item at the front into *item, waiting while it is empty: 0, -ECANCELED, -ESHUTDOWN. */
int queue_get(struct queue *q, void **item);

/* The same without waiting: -EAGAIN where they would wait. */
int queue_put_nowait(struct queue *q, void *item);
int queue_get_nowait(struct queue *q, void **item);

size_t queue_size(const struct queue *q);
size_t queue_maxsize(const struct queue *q);
bool queue_full(const struct queue *q);
bool queue_empty(const struct queue *q);

/* Items put and not yet marked done (asyncio keeps it as _unfinished_tasks). */
size_t queue_unfinished(const struct queue *q);

/* One item got earlier is finished: 0, or -EINVAL if none was unfinished. */
int queue_task_done(struct queue *q);

/* Wait until every item put has been marked done: 0, or -ECANCELED. */
int queue_join(struct queue *q);

/* No more puts; gets end once the queue is empty (immediate: empty it now). */
void queue_shutdown(struct queue *q, bool immediate);
bool queue_is_shutdown(const struct queue *q);

#endif
