/*
 * Unit tests of common/timeout: every law of timeout.h, on the loop's virtual clock (each
 * time below is exact) and on each loop backend. The CPython test each one mirrors is
 * named beside it (Lib/test/test_asyncio/test_timeouts.py, test_tasks.py).
 */
#include "loop.h"
#include "tap.h"
#include "task.h"
#include "timeout.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *backend;

static double now(void)
{
    return loop_time(loop_get_running());
}

static unsigned my_count(void)
{
    return task_cancelling(current_task());
}

static void run_virtual(task_fn *main, void *arg)
{
    trace[0] = '\0';
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    async_run_on(loop, main, arg, NULL);
    loop_close(loop);
}

/* The usual body: a long sleep, cut short by whatever cancels it. */
static int sleep_in_scope(struct timeout *to, double seconds)
{
    int rc = timeout_enter(to);
    if (rc == 0)
        rc = async_sleep(seconds);
    return timeout_exit(to, rc);
}

/* test_timeout_basic, test_outer_task_is_not_cancelled; the deadline is fixed at creation */
static void *basic(void *arg)
{
    (void)arg;
    struct timeout *to = timeout(1);
    async_sleep(0.5);
    int rc = timeout_enter(to);
    note("when=%.3f ", timeout_when(to));
    if (rc == 0)
        rc = async_sleep(10);
    note("body=%d expired=%d ", rc, timeout_expired(to));
    rc = timeout_exit(to, rc);
    note("exit=%d t=%.3f count=%u ", rc, now(), my_count());
    note("after=%d", async_sleep(1));
    return NULL;
}

/* test_timeout_disabled, and a deadline that does not come */
static void *never(void *arg)
{
    (void)arg;
    struct timeout *to = timeout(INFINITY);
    note("when=%f ", timeout_when(to));
    note("rc=%d ", sleep_in_scope(to, 5));
    int rc = sleep_in_scope(timeout(10), 5);
    note("rc=%d t=%.3f ", rc, now());
    rc = async_sleep(10); /* past the deadline of the scope left at 5 s: nothing happens */
    note("after=%d t=%.3f", rc, now());
    return NULL;
}

/* test_timeout_double_enter, test_timeout_without_task (here: from a callback) */
static void *enter_twice(void *arg)
{
    (void)arg;
    struct timeout *to = timeout(1);
    int first = timeout_enter(to), second = timeout_enter(to);
    note("enter=%d,%d exit=%d", first, second, timeout_exit(to, 0));
    return NULL;
}

/* test_reschedule, test_timeout_not_entered, test_timeout_expiring */
static void *reschedule(void *arg)
{
    (void)arg;
    struct timeout *to = timeout(1);
    note("created=%d ", timeout_reschedule(to, 5));
    timeout_enter(to);
    note("entered=%d ", timeout_reschedule(to, 2));
    int rc = async_sleep(10);
    note("body=%d t=%.3f expiring=%d ", rc, now(), timeout_reschedule(to, 20));
    note("exit=%d ", timeout_exit(to, rc));
    to = timeout(1);
    timeout_enter(to);
    timeout_reschedule(to, INFINITY);
    rc = timeout_exit(to, async_sleep(5));
    note("off=%d t=%.3f", rc, now());
    return NULL;
}

/* test_nested_timeouts: both expire; only the outer (outermost expired) converts */
static int nested(double outer_delay, double inner_delay)
{
    struct timeout *outer = timeout(outer_delay);
    int rc = timeout_enter(outer);
    if (rc == 0) {
        rc = sleep_in_scope(timeout(inner_delay), 10);
        note("inner=%d ", rc);
    }
    rc = timeout_exit(outer, rc);
    note("outer=%d count=%u; ", rc, my_count());
    return rc;
}

static void *nested_scopes(void *arg)
{
    (void)arg;
    nested(0.01, 0.01); /* both expire */
    nested(10, 0.1);    /* only the inner */
    nested(0.1, 10);    /* only the outer */
    return NULL;
}

/* test_foreign_cancel_doesnt_timeout_if_not_expired */
static void *foreign_cancel(void *arg)
{
    (void)arg;
    struct timeout *to = timeout(10);
    timeout_enter(to);
    task_cancel(current_task());
    int rc = async_sleep(10);
    note("body=%d expired=%d ", rc, timeout_expired(to));
    rc = timeout_exit(to, rc);
    note("exit=%d count=%u", rc, my_count());
    return NULL;
}

/* A cancel from outside and the deadline in the same turn: the cancel wins, either order. */
static void cancel_it(struct loop *loop, void *arg)
{
    (void)loop;
    task_cancel(arg);
}

static void *scoped_sleeper(void *arg)
{
    (void)arg;
    int rc = sleep_in_scope(timeout(1), 10);
    note("rc=%d t=%.3f count=%u; ", rc, now(), my_count());
    return NULL;
}

static void *same_turn(void *arg)
{
    bool cancel_first = *(bool *)arg;
    struct loop *loop = loop_get_running();
    struct task *t = create_task("scoped", scoped_sleeper, NULL);
    if (cancel_first) /* equal deadlines run in the order they were set */
        loop_call_at(loop, 1.0, cancel_it, t);
    async_sleep(0); /* t enters its scope: its deadline is set */
    if (!cancel_first)
        loop_call_at(loop, 1.0, cancel_it, t);
    await_task(t, NULL);
    task_release(t);
    return NULL;
}

/* test_timeout_after_cancellation (gh-102780): a cleanup scope after a swallowed cancel */
static void *after_cancellation(void *arg)
{
    (void)arg;
    task_cancel(current_task());
    note("work=%d ", async_sleep(1));
    int rc = sleep_in_scope(timeout(0), 1);
    note("cleanup=%d count=%u", rc, my_count());
    return NULL;
}

/* gh-134471 (open in asyncio): a cancel pending at entry, then a deadline already past */
static void *cancel_before_entry(void *arg)
{
    (void)arg;
    task_cancel(current_task());
    int rc = sleep_in_scope(timeout(0), 1);
    note("rc=%d count=%u", rc, my_count());
    return NULL;
}

/* test_timeout_zero, test_timeout_zero_sleep_zero, test_timeout_in_the_past_sleep_zero */
static void *past_deadline(void *arg)
{
    (void)arg;
    struct timeout *to = timeout(0);
    timeout_enter(to);
    int x = 0;
    for (int i = 0; i < 1000; i++)
        x += i; /* work, but no suspension */
    note("no-await: expired=%d ", timeout_expired(to));
    note("exit=%d ", timeout_exit(to, 0));
    note("sleep0=%d ", sleep_in_scope(timeout(0), 0));
    async_sleep(5);
    int rc = sleep_in_scope(timeout_at(1), 0);
    note("past=%d t=%.3f x=%d", rc, now(), x);
    return NULL;
}

/* The outcome passes through when the body swallowed the cancel or failed otherwise. */
static void *other_outcomes(void *arg)
{
    (void)arg;
    struct timeout *to = timeout(1);
    timeout_enter(to);
    int swallowed = async_sleep(10);
    int rc = timeout_exit(to, 0);
    note("swallowed=%d exit=%d count=%u ", swallowed, rc, my_count());
    to = timeout(1);
    timeout_enter(to);
    async_sleep(10);
    rc = timeout_exit(to, -EIO);
    note("error=%d count=%u", rc, my_count());
    return NULL;
}

/* test_uncancel_structured_blocks, with the scope as the structured block */
struct request {
    double sleep, timeout;
    bool timed_out, finished, outer_reached;
    unsigned count;
};

static void *make_request_with_timeout(void *arg)
{
    struct request *r = arg;
    struct timeout *to = timeout(r->timeout);
    int rc = timeout_enter(to);
    if (rc == 0 && (rc = async_sleep(r->sleep)) == 0)
        r->finished = true;
    r->timed_out = timeout_exit(to, rc) == -ETIMEDOUT;
    r->outer_reached = true;
    async_sleep(0);
    r->count = my_count();
    return NULL;
}

static void *structured_blocks(void *arg)
{
    struct request *r = arg;
    for (int i = 0; i < 2; i++) {
        struct task *t = create_task("request", make_request_with_timeout, &r[i]);
        await_task(t, NULL);
        r[i].count = task_cancelling(t);
        task_release(t);
    }
    return NULL;
}

static void run_laws(const char *name)
{
    backend = name;
    setenv("LAB_LOOP_BACKEND", name, 1);
    char want[300];

    run_virtual(basic, NULL);
    snprintf(want, sizeof want, "when=1.000 body=%d expired=1 exit=%d t=1.000 count=0 after=0",
             -ECANCELED, -ETIMEDOUT);
    is_str(trace, want,
           "%s: the deadline is fixed at creation, not entry; the body sees -ECANCELED, "
           "the exit -ETIMEDOUT; the count is restored and the task goes on",
           backend);

    run_virtual(never, NULL);
    is_str(trace, "when=inf rc=0 rc=0 t=10.000 after=0 t=20.000",
           "%s: INFINITY never fires; a deadline not reached changes nothing, not even after "
           "the scope is left",
           backend);

    run_virtual(enter_twice, NULL);
    snprintf(want, sizeof want, "enter=0,%d exit=0", -EALREADY);
    is_str(trace, want, "%s: a scope is entered once", backend);

    run_virtual(reschedule, NULL);
    snprintf(want, sizeof want,
             "created=%d entered=0 body=%d t=2.000 expiring=%d exit=%d off=0 t=7.000", -EINVAL,
             -ECANCELED, -EINVAL, -ETIMEDOUT);
    is_str(trace, want,
           "%s: reschedule moves the deadline while entered, INFINITY turns it off; refused "
           "before entry and while expiring",
           backend);

    run_virtual(nested_scopes, NULL);
    snprintf(want, sizeof want,
             "inner=%d outer=%d count=0; inner=%d outer=%d count=0; inner=%d outer=%d count=0; ",
             -ECANCELED, -ETIMEDOUT, -ETIMEDOUT, -ETIMEDOUT, -ECANCELED, -ETIMEDOUT);
    is_str(trace, want,
           "%s: nested scopes: only the outermost expired one converts; the count is restored",
           backend);

    run_virtual(foreign_cancel, NULL);
    snprintf(want, sizeof want, "body=%d expired=0 exit=%d count=1", -ECANCELED, -ECANCELED);
    is_str(trace, want, "%s: a cancel from outside, scope not expired: it stays a cancel",
           backend);

    bool cancel_first = true;
    run_virtual(same_turn, &cancel_first);
    cancel_first = false;
    char first[sizeof trace];
    snprintf(first, sizeof first, "%s", trace);
    run_virtual(same_turn, &cancel_first);
    snprintf(want, sizeof want, "rc=%d t=1.000 count=1; ", -ECANCELED);
    ok(strcmp(first, want) == 0 && strcmp(trace, want) == 0,
       "%s: a cancel from outside in the same turn as the deadline stays a cancel, whichever "
       "runs first (%s | %s)",
       backend, first, trace);

    run_virtual(after_cancellation, NULL);
    snprintf(want, sizeof want, "work=%d cleanup=%d count=1", -ECANCELED, -ETIMEDOUT);
    is_str(trace, want, "%s: a scope in the cleanup after a swallowed cancel still times out",
           backend);

    run_virtual(cancel_before_entry, NULL);
    snprintf(want, sizeof want, "rc=%d count=1", -ECANCELED);
    is_str(trace, want,
           "%s: a cancel still pending at entry is a cancel from outside: it stays -ECANCELED "
           "even when the deadline fires too (asyncio's open gh-134471 makes it a timeout)",
           backend);

    run_virtual(past_deadline, NULL);
    snprintf(want, sizeof want, "no-await: expired=0 exit=0 sleep0=%d past=%d t=5.000 x=499500",
             -ETIMEDOUT, -ETIMEDOUT);
    is_str(trace, want,
           "%s: a deadline already past: no timeout without a suspension, one sleep(0) is "
           "enough",
           backend);

    run_virtual(other_outcomes, NULL);
    snprintf(want, sizeof want, "swallowed=%d exit=0 count=0 error=%d count=0", -ECANCELED, -EIO);
    is_str(trace, want,
           "%s: a body that swallowed the cancel returns 0; another error passes unchanged",
           backend);

    struct request r[2] = {{.sleep = 10, .timeout = 1}, {.sleep = 0, .timeout = 10}};
    run_virtual(structured_blocks, r);
    ok(r[0].timed_out && !r[0].finished && r[0].outer_reached && r[0].count == 0,
       "%s: structured block, timed out: (True, False, True), cancelling() 0", backend);
    ok(!r[1].timed_out && r[1].finished && r[1].outer_reached && r[1].count == 0,
       "%s: structured block, in time: (False, True, True), cancelling() 0", backend);
}

/* The scope belongs to the task that entered it. */
static void *entered(void *arg)
{
    timeout_enter(arg);
    return NULL;
}

static void *exits_elsewhere(void *arg)
{
    (void)arg;
    struct timeout *to = timeout(1);
    struct task *t = create_task("enterer", entered, to);
    await_task(t, NULL);
    task_release(t);
    timeout_exit(to, 0);
    return NULL;
}

static void run_exits_elsewhere(void *arg)
{
    (void)arg;
    run_virtual(exits_elsewhere, NULL);
}

int main(void)
{
    errno = 0;
    ok(timeout(1) == NULL && errno == ESRCH, "timeout() with no running loop: NULL, ESRCH");
    errno = 0;
    ok(timeout_at(NAN) == NULL && errno == EINVAL, "timeout_at(NaN): NULL, EINVAL");
    struct timeout *to = timeout_at(1);
    is_long(timeout_enter(to), -EPERM, "entering outside a task: -EPERM");
    is_long(timeout_exit(to, -EIO), -EIO, "exiting a scope never entered frees it, rc unchanged");
    is_long(timeout_enter(NULL), -EINVAL, "entering a NULL scope (timeout() failed): -EINVAL");
    is_long(timeout_exit(NULL, -ESRCH), -ESRCH, "exiting it returns rc");

#ifdef __linux__
    run_laws("epoll");
#endif
    run_laws("poll");

    char out[512];
    int status = run_in_child(run_exits_elsewhere, NULL, out, sizeof out);
    ok(WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
           strstr(out, "entered by task 'enterer'") != NULL,
       "exiting a scope from another task than the one that entered it dies, naming it");
    return done_testing();
}
