/*
 * Unit tests of common/wait_for: every law of wait_for.h, on the loop's virtual clock and
 * on each loop backend. The CPython test each one mirrors is named beside it
 * (Lib/test/test_asyncio/test_waitfor.py).
 */
#include "future.h"
#include "loop.h"
#include "tap.h"
#include "task.h"
#include "timeout.h"
#include "wait_for.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *backend;

static double now(void)
{
    return loop_time(loop_get_running());
}

static void run_virtual(task_fn *main, void *arg)
{
    trace[0] = '\0';
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    async_run_on(loop, main, arg, NULL);
    loop_close(loop);
}

/* The awaited work: sleeps, and when cancelled, cleans up (awaiting) and then ends as told. */
struct work {
    double seconds, cleanup;
    enum { PROPAGATE, SWALLOW, FAIL } on_cancel;
    bool started, cleaned_up;
};

static void *work_body(void *arg)
{
    struct work *w = arg;
    w->started = true;
    int rc = async_sleep(w->seconds);
    if (rc == 0)
        return "finished";
    if (w->cleanup > 0 && async_sleep(w->cleanup) == 0)
        w->cleaned_up = true;
    if (w->on_cancel == SWALLOW)
        return "swallowed";
    if (w->on_cancel == FAIL)
        return task_raise(-EIO, "failed in its cleanup");
    return task_raise(rc, "cancelled");
}

struct call {
    struct work work;
    double start_after; /* the caller sleeps this long, so the work is running, first */
    double timeout;
    int rc;
    const char *result;
    double at;        /* when wait_for returned */
    bool cleaned_up;  /* the work's cleanup had finished when wait_for returned */
    bool cancelled;   /* the work ended cancelled */
    int again;        /* await_task on the work afterwards */
};

static void *call_wait_for(void *arg)
{
    struct call *c = arg;
    struct task *t = create_task("work", work_body, &c->work);
    if (c->start_after > 0)
        async_sleep(c->start_after);
    void *r = NULL;
    c->rc = wait_for(task_future(t), c->timeout, &r);
    c->at = now();
    c->result = r;
    c->cleaned_up = c->work.cleaned_up;
    c->cancelled = task_cancelled(t);
    c->again = await_task(t, NULL);
    task_release(t);
    return NULL;
}

static struct call run_call(struct call c)
{
    run_virtual(call_wait_for, &c);
    return c;
}

/* test_wait_for_issue86296 (bpo-42130): the caller's cancel is never lost */
struct race {
    bool reached_end;
    int rc;
    bool same_turn; /* the inner task finishes in the very turn the caller is cancelled */
};

static void *quick_inner(void *arg)
{
    struct race *r = arg;
    if (r->same_turn)
        async_sleep(1);
    return "done";
}

struct race_args {
    struct race *r;
    struct task *inner;
};

static void *waiter_body(void *arg)
{
    struct race_args *a = arg;
    a->r->rc = wait_for(task_future(a->inner), 100, NULL);
    if (a->r->rc)
        return task_raise(a->r->rc, "wait_for");
    if (async_sleep(1) != 0)
        return task_raise(-ECANCELED, "sleep");
    a->r->reached_end = true;
    return NULL;
}

static void *issue86296(void *arg)
{
    struct race *r = arg;
    struct race_args a = {r, create_task("inner", quick_inner, r)};
    struct task *t = create_task("wait_for_coro", waiter_body, &a);
    async_sleep(0); /* both tasks run: inner is done, or (same_turn) sleeps until 1.0 */
    if (r->same_turn)
        async_sleep(1); /* this timer is set after inner's: it wakes just after inner ends */
    task_cancel(t);
    note("task=%d ", await_task(t, NULL));
    void *v = NULL;
    int rc = await_task(a.inner, &v);
    note("inner=%d:%s end=%d", rc, v ? (char *)v : "-", r->reached_end);
    task_release(t);
    task_release(a.inner);
    return NULL;
}

/* test_cancel_wait_for: cancelling the caller cancels the work; the caller gets -ECANCELED */
static void *cancel_the_caller(void *arg)
{
    struct call *c = arg;
    struct task *t = create_task("caller", call_wait_for, c);
    async_sleep(0.5);
    task_cancel(t);
    await_task(t, NULL);
    note("rc=%d at=%.3f cleaned=%d work-cancelled=%d", c->rc, c->at, c->cleaned_up,
         c->cancelled);
    task_release(t);
    return NULL;
}

/* test_wait_for_timeout_less_then_0_or_0_future_done, and a plain future timing out */
static void *plain_futures(void *arg)
{
    (void)arg;
    struct future *f = future_new(loop_get_running());
    future_set_result(f, "ready");
    void *r = NULL;
    int rc = wait_for(f, 0, &r);
    note("done=%d:%s ", rc, (char *)r);
    future_unref(f);
    f = future_new(loop_get_running());
    rc = wait_for(f, 0.5, NULL);
    note("pending=%d cancelled=%d t=%.3f ", rc, future_cancelled(f), now());
    future_unref(f);
    f = future_new(loop_get_running());
    rc = wait_for(f, 0, NULL);
    note("zero=%d cancelled=%d t=%.3f", rc, future_cancelled(f), now());
    future_unref(f);
    return NULL;
}

/* Cancelled while wait_for(.., 0) waits for the work's cleanup: at once, and only once. */
static void *cancel_during_zero(void *arg)
{
    struct call *c = arg;
    struct task *t = create_task("caller", call_wait_for, c);
    async_sleep(0.5);
    task_cancel(t);
    await_task(t, NULL);
    note("rc=%d at=%.3f cleaned=%d ", c->rc, c->at, c->cleaned_up);
    async_sleep(2);
    note("cleaned-later=%d", c->work.cleaned_up);
    task_release(t);
    return NULL;
}

/* The documented pattern: a plain function under a timeout scope runs in the caller's task. */
static int fetch_in_this_task(struct task **ran_in)
{
    *ran_in = current_task();
    return async_sleep(10);
}

static void *plain_function(void *arg)
{
    (void)arg;
    struct task *ran_in = NULL;
    struct timeout *to = timeout(2.0);
    int err = timeout_enter(to);
    if (err == 0)
        err = fetch_in_this_task(&ran_in);
    err = timeout_exit(to, err);
    note("rc=%d same-task=%d tasks=%zu t=%.3f", err, ran_in == current_task(), all_tasks(NULL, 0),
         now());
    return NULL;
}

/* A future that refuses the cancel (as a job already running in a thread does). */
static bool refuse(struct future *f)
{
    (void)f;
    return false;
}

static void finish_late(struct loop *loop, void *arg)
{
    (void)loop;
    future_set_cancel_hook(arg, NULL);
    future_set_result(arg, "late");
}

static void *refusing_future(void *arg)
{
    double timeout_s = *(double *)arg;
    struct loop *loop = loop_get_running();
    struct future *f = future_new(loop);
    future_set_cancel_hook(f, refuse);
    loop_call_at(loop, 2.0, finish_late, f);
    void *r = NULL;
    int rc = wait_for(f, timeout_s, &r);
    note("rc=%d:%s t=%.3f ", rc, r ? (char *)r : "-", now());
    r = NULL;
    rc = future_result(f, &r);
    note("kept=%d:%s", rc, r ? (char *)r : "-");
    future_unref(f);
    return NULL;
}

static void *refusals(void *arg)
{
    struct loop *other = arg;
    struct future *f = future_new(loop_get_running());
    note("nan=%d ", wait_for(f, NAN, NULL));
    future_cancel(f);
    future_unref(f);
    struct future *elsewhere = future_new(other);
    note("other-loop=%d", wait_for(elsewhere, 1, NULL));
    future_unref(elsewhere);
    return NULL;
}

static void run_laws(const char *name)
{
    backend = name;
    setenv("LAB_LOOP_BACKEND", name, 1);
    char want[200];

    struct call c = run_call((struct call){.work = {.seconds = 0.1}, .timeout = 1});
    ok(c.rc == 0 && strcmp(c.result, "finished") == 0 && c.at == 0.1,
       "%s: work done in time: its result, when it is done (test_wait_for)", backend);
    is_long(c.again, -EALREADY, "%s: taken: await_task on the work afterwards gets -EALREADY",
            backend);

    c = run_call((struct call){.work = {.seconds = 10, .cleanup = 0.25}, .timeout = 1});
    ok(c.rc == -ETIMEDOUT && c.cleaned_up && c.cancelled && c.at == 1.25,
       "%s: on timeout the work is cancelled and its cleanup has finished before -ETIMEDOUT "
       "(test_wait_for_waits_for_task_cancellation): rc=%d cleaned=%d at=%.3f",
       backend, c.rc, c.cleaned_up, c.at);

    c = run_call(
        (struct call){.work = {.seconds = 10, .cleanup = 0.1, .on_cancel = SWALLOW}, .timeout = 1});
    ok(c.rc == 0 && c.result && strcmp(c.result, "swallowed") == 0 && !c.cancelled,
       "%s: work that swallows the cancel gives its value, not -ETIMEDOUT "
       "(test_wait_for_cancel_suppressed)",
       backend);

    c = run_call((struct call){.work = {.seconds = 10, .on_cancel = FAIL}, .timeout = 1});
    is_long(c.rc, -EIO,
            "%s: an error raised during the cancel comes back "
            "(test_wait_for_reraises_exception_during_cancellation)",
            backend);

    c = run_call((struct call){.work = {.seconds = 5}, .timeout = INFINITY});
    ok(c.rc == 0 && c.at == 5, "%s: timeout INFINITY is a plain await", backend);

    c = run_call((struct call){.work = {.seconds = 10, .cleanup = 0.25}, .timeout = 0});
    ok(c.rc == -ETIMEDOUT && !c.work.started && c.cancelled,
       "%s: timeout 0: a task not started yet is cancelled and never runs "
       "(test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started)",
       backend);
    c = run_call((struct call){.work = {.seconds = 10}, .timeout = -1});
    ok(c.rc == -ETIMEDOUT && !c.work.started, "%s: so does a negative timeout", backend);

    struct race r = {0};
    run_virtual(issue86296, &r);
    snprintf(want, sizeof want, "task=%d inner=0:done end=0", -ECANCELED);
    is_str(trace, want,
           "%s: the caller cancelled after the work is done: the cancel stays "
           "(test_wait_for_issue86296)",
           backend);
    r = (struct race){.same_turn = true};
    run_virtual(issue86296, &r);
    snprintf(want, sizeof want, "task=%d inner=0:done end=0", -ECANCELED);
    ok(strcmp(trace, want) == 0 && r.rc == -ECANCELED,
       "%s: and when the work ends in the very turn the caller is cancelled (bpo-42130): "
       "wait_for=%d, %s",
       backend, r.rc, trace);

    c = (struct call){.work = {.seconds = 10, .cleanup = 0.25}, .timeout = 5};
    run_virtual(cancel_the_caller, &c);
    snprintf(want, sizeof want, "rc=%d at=0.750 cleaned=1 work-cancelled=1", -ECANCELED);
    is_str(trace, want,
           "%s: cancelling the caller cancels the work, waits for it, and is -ECANCELED "
           "(test_cancel_wait_for)",
           backend);

    run_virtual(plain_futures, NULL);
    snprintf(want, sizeof want, "done=0:ready pending=%d cancelled=1 t=0.500 zero=%d cancelled=1 "
             "t=0.500", -ETIMEDOUT, -ETIMEDOUT);
    is_str(trace, want,
           "%s: timeout 0 on a done future gives its outcome; a pending plain future is "
           "cancelled: -ETIMEDOUT",
           backend);

    c = run_call((struct call){
        .work = {.seconds = 10, .cleanup = 0.25}, .start_after = 0.1, .timeout = 0});
    ok(c.rc == -ETIMEDOUT && c.cleaned_up && c.at == 0.35,
       "%s: timeout 0 on running work: cancelled, its cleanup waited for, -ETIMEDOUT "
       "(test_wait_for_waits_for_task_cancellation_w_timeout_0)",
       backend);

    c = (struct call){.work = {.seconds = 10, .cleanup = 1}, .start_after = 0.1, .timeout = 0};
    run_virtual(cancel_during_zero, &c);
    snprintf(want, sizeof want, "rc=%d at=0.500 cleaned=0 cleaned-later=1", -ECANCELED);
    is_str(trace, want,
           "%s: a caller cancelled while timeout 0 waits for the cleanup gets -ECANCELED at "
           "once; the work, not cancelled twice, finishes its cleanup",
           backend);

    run_virtual(plain_function, NULL);
    snprintf(want, sizeof want, "rc=%d same-task=1 tasks=1 t=2.000", -ETIMEDOUT);
    is_str(trace, want,
           "%s: a plain function under a timeout scope runs in the caller's task, no new task",
           backend);

    double one = 1, zero = 0;
    run_virtual(refusing_future, &one);
    snprintf(want, sizeof want, "rc=%d:- t=2.000 kept=0:late", -ETIMEDOUT);
    is_str(trace, want,
           "%s: a future that refuses the cancel is waited for to its end, then -ETIMEDOUT; "
           "its outcome stays in it",
           backend);
    run_virtual(refusing_future, &zero);
    snprintf(want, sizeof want, "rc=0:late t=2.000 kept=%d:-", -EALREADY);
    is_str(trace, want, "%s: with timeout 0, its outcome is returned (as asyncio does)", backend);

    struct loop *other = loop_new();
    run_virtual(refusals, other);
    loop_close(other);
    snprintf(want, sizeof want, "nan=%d other-loop=%d", -EINVAL, -EXDEV);
    is_str(trace, want, "%s: a NaN timeout and a future of another loop are refused", backend);
}

int main(void)
{
    is_long(wait_for(NULL, 1, NULL), -EPERM, "wait_for outside a task: -EPERM");
#ifdef __linux__
    run_laws("epoll");
#endif
    run_laws("poll");
    return done_testing();
}
