/*
 * swallowed_cancel.c — DELIBERATELY BROKEN: a task that swallows its cancellation.
 *
 * Mirrors A0 §2.3 「任务取消不当」, the mistake its 正例 warns of: catching CancelledError
 * and not re-raising it. In C the mistake is as easy: the await returns -ECANCELED, the
 * code checks for it, prints something, and goes on (or returns a result).
 * Four things then go wrong, each measured here:
 *   1. the awaiter gets a result instead of a cancellation: task_cancelled() is false;
 *   2. a shutdown that cancels the task and waits for it waits for ever (bounded here:
 *      the demo gives up after --seconds, then ends the task by a flag of its own);
 *   3. a later timeout in that task does not time out: a deadline is a cancel, and the
 *      habit that swallowed the first swallows the deadline's too;
 *   4. the cancel count stays raised (task_cancelling() = 1) for the rest of the task's
 *      life, and what reads it is misled: a task group that fails later takes the stale
 *      count for a cancel from outside and requests it "again" (as Python 3.13 does), so
 *      the task's next await returns -ECANCELED, a cancel nobody sent. Beside it, the
 *      same task group in a task that never swallowed: its next await runs normally.
 * cancel_cleanup.c is the same task written right.
 */
#include "args.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"
#include "task_group.h"
#include "timeout.h"

#include <errno.h>
#include <stdio.h>

static double patience = 2.0; /* how long the shutdown waits before giving up */
static const double unit = 0.2;

/* except asyncio.CancelledError: pass — the cancel is caught and dropped. */
static void *swallower(void *arg)
{
    (void)arg;
    int rc = async_sleep(10);
    if (rc == -ECANCELED)
        say("except CancelledError: pass  (the cancel is swallowed)");
    return "任务完成"; /* a result, as if nothing had happened */
}

struct worker {
    bool demo_over; /* the demo's own way out: a real service has none */
    int units, swallowed;
};

/* A service worker whose loop swallows the cancel: "log it and carry on". */
static void *service_worker(void *arg)
{
    struct worker *w = arg;
    while (!w->demo_over) {
        if (async_sleep(unit) == -ECANCELED) {
            w->swallowed++;
            say("cancelled? carrying on (swallowed #%d; task_cancelling() = %u)", w->swallowed,
                task_cancelling(current_task()));
            continue;
        }
        w->units++;
    }
    say("stopped by the demo's flag after %d units; task_cancelling() is still %u", w->units,
        task_cancelling(current_task()));
    return NULL;
}

/* The same habit under a deadline: a timeout is a cancel, so it is swallowed too. */
static void *deadline_worker(void *arg)
{
    (void)arg;
    if (async_sleep(10) == -ECANCELED)
        say("swallowed a cancel; task_cancelling() = %u", task_cancelling(current_task()));
    double began = running_loop_time();
    struct timeout *to = timeout(1.5 * unit); /* async with asyncio.timeout(0.3): */
    int rc = timeout_enter(to);
    for (int i = 0; rc == 0 && i < 5; i++) /* five steps of 0.2 s */
        if (async_sleep(unit) == -ECANCELED)
            say("cancelled? carrying on (this one was the deadline's)");
    rc = timeout_exit(to, rc);
    double took = running_loop_time() - began;
    say("the %.1f s scope returned %s after %.1f s; task_cancelling() = %u", 1.5 * unit,
        rc == -ETIMEDOUT ? "-ETIMEDOUT" : "0, no timeout,", took, task_cancelling(current_task()));
    result_record("swallowed.scope_timed_out", rc == -ETIMEDOUT, "bool");
    result_record("swallowed.scope_took", took, "s");
    result_record("swallowed.scope_cancelling_after", task_cancelling(current_task()), "count");
    return NULL;
}

static void *failing_backend(void *arg)
{
    (void)arg;
    int rc = async_sleep(unit / 2);
    return task_raise(rc ? rc : -EIO, "the backend failed");
}

/* A task group whose child fails, then one more await: in a task that swallowed, or not. */
static void *group_worker(void *swallowed)
{
    if (swallowed && async_sleep(10) == -ECANCELED)
        say("swallowed a cancel; task_cancelling() = %u", task_cancelling(current_task()));
    struct task_group *g = task_group(); /* async with TaskGroup() as g: */
    task_group_create_task(g, "backend", failing_backend, NULL);
    int rc = task_group_exit(g, async_sleep(10 * unit));
    task_group_free(g);
    say("the group ended %s; the error is handled here, and the task goes on",
        rc == TASK_GROUP_FAILED ? "with the backend's error" : "otherwise");
    int next = async_sleep(unit); /* say, writing the error to a log */
    say("its next await returned %s",
        next == -ECANCELED ? "-ECANCELED: a cancel nobody sent" : "0, as it should");
    result_record(swallowed ? "swallowed.group_next_cancelled" : "clean.group_next_cancelled",
                  next == -ECANCELED, "bool");
    return next ? task_raise(next, NULL) : NULL;
}

static void *main_task(void *arg)
{
    (void)arg;
    printf("1. cancel a task that swallows the cancel, then await it\n");
    struct task *t = create_task("swallower", swallower, NULL);
    async_sleep(0.1);
    task_cancel(t);
    void *result = NULL;
    int rc = await_task(t, &result);
    say("await task → %s%s%s; task_cancelled() = %s, task_cancelling() = %u",
        rc == 0 ? "a result: \"" : "-ECANCELED", rc == 0 ? (char *)result : "", rc == 0 ? "\"" : "",
        task_cancelled(t) ? "true" : "false", task_cancelling(t));
    result_record("swallowed.awaiter_got_result", rc == 0, "bool");
    result_record("swallowed.task_cancelled", task_cancelled(t), "bool");
    result_record("swallowed.cancelling", task_cancelling(t), "count");
    task_release(t);

    printf("\n2. a shutdown cancels a service worker that swallows, and waits for it\n");
    struct worker w = {0};
    t = create_task("worker", service_worker, &w);
    async_sleep(3 * unit + unit / 2);
    double began = running_loop_time();
    int units_before = w.units;
    say("shutdown: task.cancel(), then wait for the worker to end (at most %.1f s)", patience);
    task_cancel(t);
    while (!task_done(t) && running_loop_time() - began < patience)
        async_sleep(0.1);
    bool stuck = !task_done(t);
    say("shutdown: %s after %.1f s; the worker did %d more units meanwhile",
        stuck ? "STILL RUNNING" : "ended", running_loop_time() - began, w.units - units_before);
    if (stuck)
        say("shutdown: asyncio.run (or gather after cancel) would wait here for ever");
    result_record("swallowed.shutdown_stuck", stuck, "bool");
    result_record("swallowed.shutdown_waited", running_loop_time() - began, "s");
    result_record("swallowed.units_after_cancel", w.units - units_before, "count");
    w.demo_over = true;
    await_task(t, NULL);
    result_record("swallowed.worker_cancelling", task_cancelling(t), "count");
    task_release(t);

    printf("\n3. later, in a task that swallowed a cancel, a timeout scope\n");
    t = create_task("worker", deadline_worker, NULL);
    async_sleep(0.1);
    task_cancel(t);
    await_task(t, NULL);
    task_release(t);

    printf("\n4. later still, a task group whose child fails: in a task that never swallowed, "
           "then in one that did\n");
    for (int swallowed = 0; swallowed <= 1; swallowed++) {
        t = create_task(swallowed ? "swallowed" : "clean", group_worker, swallowed ? "yes" : NULL);
        if (swallowed) {
            async_sleep(0.1);
            task_cancel(t);
        }
        await_task(t, NULL);
        task_release(t);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &patience, 0.1, 3600,
                   "how long the shutdown waits for the worker before giving up"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&patience, 0.5),
        OPT_END,
    };
    args_parse(argc, argv,
               "DELIBERATELY BROKEN: a task that swallows its cancellation. The awaiter gets a "
               "result, a shutdown waits for ever (bounded here), the cancel count stays raised.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
