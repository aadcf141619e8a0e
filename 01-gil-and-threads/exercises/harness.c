/*
 * harness.c — the program around chapter 01's exercise: threads count under the small
 * GIL of gil_turns.c, one "bytecode" at a time, and the report says how often the GIL
 * changed hands, who grabbed it straight back, whether a waiter asked for it before a
 * whole interval of waiting, and whether a thread ever counted without the GIL. A thread stuck
 * for good is reported as such. The checker (check.sh) reads what it records.
 */
#define EXERCISE_HARNESS_SELF /* these waits are the real ones */
#include "harness.h"

#include "args.h"
#include "burn.h"
#include "check.h"
#include "clock.h"
#include "results.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct mini_gil *watched; /* the GIL whose `released` wake-ups are slowed */
static atomic_ulong slowed_wakeups;

/*
 * Rule 1's patience, seen from the waits: a thread that starts waiting on `released`
 * with the drop request already set, though none of its waits since it last held the GIL
 * timed out, asked without waiting an interval. (With two threads nobody else can have
 * asked: the holder does not ask for what it holds.)
 */
static _Thread_local bool waited_an_interval;
static atomic_ulong asked_early;

/* See harness.h: a waiter woken on `released` sleeps 1.5 intervals before it goes on. */
static int slow_wakeup(pthread_cond_t *cond, pthread_mutex_t *mutex, int err)
{
    if (err == 0 && watched && cond == &watched->released) {
        atomic_fetch_add(&slowed_wakeups, 1);
        CHECK_PT(pthread_mutex_unlock(mutex));
        sleep_sec(1.5 * (double)watched->interval_ns / 1e9);
        CHECK_PT(pthread_mutex_lock(mutex));
    }
    return err;
}

int harness_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    return slow_wakeup(cond, mutex, pthread_cond_wait(cond, mutex));
}

int harness_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                           const struct timespec *deadline)
{
    if (watched && cond == &watched->released && atomic_load(&watched->drop_request) &&
        !waited_an_interval)
        atomic_fetch_add(&asked_early, 1);
    int err = pthread_cond_timedwait(cond, mutex, deadline);
    if (err == ETIMEDOUT)
        waited_an_interval = true;
    return slow_wakeup(cond, mutex, err);
}

/* Where a counting thread is, for the watchdog. */
enum where { TAKING, COUNTING, IN_BREAKER, FINAL_DROP, FINISHED };
static const char *const where_name[] = {"in mini_gil_take", "counting", "in mini_eval_breaker",
                                         "in its last mini_gil_drop", "finished"};

struct counter {
    struct mini_gil *gil;
    pthread_barrier_t *start; /* every thread running on its core before any takes the GIL */
    int who;
    uint64_t target, count, done_ns;
    atomic_int where;
    atomic_ullong where_since_ns;
    atomic_ullong progress; /* bytecodes run, read by the watchdog */
    unsigned long unheld;   /* bytecodes run while the GIL was not this thread's */
};

static void be(struct counter *c, enum where w)
{
    atomic_store(&c->where_since_ns, now_ns());
    atomic_store(&c->where, w);
}

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
    struct mini_gil *g = c->gil;
    own_core(c->who);
    pthread_barrier_wait(c->start);
    be(c, TAKING);
    mini_gil_take(g, c->who);
    while (c->count < c->target) {
        waited_an_interval = false; /* it holds the GIL: its patience starts again */
        be(c, IN_BREAKER);
        mini_eval_breaker(g, c->who);
        be(c, COUNTING);
        CHECK_PT(pthread_mutex_lock(&g->mutex));
        c->unheld += g->holder != c->who;
        CHECK_PT(pthread_mutex_unlock(&g->mutex));
        uint64_t left = c->target - c->count;
        c->count += burn(left < BYTECODE ? left : BYTECODE);
        atomic_fetch_add(&c->progress, 1);
    }
    c->done_ns = now_ns();
    be(c, FINAL_DROP);
    mini_gil_drop(g, c->who);
    be(c, FINISHED);
    return NULL;
}

/*
 * Wait for the threads, but not for ever: a thread that finished its count and waits in
 * its last drop, with nobody left to take the GIL, never returns; and no bytecode in ten
 * seconds means the GIL is stuck. Either is said, recorded, and ends the program.
 */
static void watch_threads(struct counter *counters, long threads)
{
    unsigned long long progress = 0;
    uint64_t progress_at = now_ns();
    for (;;) {
        long finished = 0, last_drop = -1;
        unsigned long long now_progress = 0;
        for (long i = 0; i < threads; i++) {
            int w = atomic_load(&counters[i].where);
            finished += w == FINISHED;
            if (w == FINAL_DROP && now_ns() - atomic_load(&counters[i].where_since_ns) > 1000000000u)
                last_drop = i;
            now_progress += atomic_load(&counters[i].progress);
        }
        if (finished == threads)
            return;
        if (now_progress != progress) {
            progress = now_progress;
            progress_at = now_ns();
        }
        bool others_done = true;
        for (long i = 0; i < threads; i++)
            others_done = others_done && (i == last_drop || atomic_load(&counters[i].where) >= FINAL_DROP);
        if (last_drop >= 0 && others_done) {
            printf("thread %ld finished its count, then waited over 1 s in its last mini_gil_drop: "
                   "no other thread wants the GIL any more, so nobody will take it\n",
                   last_drop + 1);
            result_record("exercise.stuck_in_last_drop", (double)(last_drop + 1), "thread");
            fflush(stdout);
            _exit(3);
        }
        if (now_ns() - progress_at > 10000000000u) {
            printf("no thread ran a bytecode for 10 s:\n");
            for (long i = 0; i < threads; i++)
                printf("  thread %ld is %s\n", i + 1, where_name[atomic_load(&counters[i].where)]);
            result_record("exercise.stalled", 1, "run");
            fflush(stdout);
            _exit(3);
        }
        sleep_sec(0.02);
    }
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
    setvbuf(stdout, NULL, _IOLBF, 0); /* a run that is stopped keeps what it said */

    struct mini_gil gil = {.interval_ns = (uint64_t)(interval_ms * 1e6)};
    CHECK_PT(pthread_mutex_init(&gil.mutex, NULL));
    pthread_condattr_t attr;
    CHECK_PT(pthread_condattr_init(&attr));
    CHECK_PT(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
    CHECK_PT(pthread_cond_init(&gil.released, &attr));
    CHECK_PT(pthread_cond_init(&gil.switched, &attr));
    CHECK_PT(pthread_condattr_destroy(&attr));
    atomic_init(&gil.drop_request, false);
    watched = &gil;

    uint64_t target = burn_calibrate(seconds);
    struct counter *counters = xcalloc((size_t)threads, sizeof *counters);
    pthread_t *ids = xcalloc((size_t)threads, sizeof *ids);
    pthread_barrier_t barrier;
    CHECK_PT(pthread_barrier_init(&barrier, NULL, (unsigned)threads));
    uint64_t start = now_ns();
    for (long i = 0; i < threads; i++) {
        counters[i].gil = &gil;
        counters[i].start = &barrier;
        counters[i].who = (int)i + 1;
        counters[i].target = target;
        CHECK_PT(pthread_create(&ids[i], NULL, count_under_gil, &counters[i]));
    }
    watch_threads(counters, threads);
    for (long i = 0; i < threads; i++)
        CHECK_PT(pthread_join(ids[i], NULL));
    uint64_t end = now_ns();

    double run = (double)(end - start) / 1e9;
    uint64_t first = end;
    int correct = 0;
    unsigned long unheld = 0;
    for (long i = 0; i < threads; i++) {
        printf("thread %ld counted to %llu and finished at %.3f s\n", i + 1,
               (unsigned long long)counters[i].count, (double)(counters[i].done_ns - start) / 1e9);
        correct += counters[i].count == target;
        if (counters[i].done_ns < first)
            first = counters[i].done_ns;
        unheld += counters[i].unheld;
    }
    /* The first take is not a hand-over. */
    unsigned long handovers = gil.switches - 1;
    double first_done = (double)(first - start) / (double)(end - start);
    printf("run: %.3f s; GIL hand-overs: %lu (one per %.1f ms interval would be ~%.0f)\n"
           "drop requests: %lu; GIL grabbed straight back by the thread that dropped it: %lu\n"
           "drop requests made before a whole interval of waiting: %lu\n"
           "first thread done at %.0f%% of the run; bytecodes run without the GIL: %lu\n"
           "wake-ups on `released` slowed by the harness: %lu\n",
           run, handovers, interval_ms, run / (interval_ms / 1e3), gil.drop_requests,
           gil.grabbed_back, atomic_load(&asked_early), 100 * first_done, unheld,
           atomic_load(&slowed_wakeups));
    result_record("exercise.seconds", run, "s");
    result_record("exercise.handovers", (double)handovers, "count");
    result_record("exercise.expected_handovers", run / (interval_ms / 1e3), "count");
    result_record("exercise.drop_requests", (double)gil.drop_requests, "count");
    result_record("exercise.grabbed_back", (double)gil.grabbed_back, "count");
    result_record("exercise.first_done", first_done, "fraction");
    result_record("exercise.unheld", (double)unheld, "bytecodes");
    result_record("exercise.asked_early", (double)atomic_load(&asked_early), "count");
    result_record("exercise.correct", correct, "threads");

    CHECK_PT(pthread_barrier_destroy(&barrier));
    free(ids);
    free(counters);
    CHECK_PT(pthread_cond_destroy(&gil.switched));
    CHECK_PT(pthread_cond_destroy(&gil.released));
    CHECK_PT(pthread_mutex_destroy(&gil.mutex));
    return 0;
}
