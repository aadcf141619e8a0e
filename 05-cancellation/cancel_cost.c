/*
 * cancel_cost.c — what a cancel costs: from task_cancel to the cleanup, and wait_for's toll.
 *
 * Beside A2 「超时处理」 and A0 §5.2 「性能优化策略」 (合理设置超时), which put wait_for
 * around every await: what does that cost when the await is already done, and how soon
 * does a cancelled task start its cleanup? Measured here on the lab's loop; bench/05 runs
 * the same two with asyncio beside them (bench/05-cancellation.py).
 *   cancel -> cleanup  task_cancel() on a task asleep in async_sleep, until the first line
 *                      of its cleanup runs: the cancel, the loop's turn, the switch back in;
 *   wait_for, done     wait_for(f, 10 s) on a future already done, against await_future(f):
 *                      a timeout scope entered and left (a timer set and cancelled).
 */
#include "args.h"
#include "clock.h"
#include "future.h"
#include "loop.h"
#include "results.h"
#include "task.h"
#include "wait_for.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t cleanup_began;

static void *sleeper(void *arg)
{
    (void)arg;
    int rc = async_sleep(3600);
    cleanup_began = now_ns(); /* the first thing the cleanup does */
    return task_raise(rc, NULL);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_value);
    return v[n / 2];
}

/* ns from task_cancel() to the start of the cancelled task's cleanup, the median of n. */
static double cancel_to_cleanup(long n)
{
    double *ns = calloc((size_t)n, sizeof *ns);
    for (long i = 0; i < n; i++) {
        struct task *t = create_task("sleeper", sleeper, NULL);
        async_sleep(0); /* it runs, and sleeps */
        uint64_t t0 = now_ns();
        task_cancel(t);
        await_task(t, NULL);
        ns[i] = (double)(cleanup_began - t0);
        task_release(t);
    }
    double m = median(ns, (size_t)n);
    free(ns);
    return m;
}

/* ns per call of wait_for (or a plain await) on a future that is already done. */
static double await_done(long n, bool with_wait_for)
{
    struct future *f = future_new(loop_get_running());
    future_set_result(f, "ready");
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) { /* NULL: look at the result, never take it (future.h) */
        if (with_wait_for)
            wait_for(f, 10, NULL);
        else
            await_future(f, NULL);
    }
    double ns = (double)(now_ns() - t0) / (double)n;
    future_unref(f);
    return ns;
}

static long iterations = 100000;

static void *main_task(void *arg)
{
    (void)arg;
    double best_plain = 1e18, best_wait_for = 1e18;
    long per_round = iterations / 10 > 0 ? iterations / 10 : 1;
    for (int round = 0; round < 20; round++) { /* best of 20: the quietest moment */
        double p = await_done(per_round, false), w = await_done(per_round, true);
        best_plain = p < best_plain ? p : best_plain;
        best_wait_for = w < best_wait_for ? w : best_wait_for;
        async_sleep(0); /* a turn of the loop between rounds, as real code would give it */
    }
    double latency = cancel_to_cleanup(iterations / 10 > 0 ? iterations / 10 : 1);
    printf("cancel -> cleanup begins:      %8.0f ns (median of %ld)\n", latency,
           iterations / 10 > 0 ? iterations / 10 : 1);
    printf("await of a done future:        %8.0f ns\n", best_plain);
    printf("wait_for(10 s) of a done one:  %8.0f ns (%.0f ns more: a timeout scope)\n",
           best_wait_for, best_wait_for - best_plain);
    result_record("cancel.ns.to_cleanup", latency, "ns");
    result_record("wait_for.ns.done_plain", best_plain, "ns");
    result_record("wait_for.ns.done", best_wait_for, "ns");
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("iterations", "N", &iterations, 10, 100000000,
                "cancels to time (N/10) and awaits (20 rounds of N/10 each way)"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&iterations, 1000),
        OPT_END,
    };
    args_parse(argc, argv,
               "What a cancel costs: from task_cancel to the start of the task's cleanup, and "
               "wait_for around an await that is already done.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
