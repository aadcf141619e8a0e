/*
 * Unit tests of common/shield: every law of shield.h, on the loop's virtual clock and on
 * each loop backend. The CPython test each one mirrors is named beside it
 * (Lib/test/test_asyncio/test_tasks.py, test_waitfor.py).
 */
#include "future.h"
#include "gather.h"
#include "loop.h"
#include "shield.h"
#include "tap.h"
#include "task.h"
#include "wait_for.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *backend;
static int never_retrieved;

static double now(void)
{
    return loop_time(loop_get_running());
}

static void count_unretrieved(struct loop *loop, const struct loop_error *e, void *arg)
{
    (void)loop, (void)arg;
    never_retrieved += strstr(e->message, "never retrieved") != NULL;
}

static void run_virtual(task_fn *main, void *arg)
{
    trace[0] = '\0';
    never_retrieved = 0;
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    loop_set_exception_handler(loop, count_unretrieved, NULL);
    async_run_on(loop, main, arg, NULL);
    loop_close(loop);
}

/* The shielded work: sleeps a second, then returns "7" or fails. */
struct work {
    bool fails;
    bool finished; /* it ran to its end */
    double at;
};

static void *work_body(void *arg)
{
    struct work *w = arg;
    int rc = async_sleep(1);
    if (rc)
        return task_raise(rc, "work cancelled");
    w->finished = true;
    w->at = now();
    return w->fails ? task_raise(-EIO, "work failed") : "7";
}

/* A task that awaits shield(inner) and notes what it got, and when. */
static void *awaits_shield(void *arg)
{
    struct future *guard = shield(arg);
    void *r = NULL;
    int rc = await_future(guard, &r);
    note("outer=%d:%s@%.3f ", rc, r ? (char *)r : "-", now());
    future_unref(guard);
    return NULL;
}

/* test_shield_cancel_outer: the caller is cancelled; the work runs on to its result */
static void *cancel_outer(void *arg)
{
    struct work *w = arg;
    struct task *inner = create_task("inner", work_body, w);
    struct task *caller = create_task("caller", awaits_shield, task_future(inner));
    async_sleep(0.5);
    task_cancel(caller);
    await_task(caller, NULL);
    note("callbacks-left=%zu ", future_done_callbacks(task_future(inner)));
    void *r = NULL;
    int rc = await_task(inner, &r);
    note("inner=%d:%s@%.3f cancelled=%d", rc, r ? (char *)r : "-", w->at,
         task_cancelled(inner));
    task_release(caller);
    task_release(inner);
    return NULL;
}

/* test_shield_result, test_shield_exception: no cancel, the outcome comes through */
static void *outcome_through(void *arg)
{
    struct work *w = arg;
    struct task *inner = create_task("inner", work_body, w);
    struct future *guard = shield(task_future(inner));
    void *r = NULL;
    int rc = await_future(guard, &r);
    const char *msg = future_error_message(guard);
    note("rc=%d:%s:%s inner-again=%d", rc, r ? (char *)r : "-", msg ? msg : "-",
         await_task(inner, NULL));
    future_unref(guard);
    task_release(inner);
    return NULL;
}

/* test_shield_cancel_inner: cancelling the inner cancels the outer */
static void *cancel_inner(void *arg)
{
    struct work *w = arg;
    struct task *inner = create_task("inner", work_body, w);
    struct task *caller = create_task("caller", awaits_shield, task_future(inner));
    async_sleep(0.5);
    task_cancel(inner);
    await_task(caller, NULL);
    task_release(caller);
    task_release(inner);
    return NULL;
}

/* test_shield_shortcut; bpo-35125: repeated shield + cancel piles nothing on the inner */
static void *shortcut_and_pileup(void *arg)
{
    (void)arg;
    struct loop *loop = loop_get_running();
    struct future *done = future_new(loop);
    future_set_result(done, "x");
    struct future *same = shield(done);
    note("shortcut=%d ", same == done);
    future_unref(same);
    future_unref(done);
    struct future *inner = future_new(loop);
    for (int i = 0; i < 1000; i++) {
        struct future *guard = shield(inner);
        future_cancel(guard);
        future_unref(guard);
    }
    note("callbacks=%zu ", future_done_callbacks(inner));
    async_sleep(0); /* let the cancelled shields' own callbacks run and be freed */
    future_set_result(inner, "y");
    note("inner-done=%d", future_done(inner));
    future_unref(inner);
    return NULL;
}

/* test_shielded_timeout, test_zero_timeout: the timeout cancels the shield, not the work */
static void *wait_for_shield(void *arg)
{
    double timeout_s = *(double *)arg;
    struct work w = {0};
    struct task *inner = create_task("inner", work_body, &w);
    async_sleep(0); /* it runs: now sleeping until 1.0 */
    struct future *guard = shield(task_future(inner));
    int rc = wait_for(guard, timeout_s, NULL);
    note("rc=%d@%.3f ", rc, now());
    future_unref(guard);
    void *r = NULL;
    rc = await_task(inner, &r);
    note("inner=%d:%s@%.3f", rc, r ? (char *)r : "-", now());
    task_release(inner);
    return NULL;
}

/* test_gather_shield: cancelling a gather of shields cancels the shields only */
static void *gather_shields(void *arg)
{
    (void)arg;
    struct work wa = {0}, wb = {0};
    struct task *a = create_task("a", work_body, &wa), *b = create_task("b", work_body, &wb);
    struct future *guards[2] = {shield(task_future(a)), shield(task_future(b))};
    struct future *g = gather(guards, 2, GATHER_RETURN_EXCEPTIONS);
    async_sleep(0.5);
    future_cancel(g);
    int rc = await_future(g, NULL);
    note("gather=%d ", rc);
    int ra = await_task(a, NULL), rb = await_task(b, NULL);
    note("a=%d b=%d@%.3f", ra, rb, now());
    future_unref(g);
    future_unref(guards[0]);
    future_unref(guards[1]);
    task_release(a);
    task_release(b);
    return NULL;
}

/* Ownership: the caller lets go of everything at once; the work still runs to its end. */
static void *let_go(void *arg)
{
    struct work *w = arg;
    struct task *inner = create_task("inner", work_body, w);
    struct task *caller = create_task("caller", awaits_shield, task_future(inner));
    async_sleep(0.5);
    task_cancel(caller);
    await_task(caller, NULL);
    task_release(caller);
    task_release(inner);
    async_sleep(1);
    note("finished=%d@%.3f", w->finished, w->at);
    return NULL;
}

static void run_laws(const char *name)
{
    backend = name;
    setenv("LAB_LOOP_BACKEND", name, 1);
    char want[200];

    struct work w = {0};
    run_virtual(cancel_outer, &w);
    snprintf(want, sizeof want, "outer=%d:-@0.500 callbacks-left=0 inner=0:7@1.000 cancelled=0",
             -ECANCELED);
    is_str(trace, want,
           "%s: the cancelled caller gets -ECANCELED at once, leaving no callback on the work, "
           "which runs on to its result (test_shield_cancel_outer)",
           backend);

    w = (struct work){0};
    run_virtual(outcome_through, &w);
    snprintf(want, sizeof want, "rc=0:7:- inner-again=%d", -EALREADY);
    is_str(trace, want,
           "%s: the result comes through (test_shield_result), taken: one owner", backend);
    w = (struct work){.fails = true};
    run_virtual(outcome_through, &w);
    snprintf(want, sizeof want, "rc=%d:-:work failed inner-again=%d", -EIO, -EALREADY);
    ok(strcmp(trace, want) == 0 && never_retrieved == 0,
       "%s: an error comes through, code and message, retrieved once read "
       "(test_shield_exception)",
       backend);

    w = (struct work){0};
    run_virtual(cancel_inner, &w);
    snprintf(want, sizeof want, "outer=%d:-@0.500 ", -ECANCELED);
    is_str(trace, want, "%s: cancelling the work cancels the shield (test_shield_cancel_inner)",
           backend);

    run_virtual(shortcut_and_pileup, NULL);
    is_str(trace, "shortcut=1 callbacks=0 inner-done=1",
           "%s: a done future is returned as is; a thousand shield+cancel leave no callback "
           "on the inner (test_shield_shortcut, bpo-35125)",
           backend);

    double half = 0.5, zero = 0;
    run_virtual(wait_for_shield, &half);
    snprintf(want, sizeof want, "rc=%d@0.500 inner=0:7@1.000", -ETIMEDOUT);
    is_str(trace, want,
           "%s: wait_for(shield(work)) times out; the work runs on (test_shielded_timeout)",
           backend);
    run_virtual(wait_for_shield, &zero);
    snprintf(want, sizeof want, "rc=%d@0.000 inner=0:7@1.000", -ETIMEDOUT);
    is_str(trace, want, "%s: and with timeout 0 (test_zero_timeout)", backend);

    run_virtual(gather_shields, NULL);
    snprintf(want, sizeof want, "gather=%d a=0 b=0@1.000", -ECANCELED);
    is_str(trace, want, "%s: cancelling a gather of shields leaves the work running "
           "(test_gather_shield)", backend);

    w = (struct work){0};
    run_virtual(let_go, &w);
    snprintf(want, sizeof want, "outer=%d:-@0.500 finished=1@1.000", -ECANCELED);
    is_str(trace, want,
           "%s: a shielded task its callers let go of runs to its end (no gh-94972 here)",
           backend);
    w = (struct work){.fails = true};
    run_virtual(let_go, &w);
    is_long(never_retrieved, 1,
            "%s: its error, which nobody read, is reported once (3.13's rule)", backend);
}

int main(void)
{
#ifdef __linux__
    run_laws("epoll");
#endif
    run_laws("poll");
    return done_testing();
}
