/*
 * gil_turns.c — a correct GIL for chapter 01's exercise, written differently from the
 * reference (solutions/gil_turns.c), kept so that the tests show the checker accepts more
 * than one right answer.
 *
 * Rule 1 counts its patience in whole intervals without a hand-over; rule 3 remembers
 * whether this drop was requested before it lets go, and waits for the count of
 * hand-overs to move rather than for the last holder to change.
 */
#include "harness.h"

#include "check.h"
#include "clock.h"

#include <errno.h>
#include <time.h>

static struct timespec at_ns(uint64_t at)
{
    return (struct timespec){.tv_sec = (time_t)(at / 1000000000u),
                             .tv_nsec = (long)(at % 1000000000u)};
}

void mini_gil_take(struct mini_gil *g, int who)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    unsigned long seen = g->switches;
    uint64_t deadline = now_ns() + g->interval_ns;
    while (g->holder != 0) {
        struct timespec until = at_ns(deadline);
        int err = pthread_cond_timedwait(&g->released, &g->mutex, &until);
        if (err == ETIMEDOUT) {
            if (g->holder != 0 && g->switches == seen && !atomic_load(&g->drop_request)) {
                atomic_store(&g->drop_request, true); /* a whole interval, one holder: ask */
                g->drop_requests++;
            }
            seen = g->switches;
            deadline = now_ns() + g->interval_ns;
        } else if (err != 0) {
            die_errno(err, "pthread_cond_timedwait");
        }
    }
    g->holder = who;
    if (g->last_holder == who) {
        g->grabbed_back++;
    } else {
        g->last_holder = who;
        g->switches++;
    }
    atomic_store(&g->drop_request, false);
    CHECK_PT(pthread_cond_broadcast(&g->switched));
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
}

void mini_gil_drop(struct mini_gil *g, int who)
{
    (void)who;
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    bool requested = atomic_load(&g->drop_request);
    unsigned long switches = g->switches;
    g->holder = 0;
    CHECK_PT(pthread_cond_signal(&g->released));
    while (requested && g->switches == switches)
        CHECK_PT(pthread_cond_wait(&g->switched, &g->mutex));
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
}

void mini_eval_breaker(struct mini_gil *g, int who)
{
    if (!atomic_load_explicit(&g->drop_request, memory_order_relaxed))
        return;
    mini_gil_drop(g, who);
    mini_gil_take(g, who);
}
