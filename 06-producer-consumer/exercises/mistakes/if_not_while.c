/*
 * mistakes/if_not_while.c — a plausible wrong answer, for the checker's tests: `if` where
 * the wait needs `while`. A woken thread runs on as if its wish came true, but a wake-up
 * is only a hint: another thread may have taken the item first, or the wait may return
 * for no reason at all (POSIX allows it). A get then "succeeds" on an empty queue.
 */
#include "harness.h"

int bq_put(struct bq *q, long item)
{
    pthread_mutex_lock(&q->lock);
    /* A `while`: whoever wakes us, the queue may be full again by the time we run. */
    if (q->count == q->cap && !q->shut_down)
        pthread_cond_wait(&q->not_full, &q->lock);
    if (q->shut_down) {
        pthread_mutex_unlock(&q->lock);
        return -ESHUTDOWN;
    }
    q->items[(q->head + q->count) % q->cap] = item;
    q->count++;
    pthread_cond_signal(&q->not_empty); /* one item: one getter can use it */
    pthread_mutex_unlock(&q->lock);
    return 0;
}

int bq_get(struct bq *q, long *item)
{
    pthread_mutex_lock(&q->lock);
    if (q->count == 0 && !q->shut_down)
        pthread_cond_wait(&q->not_empty, &q->lock);
    if (q->count == 0) { /* shut down and drained: no item will ever come */
        pthread_mutex_unlock(&q->lock);
        return -ESHUTDOWN;
    }
    *item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    pthread_cond_signal(&q->not_full); /* one slot: one putter can use it */
    pthread_mutex_unlock(&q->lock);
    return 0;
}

void bq_shutdown(struct bq *q)
{
    pthread_mutex_lock(&q->lock);
    q->shut_down = true;
    /* Every waiter must wake and see the flag: a signal would wake only one. */
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}
