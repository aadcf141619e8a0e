/*
 * other_switches.c — swapcontext(3) and a thread hand-off, timed. See other_switches.h.
 */
#include "other_switches.h"

#include "check.h"
#include "clock.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <ucontext.h>

/* ---- swapcontext(3), the same round trip as the coroutines ---- */

static ucontext_t uc_main, uc_side;
uint64_t uc_yields; /* the other side's count of round trips (other_switches.h) */

static void uc_yielder(void)
{
    for (;;) {
        uc_yields++;
        swapcontext(&uc_side, &uc_main);
    }
}

uint64_t run_ucontext(double seconds, uint64_t *ns)
{
    static char stack[64 * 1024];
    getcontext(&uc_side);
    uc_side.uc_stack.ss_sp = stack;
    uc_side.uc_stack.ss_size = sizeof stack;
    makecontext(&uc_side, uc_yielder, 0);
    uint64_t switches = 0, t0 = now_ns(), deadline = t0 + (uint64_t)(seconds * 1e9);
    while (now_ns() < deadline) {
        for (int i = 0; i < BATCH; i++)
            swapcontext(&uc_main, &uc_side);
        switches += 2 * BATCH;
    }
    *ns = now_ns() - t0;
    return switches;
}

/* ---- two threads passing a turn back and forth: a mutex and a condition variable ---- */

struct handoff {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int turn; /* 0: main's turn, 1: the partner's */
    bool stop;
    uint64_t count; /* hand-offs the partner received */
};

static void *partner(void *arg)
{
    struct handoff *h = arg;
    CHECK_PT(pthread_mutex_lock(&h->lock));
    for (;;) {
        while (h->turn != 1 && !h->stop)
            CHECK_PT(pthread_cond_wait(&h->changed, &h->lock));
        if (h->stop)
            break;
        h->count++;
        h->turn = 0;
        CHECK_PT(pthread_cond_signal(&h->changed));
    }
    CHECK_PT(pthread_mutex_unlock(&h->lock));
    return NULL;
}

uint64_t run_threads(double seconds, uint64_t *ns)
{
    struct handoff h = {.turn = 0};
    CHECK_PT(pthread_mutex_init(&h.lock, NULL));
    CHECK_PT(pthread_cond_init(&h.changed, NULL));
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, partner, &h));
    uint64_t switches = 0, t0 = now_ns(), deadline = t0 + (uint64_t)(seconds * 1e9);
    CHECK_PT(pthread_mutex_lock(&h.lock));
    while (now_ns() < deadline) {
        for (int i = 0; i < BATCH / 10; i++) {
            h.turn = 1;
            CHECK_PT(pthread_cond_signal(&h.changed));
            while (h.turn != 0)
                CHECK_PT(pthread_cond_wait(&h.changed, &h.lock));
        }
        switches += 2 * (BATCH / 10);
    }
    *ns = now_ns() - t0;
    h.stop = true;
    CHECK_PT(pthread_cond_signal(&h.changed));
    CHECK_PT(pthread_mutex_unlock(&h.lock));
    CHECK_PT(pthread_join(t, NULL));
    if (h.count * 2 != switches)
        die("the partner thread received %llu hand-offs, expected %llu",
            (unsigned long long)h.count, (unsigned long long)switches / 2);
    CHECK_PT(pthread_cond_destroy(&h.changed));
    CHECK_PT(pthread_mutex_destroy(&h.lock));
    return switches;
}
