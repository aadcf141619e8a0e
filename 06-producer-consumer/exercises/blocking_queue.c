/*
 * blocking_queue.c — chapter 06's exercise: a bounded blocking queue for threads, the
 * queue.Queue(maxsize) of A4's CoffeeShop, with Python 3.13's shutdown.
 *
 * The fields are in harness.h. As shipped, the queue works for one thread while it is
 * neither full nor empty; make it right for many:
 *   TODO 1: a put into a full queue waits for room, a get from an empty queue waits for
 *           an item (pthread_cond_wait on not_full / not_empty);
 *   TODO 2: each side wakes the other: a put wakes a getter, a get wakes a putter;
 *   TODO 3: bq_shutdown: puts fail with -ESHUTDOWN from then on, gets hand out what is
 *           left and then fail with -ESHUTDOWN, and every waiting thread wakes up.
 * Check with `make exercise-6`: it names the rule that is still broken.
 */
#include "harness.h"

int bq_put(struct bq *q, long item)
{
    pthread_mutex_lock(&q->lock);
    if (q->count == q->cap) { /* TODO 1: wait for room instead */
        pthread_mutex_unlock(&q->lock);
        return -EAGAIN;
    }
    q->items[(q->head + q->count) % q->cap] = item;
    q->count++;
    /* TODO 2: wake a getter waiting for an item */
    pthread_mutex_unlock(&q->lock);
    return 0;
}

int bq_get(struct bq *q, long *item)
{
    pthread_mutex_lock(&q->lock);
    if (q->count == 0) { /* TODO 1: wait for an item instead */
        pthread_mutex_unlock(&q->lock);
        return -EAGAIN;
    }
    *item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    /* TODO 2: wake a putter waiting for room */
    pthread_mutex_unlock(&q->lock);
    return 0;
}

void bq_shutdown(struct bq *q)
{
    (void)q; /* TODO 3 */
}
