/* gil.c — the simulated GIL; the three rules are described in gil.h. */
#include "gil.h"

#include "check.h"
#include "clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct gil {
    pthread_mutex_t mutex;      /* guards every field below except drop_request */
    pthread_cond_t released;    /* signalled when the GIL is dropped: waiters wake up */
    pthread_cond_t switched;    /* signalled when the GIL is taken: a forced switch is done */
    int holder;                 /* who holds the GIL now, 0 if nobody */
    int last_holder;            /* who held it last: tells a real hand-over from a retake */
    unsigned long switch_count; /* CPython's switch_number: changes of holder so far */
    uint64_t last_switch_ns;    /* now_ns() at the last change of holder */
    int dropped_on_request;     /* who last dropped on request, until someone takes the GIL */
    uint64_t interval_ns;
    double wakeup_delay;        /* seconds a woken waiter waits more (gil_set_wakeup_delay) */
    struct gil_stats stats;
    struct gil_holder_change history[GIL_HISTORY];
    size_t history_len;
    /*
     * The eval breaker. The holder reads it between every two bytecodes without taking
     * the mutex, so it is atomic; it is only written with the mutex held.
     */
    atomic_bool drop_request;
};

struct gil *gil_new(double switch_interval)
{
    struct gil *g = xcalloc(1, sizeof *g);
    g->interval_ns = (uint64_t)(switch_interval * 1e9);
    CHECK_PT(pthread_mutex_init(&g->mutex, NULL));
    /* Timed waits measure the interval on the monotonic clock, like every time in the lab. */
    pthread_condattr_t attr;
    CHECK_PT(pthread_condattr_init(&attr));
    CHECK_PT(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
    CHECK_PT(pthread_cond_init(&g->released, &attr));
    CHECK_PT(pthread_cond_init(&g->switched, &attr));
    CHECK_PT(pthread_condattr_destroy(&attr));
    atomic_init(&g->drop_request, false);
    return g;
}

void gil_free(struct gil *g)
{
    CHECK_PT(pthread_cond_destroy(&g->switched));
    CHECK_PT(pthread_cond_destroy(&g->released));
    CHECK_PT(pthread_mutex_destroy(&g->mutex));
    free(g);
}

void gil_set_wakeup_delay(struct gil *g, double seconds)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    g->wakeup_delay = seconds;
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
}

static struct timespec timespec_at(uint64_t ns)
{
    return (struct timespec){.tv_sec = (time_t)(ns / 1000000000u),
                             .tv_nsec = (long)(ns % 1000000000u)};
}

void gil_take(struct gil *g, int who)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    while (g->holder != 0) {
        unsigned long switches_before = g->switch_count;
        uint64_t wait_ends = now_ns() + g->interval_ns;
        struct timespec deadline = timespec_at(wait_ends);
        int err = pthread_cond_timedwait(&g->released, &g->mutex, &deadline);
        if (err != 0 && err != ETIMEDOUT)
            die_errno(err, "gil_take: pthread_cond_timedwait");
        if (err == 0 && g->wakeup_delay > 0) { /* woken: slow to run again, as when busy */
            double delay = g->wakeup_delay;
            CHECK_PT(pthread_mutex_unlock(&g->mutex));
            sleep_sec(delay);
            CHECK_PT(pthread_mutex_lock(&g->mutex));
        }
        /* Rule 1: a whole interval went by and nobody else got a turn: ask the holder. */
        if (err == ETIMEDOUT && g->holder != 0 && g->switch_count == switches_before) {
            /* The holder's turn when this wait ran out: an interval at least, by rule 1. */
            uint64_t turn = wait_ends - g->last_switch_ns;
            if (g->stats.drop_requests == 0 || turn < g->stats.shortest_turn_ns)
                g->stats.shortest_turn_ns = turn;
            atomic_store_explicit(&g->drop_request, true, memory_order_relaxed);
            g->stats.drop_requests++;
        }
    }
    g->holder = who;
    if (g->dropped_on_request == who)
        g->stats.retaken++; /* it dropped on request and got the GIL back before anyone else */
    g->dropped_on_request = 0;
    if (g->last_holder != who) {
        if (g->last_holder != 0)
            g->stats.handovers++;
        g->switch_count++;
        g->last_holder = who;
        g->last_switch_ns = now_ns();
        if (g->history_len < GIL_HISTORY)
            g->history[g->history_len++] = (struct gil_holder_change){g->last_switch_ns, who};
    }
    /* The request, if any, was for the previous holder; a waiter will ask again later. */
    atomic_store_explicit(&g->drop_request, false, memory_order_relaxed);
    /* Rule 3: a thread that dropped on request is waiting to see someone take the GIL. */
    CHECK_PT(pthread_cond_broadcast(&g->switched));
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
}

void gil_drop(struct gil *g, int who)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    if (g->holder != who)
        die("gil_drop: thread %d drops a GIL held by %d", who, g->holder);
    g->holder = 0;
    CHECK_PT(pthread_cond_signal(&g->released));
    /*
     * Rule 3, forced switching. A drop request means a thread is waiting in gil_take
     * (only a waiter sets it, and taking the GIL clears it), so this wait always ends.
     */
    if (atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
        g->stats.forced_drops++;
        g->dropped_on_request = who; /* gil_take counts a retake by `who` before anyone else */
        while (g->last_holder == who)
            CHECK_PT(pthread_cond_wait(&g->switched, &g->mutex));
    }
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
}

void gil_eval_breaker(struct gil *g, int who)
{
    /* Rule 2. One relaxed load per bytecode: the fast path costs almost nothing. */
    if (atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
        gil_drop(g, who);
        gil_take(g, who);
    }
}

struct gil_stats gil_stats(struct gil *g)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    struct gil_stats s = g->stats;
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
    return s;
}

size_t gil_history(struct gil *g, struct gil_holder_change *out, size_t max)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    size_t n = g->history_len < max ? g->history_len : max;
    memcpy(out, g->history, n * sizeof *out);
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
    return n;
}
