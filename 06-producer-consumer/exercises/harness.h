/*
 * harness.h — what chapter 06's exercise gives you: the bounded blocking queue's fields,
 * bq_init and bq_destroy; you write bq_put, bq_get and bq_shutdown in blocking_queue.c.
 *
 * harness.c is the checker around them. It watches your locking: the pthread calls
 * below are routed through it (the macros at the end), so it can see which thread holds
 * the lock, whether a field changed while nobody held it, and how many threads wait. It
 * also makes some waits return early on purpose, as POSIX allows any wait to do (a
 * "spurious wake-up"): your code must cope with that, as it must in real programs.
 */
#ifndef EXERCISE_HARNESS_H
#define EXERCISE_HARNESS_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct bq {
    pthread_mutex_t lock;      /* guards every field below */
    pthread_cond_t not_empty;  /* getters wait here for an item */
    pthread_cond_t not_full;   /* putters wait here for room */
    long *items;               /* a ring of cap slots; the oldest item is items[head] */
    size_t cap, head, count;   /* count items are in, from head on (wrapping at cap) */
    bool shut_down;            /* set once by bq_shutdown, never cleared */
};

/* Given (harness.c): an empty queue with room for `cap` items (cap >= 1). */
void bq_init(struct bq *q, size_t cap);
void bq_destroy(struct bq *q);

/*
 * Yours (blocking_queue.c):
 * bq_put: wait while the queue is full; add the item at the tail. 0, or -ESHUTDOWN at
 *         once if the queue is shut down (even with room), also when it was shut down
 *         while this put waited.
 * bq_get: wait while the queue is empty; take the oldest item. 0, or -ESHUTDOWN when the
 *         queue is shut down AND empty: what was put before the shutdown still comes out.
 * bq_shutdown: from now on puts fail; every thread waiting in bq_put or bq_get wakes up.
 */
int bq_put(struct bq *q, long item);
int bq_get(struct bq *q, long *item);
void bq_shutdown(struct bq *q);

/* The checker's view of the pthread calls (harness.c calls the real ones). */
int harness_mutex_lock(pthread_mutex_t *m);
int harness_mutex_unlock(pthread_mutex_t *m);
int harness_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int harness_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t);
int harness_cond_signal(pthread_cond_t *c);
int harness_cond_broadcast(pthread_cond_t *c);
#ifndef HARNESS_ITSELF
#define pthread_mutex_lock(m) harness_mutex_lock(m)
#define pthread_mutex_unlock(m) harness_mutex_unlock(m)
#define pthread_cond_wait(c, m) harness_cond_wait(c, m)
#define pthread_cond_timedwait(c, m, t) harness_cond_timedwait(c, m, t)
#define pthread_cond_signal(c) harness_cond_signal(c)
#define pthread_cond_broadcast(c) harness_cond_broadcast(c)
#endif

#endif
