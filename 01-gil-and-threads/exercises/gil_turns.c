/*
 * gil_turns.c — exercise: make a GIL hand over on the switch interval.
 *
 * Threads count under one lock, a small GIL. As shipped, the lock is only a "held"
 * flag: the first thread to get it keeps it until its count is done, and only then
 * does the next one run. CPython's GIL makes running threads take turns, about one turn
 * per switch interval (5 ms). Make this one do the same, with the three rules that
 * gil.h describes:
 *
 *   TODO 1  in gil_take:     a waiter whose wait of one interval timed out, while the
 *                            same thread held the GIL all along, sets the drop request;
 *   TODO 2  in eval_breaker: between two bytecodes, a holder asked to drop the GIL
 *                            drops it and queues to take it again;
 *   TODO 3  in gil_drop:     forced switching: a holder that dropped on request waits
 *                            until another thread has taken the GIL.
 *
 * Check your work with `make exercise-1`: the checker wants the GIL to change hands
 * about once per interval, the threads to finish together, and never two of them
 * counting at once. Compare with the chapter's gil.c only when you are done.
 */
#include "args.h"
#include "burn.h"
#include "check.h"
#include "clock.h"
#include "results.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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

static struct timespec one_interval_from_now(const struct mini_gil *g)
{
    uint64_t at = now_ns() + g->interval_ns;
    return (struct timespec){.tv_sec = (time_t)(at / 1000000000u),
                             .tv_nsec = (long)(at % 1000000000u)};
}

static void gil_take(struct mini_gil *g, int who)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    while (g->holder != 0) {
        struct timespec deadline = one_interval_from_now(g);
        int err = pthread_cond_timedwait(&g->released, &g->mutex, &deadline);
        if (err != 0 && err != ETIMEDOUT)
            die_errno(err, "pthread_cond_timedwait");
        /*
         * TODO 1 (rule 1): if this wait timed out (err == ETIMEDOUT), somebody still
         * holds the GIL, and nobody else had a turn meanwhile (g->switches is what it
         * was before the wait), ask the holder to let go: set g->drop_request and
         * count it in g->drop_requests.
         */
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

static void gil_drop(struct mini_gil *g, int who)
{
    CHECK_PT(pthread_mutex_lock(&g->mutex));
    g->holder = 0;
    CHECK_PT(pthread_cond_signal(&g->released));
    /*
     * TODO 3 (rule 3, forced switching): if a drop was requested, wait on g->switched
     * until another thread has taken the GIL (g->last_holder is no longer `who`).
     * Without this the holder takes the GIL straight back, before the waiter wakes.
     */
    (void)who;
    CHECK_PT(pthread_mutex_unlock(&g->mutex));
}

static void eval_breaker(struct mini_gil *g, int who)
{
    if (atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
        /*
         * TODO 2 (rule 2): the GIL was asked for. Let go of it, and queue to take it
         * again like every other thread.
         */
        (void)who;
    }
}

/* ---- The threads: count under the GIL, and check that nobody else counts meanwhile. */

struct counter {
    struct mini_gil *gil;
    atomic_int *running; /* threads inside a bytecode right now */
    atomic_int *most;    /* the most ever seen at once */
    int who;
    uint64_t target, count, done_ns;
};

/*
 * Each thread on a core of its own: where rule 3 matters most. A waiter woken on
 * another core needs microseconds to run; the holder can retake the GIL in nanoseconds.
 */
static void own_core(int who)
{
    cpu_set_t allowed, one;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2)
        return;
    int nth = (who - 1) % CPU_COUNT(&allowed);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &allowed) && nth-- == 0) {
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            CHECK_PT(pthread_setaffinity_np(pthread_self(), sizeof one, &one));
            return;
        }
    }
}

static void *count_under_gil(void *arg)
{
    struct counter *c = arg;
    own_core(c->who);
    gil_take(c->gil, c->who);
    while (c->count < c->target) {
        eval_breaker(c->gil, c->who);
        int now = atomic_fetch_add(c->running, 1) + 1;
        int most = atomic_load(c->most);
        while (now > most && !atomic_compare_exchange_weak(c->most, &most, now))
            ;
        uint64_t left = c->target - c->count;
        c->count += burn(left < BYTECODE ? left : BYTECODE);
        atomic_fetch_sub(c->running, 1);
    }
    c->done_ns = now_ns();
    gil_drop(c->gil, c->who);
    return NULL;
}

int main(int argc, char **argv)
{
    long threads = 2;
    double seconds = 0.3, interval_ms = 5;
    const struct opt opts[] = {
        OPT_INT("threads", "N", &threads, 2, 16, "threads counting under the GIL"),
        OPT_DOUBLE("seconds", "S", &seconds, 0.01, 60, "CPU seconds of one thread's count"),
        OPT_DOUBLE("switch-interval", "MS", &interval_ms, 0.5, 1000,
                   "the GIL's switch interval in milliseconds"),
        OPT_END,
    };
    args_parse(argc, argv, "Exercise: threads that take turns under a small GIL.", opts);

    struct mini_gil gil = {.interval_ns = (uint64_t)(interval_ms * 1e6)};
    CHECK_PT(pthread_mutex_init(&gil.mutex, NULL));
    pthread_condattr_t attr;
    CHECK_PT(pthread_condattr_init(&attr));
    CHECK_PT(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
    CHECK_PT(pthread_cond_init(&gil.released, &attr));
    CHECK_PT(pthread_cond_init(&gil.switched, &attr));
    CHECK_PT(pthread_condattr_destroy(&attr));
    atomic_init(&gil.drop_request, false);
    atomic_int running, most;
    atomic_init(&running, 0);
    atomic_init(&most, 0);

    uint64_t target = burn_calibrate(seconds);
    struct counter *counters = xcalloc((size_t)threads, sizeof *counters);
    pthread_t *ids = xcalloc((size_t)threads, sizeof *ids);
    uint64_t start = now_ns();
    for (long i = 0; i < threads; i++) {
        counters[i] = (struct counter){&gil, &running, &most, (int)i + 1, target, 0, 0};
        CHECK_PT(pthread_create(&ids[i], NULL, count_under_gil, &counters[i]));
    }
    for (long i = 0; i < threads; i++)
        CHECK_PT(pthread_join(ids[i], NULL));
    uint64_t end = now_ns();

    double run = (double)(end - start) / 1e9;
    uint64_t first = end;
    int correct = 0;
    for (long i = 0; i < threads; i++) {
        printf("thread %ld counted to %llu and finished at %.3f s\n", i + 1,
               (unsigned long long)counters[i].count, (double)(counters[i].done_ns - start) / 1e9);
        correct += counters[i].count == target;
        if (counters[i].done_ns < first)
            first = counters[i].done_ns;
    }
    /* The first take is not a hand-over. */
    unsigned long handovers = gil.switches - 1;
    double first_done = (double)(first - start) / (double)(end - start);
    printf("run: %.3f s; GIL hand-overs: %lu (one per %.1f ms interval would be ~%.0f)\n"
           "drop requests: %lu; GIL grabbed straight back by the thread that dropped it: %lu\n"
           "first thread done at %.0f%% of the run; most threads counting at once: %d\n",
           run, handovers, interval_ms, run / (interval_ms / 1e3), gil.drop_requests,
           gil.grabbed_back, 100 * first_done, atomic_load(&most));
    result_record("exercise.seconds", run, "s");
    result_record("exercise.handovers", (double)handovers, "count");
    result_record("exercise.expected_handovers", run / (interval_ms / 1e3), "count");
    result_record("exercise.drop_requests", (double)gil.drop_requests, "count");
    result_record("exercise.grabbed_back", (double)gil.grabbed_back, "count");
    result_record("exercise.first_done", first_done, "fraction");
    result_record("exercise.most_running", atomic_load(&most), "threads");
    result_record("exercise.correct", correct, "threads");

    free(ids);
    free(counters);
    CHECK_PT(pthread_cond_destroy(&gil.switched));
    CHECK_PT(pthread_cond_destroy(&gil.released));
    CHECK_PT(pthread_mutex_destroy(&gil.mutex));
    return 0;
}
