/* stress.c — see stress.h. */
#define HARNESS_ITSELF
#include "stress.h"

#include "watch.h"

#include <stdio.h>
#include <stdlib.h>

enum { PRODUCERS = 4, CONSUMERS = 4, ROOM = 4 };

struct stress {
    struct watched *w;
    long per_producer;
    atomic_int *seen;                /* how many times each item came out */
    atomic_long moved;               /* puts and gets done: progress */
    atomic_long garbage, misordered, failed_puts, producers_done, consumers_done;
    atomic_long busy;                /* threads inside bq_put or bq_get */
};

struct worker {
    struct stress *s;
    long id;
};

static void *producer(void *arg)
{
    struct worker *me = arg;
    struct stress *s = me->s;
    for (long i = 0; i < s->per_producer; i++) {
        long item = me->id * s->per_producer + i;
        int rc;
        atomic_fetch_add(&s->busy, 1);
        call(s->w, PUT, &item, &rc);
        atomic_fetch_sub(&s->busy, 1);
        if (rc != 0)
            atomic_fetch_add(&s->failed_puts, 1);
        atomic_fetch_add(&s->moved, 1);
    }
    atomic_fetch_add(&s->producers_done, 1);
    return NULL;
}

static void *consumer(void *arg)
{
    struct stress *s = ((struct worker *)arg)->s;
    long last[PRODUCERS] = {-1, -1, -1, -1}; /* the last number seen from each producer */
    for (;;) {
        long item = -1;
        int rc;
        atomic_fetch_add(&s->busy, 1);
        call(s->w, GET, &item, &rc);
        atomic_fetch_sub(&s->busy, 1);
        if (rc != 0)
            break;
        atomic_fetch_add(&s->moved, 1);
        if (item < 0 || item >= PRODUCERS * s->per_producer) {
            atomic_fetch_add(&s->garbage, 1);
            continue;
        }
        atomic_fetch_add(&s->seen[item], 1);
        long from = item / s->per_producer, number = item % s->per_producer;
        if (number <= last[from])
            atomic_fetch_add(&s->misordered, 1);
        last[from] = number;
    }
    atomic_fetch_add(&s->consumers_done, 1);
    return NULL;
}

/* More came out than went in: a broken get can hand out garbage for ever. */
static bool ran_away(struct stress *s)
{
    return atomic_load(&s->garbage) > 0 ||
           atomic_load(&s->moved) > 2 * PRODUCERS * s->per_producer; /* one put, one get each */
}

/*
 * Wait until `*count` reaches `n`: true; false when nothing moved for `patience` seconds,
 * or when it ran away.
 */
static bool progress_until(struct stress *s, atomic_long *count, long n)
{
    long last = -1;
    double since = now();
    while (atomic_load(count) < n) {
        long moved = atomic_load(&s->moved);
        if (ran_away(s))
            return false;
        if (moved != last) {
            last = moved;
            since = now();
        } else if (now() - since > patience) {
            return false;
        }
        pause_ms(2);
    }
    return true;
}

static char why[400];

const char *stress(long per_producer)
{
    static struct stress s; /* static: a failed run leaves threads that still use it */
    s = (struct stress){.w = new_queue(ROOM), .per_producer = per_producer};
    s.seen = calloc((size_t)(PRODUCERS * per_producer), sizeof *s.seen);
    static struct worker workers[PRODUCERS + CONSUMERS];
    pthread_t threads[PRODUCERS + CONSUMERS];
    for (long i = 0; i < PRODUCERS + CONSUMERS; i++) {
        workers[i] = (struct worker){&s, i < PRODUCERS ? i : i - PRODUCERS};
        pthread_create(&threads[i], NULL, i < PRODUCERS ? producer : consumer, &workers[i]);
    }
    bool produced = progress_until(&s, &s.producers_done, PRODUCERS);
    if (ran_away(&s))
        return "items came out that nobody put (a get took from an empty queue): wait in a "
               "`while`, and change the fields only under the lock";
    if (!produced) {
        snprintf(why, sizeof why, "TODO 2: nothing moved for %g s while producing: %ld "
                 "thread(s) stuck in bq_put or bq_get, %d of them waiting on a condition that "
                 "nobody signalled (a lost wake-up)",
                 patience, atomic_load(&s.busy), atomic_load(&s.w->waiting));
        return why;
    }
    if (run(s.w, SHUTDOWN, NULL) != 0)
        return "bq_shutdown never returned";
    bool drained = progress_until(&s, &s.consumers_done, CONSUMERS);
    if (ran_away(&s))
        return "items came out that nobody put (a get took from an empty queue): wait in a "
               "`while`, and change the fields only under the lock";
    if (!drained) {
        snprintf(why, sizeof why, "TODO 3: %ld of %d consumers never returned after "
                 "bq_shutdown, %d waiting on a condition: shutdown must wake every waiter, and "
                 "a get on a shut-down, empty queue must return -ESHUTDOWN",
                 CONSUMERS - atomic_load(&s.consumers_done), CONSUMERS,
                 atomic_load(&s.w->waiting));
        return why;
    }
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
        pthread_join(threads[i], NULL);
    long lost = 0, twice = 0;
    for (long i = 0; i < PRODUCERS * per_producer; i++) {
        lost += s.seen[i] == 0;
        twice += s.seen[i] > 1;
    }
    free(s.seen);
    free_queue(s.w);
    const char *what = NULL, *fix = "change the queue's fields only while holding its lock";
    long n = 0;
    if ((n = atomic_load(&s.failed_puts))) {
        what = "put(s) failed before any shutdown";
        fix = "TODO 1: a put into a full queue must wait for room";
    } else if ((n = atomic_load(&s.garbage))) {
        what = "item(s) came out that nobody put";
        fix = "a get took from an empty queue: wait in a `while`, and change the fields only "
              "under the lock";
    } else if ((n = lost)) {
        what = "item(s) were put and never came out";
    } else if ((n = twice)) {
        what = "item(s) came out twice";
    } else if ((n = atomic_load(&s.misordered))) {
        what = "item(s) of one producer came out of order";
    }
    if (!what)
        return NULL;
    snprintf(why, sizeof why, "%ld of %ld %s: %s", n, PRODUCERS * per_producer, what, fix);
    return why;
}
