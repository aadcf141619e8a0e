/*
 * harness.h — what chapter 01's exercise gives you: a small GIL's state, and the three
 * functions you write in gil_turns.c. harness.c runs threads that count under it and
 * measures how the GIL changes hands; you need not read it to do the exercise.
 */
#ifndef EXERCISE_HARNESS_H
#define EXERCISE_HARNESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum { BYTECODE = 20000 }; /* loop turns between two looks at the eval breaker */

struct mini_gil {
    pthread_mutex_t mutex;  /* guards everything but drop_request */
    pthread_cond_t released; /* signalled when the GIL is dropped */
    pthread_cond_t switched; /* broadcast when the GIL is taken */
    int holder;              /* who holds it, 0 if nobody */
    int last_holder;         /* who held it last */
    unsigned long switches;  /* changes of holder so far */
    unsigned long grabbed_back; /* takes by the thread that had just dropped it */
    unsigned long drop_requests;
    uint64_t interval_ns;
    atomic_bool drop_request; /* the eval breaker: read without the mutex */
};

/* Take the GIL for thread `who` (1, 2, ...), waiting for it as long as it takes. */
void mini_gil_take(struct mini_gil *g, int who);

/* Let go of the GIL that thread `who` holds. */
void mini_gil_drop(struct mini_gil *g, int who);

/* Called by the holder between two "bytecodes": the place to honour a drop request. */
void mini_eval_breaker(struct mini_gil *g, int who);

/*
 * The harness stands between your GIL and its condition variables: through the two
 * macros below, gil_turns.c's waits are the harness's. They wait as pthread's do, and a
 * thread woken on g->released is then made slow to run again (it sleeps one and a half
 * switch intervals before it takes the mutex back), as a waiter is on a busy machine. A
 * GIL that hands over only when the waiter happens to wake fast fails on every run, not
 * only on a busy day. (A condition wait may return late anyway: your loops re-check.)
 */
int harness_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int harness_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                           const struct timespec *deadline);
#ifndef EXERCISE_HARNESS_SELF
#define pthread_cond_wait harness_cond_wait
#define pthread_cond_timedwait harness_cond_timedwait
#endif

#endif
