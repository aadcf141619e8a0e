/*
 * no_retake.c — a wrong GIL for chapter 01's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: rule 2 half done: the eval breaker drops the GIL and goes on counting
 * without taking it again.
 * The checker must say: TODO 2: after dropping the GIL on request, mini_eval_breaker must take it again
 */
#include "harness.h"

#include "check.h"
#include "clock.h"

#include <errno.h>
#include <time.h>

static struct timespec one_interval_from_now(const struct mini_gil *g)
{
    uint64_t at = now_ns() + g->interval_ns;
    return (struct timespec){.tv_sec = (time_t)(at / 1000000000u),
                             .tv_nsec = (long)(at % 1000000000u)};
}

void mini_gil_take(struct mini_gil *g, int who)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    while (g->holder != 0) {
        unsigned long switches_before = g->switches;
        struct timespec deadline = one_interval_from_now(g);
        int err = pthread_cond_timedwait(&g->released, &g->mutex, &deadline);
        if (err != 0 && err != ETIMEDOUT)
            die_errno(err, "pthread_cond_timedwait");
        /* Rule 1: a whole interval, and nobody else had a turn: ask the holder. */
        if (err == ETIMEDOUT && g->holder != 0 && g->switches == switches_before) {
            atomic_store(&g->drop_request, true);
            g->drop_requests++;
        }
    }
    g->holder = who;
    if (g->last_holder == who) {
        g->grabbed_back++; /* it dropped the GIL and got it back before anyone else did */
    } else {
        g->last_holder = who;
        g->switches++;
    }
    atomic_store(&g->drop_request, false); /* it was meant for the previous holder */
    CHECK_PT(pthread_cond_broadcast(&g->switched));
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
}

void mini_gil_drop(struct mini_gil *g, int who)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    g->holder = 0;
    CHECK_PT(pthread_cond_signal(&g->released));
    /* Rule 3: do not grab the GIL back before the waiter that asked for it got it. */
    if (atomic_load(&g->drop_request))
        while (g->last_holder == who)
            CHECK_PT(pthread_cond_wait(&g->switched, &g->mutex));
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
}

void mini_eval_breaker(struct mini_gil *g, int who)
{
    if (atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
        /* Rule 2: let go, and queue for the GIL like everyone else. */
        mini_gil_drop(g, who);
    }
}
