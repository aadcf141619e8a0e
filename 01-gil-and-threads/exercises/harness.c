/*
 * harness.c — the program around chapter 01's exercise: threads count under the small
 * GIL of gil_turns.c, one "bytecode" at a time, and the report says how often the GIL
 * changed hands, who grabbed it straight back, and whether two threads ever counted at
 * once. The checker (check.sh) reads what it records.
 */
#include "harness.h"

#include "args.h"
#include "burn.h"
#include "check.h"
#include "clock.h"
#include "results.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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
    mini_gil_take(c->gil, c->who);
    while (c->count < c->target) {
        mini_eval_breaker(c->gil, c->who);
        int now = atomic_fetch_add(c->running, 1) + 1;
        int most = atomic_load(c->most);
        while (now > most && !atomic_compare_exchange_weak(c->most, &most, now))
            ;
        uint64_t left = c->target - c->count;
        c->count += burn(left < BYTECODE ? left : BYTECODE);
        atomic_fetch_sub(c->running, 1);
    }
    c->done_ns = now_ns();
    mini_gil_drop(c->gil, c->who);
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
