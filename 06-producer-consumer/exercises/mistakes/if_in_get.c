/*
 * mistakes/if_in_get.c — a plausible wrong answer, for the checker's tests: the put waits
 * in a `while` loop, but the get under an `if`. The get's wake-up is then taken as a
 * promise: woken with nothing queued (another getter was first, or the wait returned for
 * no reason), it does not wait again but returns -ESHUTDOWN from a queue still open.
 */
#include "harness.h"

int bq_put(struct bq *q, long item)
{
    pthread_mutex_lock(&q->lock);
    /* A `while`: whoever wakes us, the queue may be full again by the time we run. */
    while (q->count == q->cap && !q->shut_down)
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
