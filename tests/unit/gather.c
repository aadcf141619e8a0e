/*
 * Unit tests of common/gather: every law of gather.h, on the loop's virtual clock, so
 * each "at 0.300" below is exact and the file runs in an instant.
 */
#include "future.h"
#include "gather.h"
#include "loop.h"
#include "children_test.h"
#include "tap.h"
#include "task.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- results in order ---- */

static void *results_in_order(void *arg)
{
    (void)arg;
    struct child c[3] = {{"slow", 0.3, 0, 0}, {"fast", 0.1, 0, 0}, {"middle", 0.2, 0, 0}};
    struct family f;
    start(&f, c, 3);
    struct future *g = gather(f.futures, 3, GATHER_FAIL_FAST);
    int rc = await_future(g, NULL);
    note("rc=%d at %.3f:", rc, now());
    for (size_t i = 0; rc == 0 && i < 3; i++) {
        void *r = NULL;
        gather_result(g, i, &r);
        note(" %s", (char *)r);
    }
    future_unref(g);
    release(&f);
    return NULL;
}

/* Plain futures work as children too: here ended by timers, in reverse order. */
static void set_result(struct loop *loop, void *arg)
{
    (void)loop;
    future_set_result(arg, arg);
}

static void *plain_futures(void *arg)
{
    (void)arg;
    struct loop *loop = loop_get_running();
    struct future *fs[3];
    for (int i = 0; i < 3; i++) {
        fs[i] = future_new(loop);
        loop_call_later(loop, 0.3 - 0.1 * i, set_result, fs[i]);
    }
    struct future *g = gather(fs, 3, GATHER_FAIL_FAST);
    int rc = await_future(g, NULL);
    void *r[3] = {0};
    for (size_t i = 0; i < 3; i++)
        gather_result(g, i, &r[i]);
    note("rc=%d order=%d%d%d at %.3f", rc, r[0] == fs[0], r[1] == fs[1], r[2] == fs[2], now());
    for (int i = 0; i < 3; i++)
        future_unref(fs[i]);
    /* The gather holds its children: each result (here, the child itself) is still alive. */
    note(" alive=%d%d%d", future_done(r[0]), future_done(r[1]), future_done(r[2]));
    future_unref(g);
    return NULL;
}

static void *gather_nothing(void *arg)
{
    (void)arg;
    struct future *g = gather(NULL, 0, GATHER_FAIL_FAST);
    bool done = future_done(g);
    int rc = await_future(g, NULL);
    note("done=%d rc=%d", done, rc);
    future_unref(g);
    return NULL;
}

/* ---- the first error, at once; the others keep running ---- */

static struct child failing[3];

static void reset_failing(void)
{
    failing[0] = (struct child){"disk", 0.1, -EIO, 0};
    failing[1] = (struct child){"slow", 0.5, 0, 0};
    failing[2] = (struct child){"lookup", 0.2, -ENOENT, 0};
}

static void *first_error(void *arg)
{
    (void)arg;
    reset_failing();
    struct family f;
    start(&f, failing, 3);
    struct future *g = gather(f.futures, 3, GATHER_FAIL_FAST);
    int rc = await_future(g, NULL);
    note("rc=%d (%s) at %.3f;", rc, future_error_message(g), now());
    async_sleep(1);
    note(" later: slow %s, lookup %s", task_done(f.tasks[1]) ? "done" : "running",
         task_done(f.tasks[2]) ? "done" : "running");
    future_unref(g);
    release(&f);
    return NULL;
}

static void *return_exceptions(void *arg)
{
    (void)arg;
    reset_failing();
    struct family f;
    start(&f, failing, 3);
    struct future *g = gather(f.futures, 3, GATHER_RETURN_EXCEPTIONS);
    int rc = await_future(g, NULL);
    note("rc=%d at %.3f:", rc, now());
    for (size_t i = 0; rc == 0 && i < 3; i++) {
        void *r = NULL;
        int code = gather_result(g, i, &r);
        const char *msg = gather_error_message(g, i);
        note(" [%s %d %s]", r ? (char *)r : "NULL", code, msg ? msg : "-");
    }
    future_unref(g);
    release(&f);
    return NULL;
}

/* ---- a cancelled child is a failure; cancelling the gather cancels the children ---- */

static struct future *to_cancel;

static void *canceller(void *arg)
{
    async_sleep(*(double *)arg);
    note("cancel=%d; ", future_cancel(to_cancel));
    return NULL;
}

static void *child_cancelled(void *arg)
{
    enum gather_mode mode = *(enum gather_mode *)arg;
    struct child c[2] = {{"victim", 10, 0, 0}, {"bystander", 0.5, 0, 0}};
    struct family f;
    start(&f, c, 2);
    to_cancel = f.futures[0];
    static double at = 0.2;
    struct task *k = create_task("canceller", canceller, &at);
    struct future *g = gather(f.futures, 2, mode);
    int rc = await_future(g, NULL);
    note("rc=%d at %.3f, gather %s", rc, now(),
         future_cancelled(g)               ? "cancelled"
         : future_state(g) == FUTURE_ERROR ? "error"
                                           : "result");
    if (rc == 0)
        note(", victim's entry %d", gather_error(g, 0));
    else
        note(" (%s)", future_error_message(g));
    async_sleep(1);
    note("; bystander %s", task_done(f.tasks[1]) && !task_cancelled(f.tasks[1]) ? "finished" : "?");
    future_unref(g);
    task_release(k);
    release(&f);
    return NULL;
}

static void *cancel_the_gather(void *arg)
{
    enum gather_mode mode = *(enum gather_mode *)arg;
    struct child c[2] = {{"a", 10, 0, 0}, {"b", 20, 0, 0}};
    struct family f;
    start(&f, c, 2);
    struct future *g = gather(f.futures, 2, mode);
    to_cancel = g;
    static double at = 1.0;
    struct task *k = create_task("canceller", canceller, &at);
    int rc = await_future(g, NULL);
    note("rc=%d at %.3f gather-cancelled=%d children:", rc, now(), future_cancelled(g));
    for (size_t i = 0; i < 2; i++)
        note(" %s", task_cancelled(f.tasks[i]) ? "cancelled" : "not-cancelled");
    future_unref(g);
    task_release(k);
    release(&f);
    return NULL;
}

/* The task awaiting the gather is cancelled: the cancel reaches the children through it. */
static void *awaits_gather(void *arg)
{
    struct family *f = arg;
    struct future *g = gather(f->futures, f->n, GATHER_FAIL_FAST);
    int rc = await_future(g, NULL);
    note("awaiter rc=%d at %.3f; ", rc, now());
    future_unref(g);
    return task_raise(rc, "the gather");
}

static void *cancel_the_awaiter(void *arg)
{
    (void)arg;
    struct child c[2] = {{"a", 10, 0, 0}, {"b", 20, 0, 0}};
    struct family f;
    start(&f, c, 2);
    struct task *awaiter = create_task("awaiter", awaits_gather, &f);
    async_sleep(0.5);
    task_cancel(awaiter);
    int rc = await_task(awaiter, NULL);
    note("awaited=%d children: %s %s (sleeps returned %d %d)", rc,
         task_cancelled(f.tasks[0]) ? "cancelled" : "running",
         task_cancelled(f.tasks[1]) ? "cancelled" : "running", c[0].sleep_rc, c[1].sleep_rc);
    task_release(awaiter);
    release(&f);
    return NULL;
}

/* No child accepts the cancel (both are done): the gather is not cancelled. */
static void *cancel_refused(void *arg)
{
    (void)arg;
    struct loop *loop = loop_get_running();
    struct future *fs[2] = {future_new(loop), future_new(loop)};
    future_set_result(fs[0], "x");
    struct future *g = gather(fs, 2, GATHER_FAIL_FAST);
    future_set_result(fs[1], "y");
    /* Both children are done, but the gather has not yet heard it (callbacks pending). */
    note("cancel=%d ", future_cancel(g));
    int rc = await_future(g, NULL);
    void *x = NULL, *y = NULL;
    gather_result(g, 0, &x);
    gather_result(g, 1, &y);
    note("rc=%d %s%s", rc, (char *)x, (char *)y);
    future_unref(g);
    future_unref(fs[0]);
    future_unref(fs[1]);
    return NULL;
}

/* One owner: gather_result takes a child's result; after it, no other read gets it. */
static void *one_owner(void *arg)
{
    (void)arg;
    struct child c[2] = {{"a", 0.1, 0, 0}, {"b", 0.2, 0, 0}};
    struct family f;
    start(&f, c, 2);
    struct future *g = gather(f.futures, 2, GATHER_FAIL_FAST);
    int rc = await_future(g, NULL);
    void *r = NULL, *again = NULL;
    int first = gather_result(g, 0, &r);
    int second = gather_result(g, 0, &again);
    int direct = await_task(f.tasks[0], &again);
    int other = await_task(f.tasks[1], NULL); /* b's outcome goes to await_task instead */
    int late = gather_result(g, 1, &again);
    note("rc=%d first=%d:%s second=%d direct=%d other=%d late=%d %s", rc, first, (char *)r,
         second, direct, other, late, again ? "two owners" : "one owner");
    future_unref(g);
    release(&f);
    return NULL;
}

static void *different_loops(void *arg)
{
    struct future *elsewhere = arg;
    struct future *fs[2] = {future_new(loop_get_running()), elsewhere};
    errno = 0;
    struct future *g = gather(fs, 2, GATHER_FAIL_FAST);
    note("g=%s errno=%d", g ? "made" : "NULL", errno);
    future_unref(fs[0]);
    return NULL;
}

int main(void)
{
    char want[200];
    run_virtual(results_in_order, NULL);
    is_str(trace, "rc=0 at 0.300: slow fast middle",
           "results come in the children's order, not the order they finished (at 0.3 s)");
    run_virtual(plain_futures, NULL);
    is_str(trace, "rc=0 order=111 at 0.300 alive=111",
           "plain futures ended by timers gather the same way, and live as long as the gather");
    run_virtual(gather_nothing, NULL);
    is_str(trace, "done=1 rc=0", "gathering nothing is done at once, with a result");

    run_virtual(first_error, NULL);
    is_str(trace, "rc=-5 (disk failed) at 0.100; later: slow done, lookup done",
           "fail-fast: the first error (code and message) ends the gather at once, at 0.1 s; "
           "the others keep running to their end");
    is_long(never_retrieved, 0,
            "and the later error of 'lookup' is not reported as never retrieved");

    run_virtual(return_exceptions, NULL);
    is_str(trace, "rc=0 at 0.500: [NULL -5 disk failed] [slow 0 -] [NULL -2 lookup failed]",
           "return_exceptions: waits for every child (0.5 s), each outcome in order");
    is_long(never_retrieved, 0, "and the errors handed over count as retrieved");

    enum gather_mode mode = GATHER_FAIL_FAST;
    run_virtual(child_cancelled, &mode);
    is_str(trace,
           "cancel=1; rc=-125 at 0.200, gather error (child 0 ('victim') was cancelled); "
           "bystander finished",
           "fail-fast: a cancelled child is an error (-ECANCELED, naming it), not a cancelled "
           "gather; the others run on");
    mode = GATHER_RETURN_EXCEPTIONS;
    run_virtual(child_cancelled, &mode);
    is_str(trace, "cancel=1; rc=0 at 0.500, gather result, victim's entry -125; bystander finished",
           "return_exceptions: a cancelled child's entry is -ECANCELED");

    for (int m = 0; m < 2; m++) {
        mode = m ? GATHER_RETURN_EXCEPTIONS : GATHER_FAIL_FAST;
        run_virtual(cancel_the_gather, &mode);
        is_str(trace, "cancel=1; rc=-125 at 1.000 gather-cancelled=1 children: cancelled cancelled",
               "%s: cancelling the gather cancels every child, and the gather ends cancelled",
               m ? "return_exceptions" : "fail-fast");
    }

    run_virtual(cancel_the_awaiter, NULL);
    is_str(trace,
           "awaiter rc=-125 at 0.500; awaited=-125 children: cancelled cancelled (sleeps "
           "returned -125 -125)",
           "cancelling the task that awaits a gather cancels the gather's children");

    run_virtual(cancel_refused, NULL);
    is_str(trace, "cancel=0 rc=0 xy", "a gather whose children are all done refuses the cancel");

    run_virtual(one_owner, NULL);
    snprintf(want, sizeof want,
             "rc=0 first=0:a second=%d direct=%d other=0 late=%d one owner", -EALREADY,
             -EALREADY, -EALREADY);
    is_str(trace, want,
           "one owner: gather_result takes a child's result; a second read, through the gather "
           "or the task, gets -EALREADY");

    struct loop *other = loop_new();
    struct future *elsewhere = future_new(other);
    run_virtual(different_loops, elsewhere);
    is_str(trace, "g=NULL errno=18", "children of two loops: NULL, errno EXDEV");
    future_unref(elsewhere);
    loop_close(other);

    errno = 0;
    ok(gather(NULL, 0, GATHER_FAIL_FAST) == NULL && errno == ESRCH,
       "gathering nothing outside a running loop: NULL, errno ESRCH");
    return done_testing();
}
