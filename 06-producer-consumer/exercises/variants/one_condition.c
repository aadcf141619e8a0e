/*
 * variants/one_condition.c — a right answer written differently, for the checker's
 * tests: one condition for everything, and every change broadcast to every waiter.
 * Simpler to get right, and slower under load: each put wakes the putters too, each
 * get wakes the getters too, and all but one go back to sleep (a "thundering herd").
 */
#include "harness.h"

/* Wait (lock held) until `ready` or shut down; the lock is still held on return. */
static void wait_for(struct bq *q, bool (*ready)(const struct bq *))
{
    for (;;) {
        if (q->shut_down || ready(q))
            return;
        pthread_cond_wait(&q->not_empty, &q->lock); /* the one condition */
    }
}

static bool has_room(const struct bq *q) { return q->count < q->cap; }
static bool has_item(const struct bq *q) { return q->count > 0; }

int bq_put(struct bq *q, long item)
{
    int rc = -ESHUTDOWN;
    pthread_mutex_lock(&q->lock);
    wait_for(q, has_room);
    if (!q->shut_down) {
        size_t tail = q->head + q->count;
        q->items[tail >= q->cap ? tail - q->cap : tail] = item;
        q->count++;
        pthread_cond_broadcast(&q->not_empty);
        rc = 0;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

int bq_get(struct bq *q, long *item)
{
    int rc = -ESHUTDOWN;
    pthread_mutex_lock(&q->lock);
    wait_for(q, has_item);
    if (q->count > 0) {
        *item = q->items[q->head];
        q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
        q->count--;
        pthread_cond_broadcast(&q->not_empty);
        rc = 0;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

void bq_shutdown(struct bq *q)
{
    pthread_mutex_lock(&q->lock);
    q->shut_down = true;
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}
