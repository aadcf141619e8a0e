/*
 * Unit tests of common/task_group: every law of task_group.h, on the loop's virtual clock
 * (each "at 0.100" below is exact) and on both loop backends. The scenarios mirror
 * CPython's test_taskgroups.py: test_taskgroup_01/03/04/08/09/10/15/16,
 * test_cancel_children_on_child_error, test_cancellation, test_cancelling_level_preserved,
 * test_error_and_cancel, test_nested_groups_both_cancelled, test_taskgroup_finished,
 * test_taskgroup_no_create_task_after_failure, test_taskgroup_without_parent_task.
 */
#include "event.h"
#include "future.h"
#include "loop.h"
#include "runtime_test.h"
#include "tap.h"
#include "task.h"
#include "task_group.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static unsigned cancelling(void)
{
    return task_cancelling(current_task());
}

/*
 * A child: sleeps, then returns its name or fails. Cancelled, it cleans up for `cleanup`
 * seconds, then ends cancelled, or fails if `cleanup_fails_with` says so.
 */
struct child {
    const char *name;
    double seconds;
    int fails_with;
    double cleanup;
    int cleanup_fails_with;
    int sleep_rc; /* what its sleep returned */
};

static void *child_body(void *arg)
{
    struct child *c = arg;
    c->sleep_rc = async_sleep(c->seconds);
    if (c->sleep_rc == -ECANCELED) {
        if (c->cleanup > 0)
            async_sleep(c->cleanup);
        if (c->cleanup_fails_with)
            return task_raise(c->cleanup_fails_with, "%s: cleanup failed", c->name);
        return task_raise(-ECANCELED, NULL);
    }
    if (c->fails_with)
        return task_raise(c->fails_with, "%s failed", c->name);
    return (void *)c->name;
}

static void start(struct task_group *g, struct child *c, size_t n, struct task **t)
{
    for (size_t i = 0; i < n; i++)
        t[i] = task_group_create_task(g, c[i].name, child_body, &c[i]);
}

static void note_errors(const struct task_group *g)
{
    note(" errors=");
    for (size_t i = 0; i < task_group_error_count(g); i++) {
        const struct task_group_error *e = task_group_error(g, i);
        note("[%s %d %s]", e->task_name, e->code, e->message);
    }
}

/* "r" a result, "e" an error, "c" cancelled, "p" still pending */
static void note_states(struct task **t, size_t n)
{
    note(" states=");
    for (size_t i = 0; i < n; i++)
        note("%c", "prec"[future_state(task_future(t[i]))]);
}

/* ---- the children all succeed: the exit waits for the last (test_taskgroup_01) ---- */

static void *all_succeed(void *arg)
{
    (void)arg;
    struct child c[2] = {{"slow", 0.3, 0, 0, 0, 0}, {"fast", 0.1, 0, 0, 0, 0}};
    struct task *t[2];
    struct task_group *g = task_group();
    start(g, c, 2, t);
    int rc = task_group_exit(g, 0);
    note("exit=%d at %.3f results=", rc, now());
    for (size_t i = 0; i < 2; i++) {
        void *r = NULL;
        future_result(task_future(t[i]), &r);
        note("%s ", (char *)r);
    }
    note_errors(g);
    task_group_free(g);
    return NULL;
}

/* ---- a child fails: siblings and body cancelled, once (test_taskgroup_04) ---- */

static void *child_fails(void *arg)
{
    (void)arg;
    struct child c[3] = {{"a", 0.1, -EIO, 0, 0, 0},
                         {"b", 0.1, -ENOENT, 0, 0, 0},
                         {"c", 10, 0, 0, 0, 0}};
    struct task *t[3];
    struct task_group *g = task_group();
    start(g, c, 3, t);
    int body = async_sleep(10);
    note("body=%d at %.3f cancelling=%u;", body, now(), cancelling());
    int rc = task_group_exit(g, body);
    note(" exit=%d at %.3f", rc, now());
    note_errors(g);
    note_states(t, 3);
    task_group_free(g);
    note(" cancelling=%u next-sleep=%d", cancelling(), async_sleep(0.1));
    return NULL;
}

/* ---- a child cancelled by hand is no error (test_taskgroup_03) ---- */

static void *one_child_cancelled(void *arg)
{
    (void)arg;
    struct child c[2] = {{"victim", 10, 0, 0, 0, 0}, {"other", 0.3, 0, 0, 0, 0}};
    struct task *t[2];
    struct task_group *g = task_group();
    start(g, c, 2, t);
    int body = async_sleep(0.1);
    task_cancel(t[0]);
    int rc = task_group_exit(g, body);
    note("exit=%d at %.3f", rc, now());
    note_errors(g);
    note_states(t, 2);
    task_group_free(g);
    return NULL;
}

/* ---- every error kept, in order, then the body's (test_taskgroup_09, _10) ---- */

static void *body_fails(void *arg)
{
    (void)arg;
    struct child c[2] = {{"untidy", 10, 0, 0.05, -EPIPE, 0}, {"tidy", 10, 0, 0, 0, 0}};
    struct task *t[2];
    struct task_group *g = task_group();
    start(g, c, 2, t);
    async_sleep(0.1);
    int rc = task_group_exit(g, -EINVAL); /* the body failed: the children are aborted */
    note("exit=%d at %.3f", rc, now());
    note_errors(g);
    note_states(t, 2);
    task_group_free(g);
    return NULL;
}

/* ---- the parent's cancel count is back to its entry value ---- */

static void *level_preserved(void *arg)
{
    (void)arg;
    struct child c = {"raises", 0, -EIO, 0, 0, 0};
    struct task *t;
    note("before=%u", cancelling());
    struct task_group *g = task_group();
    start(g, &c, 1, &t);
    int rc = task_group_exit(g, 0);
    note(" exit=%d after=%u", rc, cancelling());
    task_group_free(g);
    return NULL;
}

/*
 * ---- errors and a cancel from outside: both reported (test_error_and_cancel) ----
 * Two orders. CPython's test: the child sets an event, takes a turn, fails; the outer
 * task, woken by the event, cancels the parent first, so the body sees one cancel and
 * the exit aborts the group. The other: the child fails first, the group cancels the
 * parent, then the outer task's cancel comes: the body sees two.
 */
static struct event *child_started; /* NULL: the child fails at 0.1 instead */

static void *raise_error(void *arg)
{
    (void)arg;
    if (child_started) {
        event_set(child_started);
        async_sleep(0);
    } else {
        async_sleep(0.1);
    }
    return task_raise(-EIO, "raise_error failed");
}

static void *error_and_cancel_inner(void *arg)
{
    (void)arg;
    struct task_group *g = task_group();
    task_group_create_task(g, "raise_error", raise_error, NULL);
    int body = async_sleep(1);
    note(" body=%d cancelling=%u;", body, cancelling());
    int rc = task_group_exit(g, body);
    note(" exit=%d", rc);
    note_errors(g);
    note(" cancelling=%u;", cancelling());
    task_group_free(g);
    int after = async_sleep(1);
    note(" sleep-after=%d;", after);
    return after ? task_raise(after, "the sleep after the group") : NULL;
}

static void *error_and_cancel(void *arg)
{
    bool cpython_order = *(bool *)arg;
    child_started = cpython_order ? event_new() : NULL;
    struct task *inner = create_task("inner", error_and_cancel_inner, NULL);
    if (cpython_order) {
        event_wait(child_started);
    } else {
        async_sleep(0);   /* inner starts its group and its child... */
        async_sleep(0);   /* ...and the child sets its timer before this task sets its own, */
        async_sleep(0.1); /* so at 0.1 the child fails first, then this cancel arrives */
    }
    note("cancel=%d", task_cancel(inner));
    note(" count=%u;", task_cancelling(inner));
    int rc = await_task(inner, NULL);
    note(" awaited=%d inner-cancelled=%d", rc, task_cancelled(inner));
    task_release(inner);
    event_free(child_started);
    return NULL;
}

/* ---- nested groups, both cancelling the parent (test_nested_groups_both_cancelled) ---- */

static void *nested_both_cancelled(void *arg)
{
    (void)arg;
    struct child ci = {"RuntimeError", 0, -EIO, 0, 0, 0};
    struct child co = {"ValueError", 0, -EINVAL, 0, 0, 0};
    struct task *ti, *to;
    struct task_group *outer = task_group();
    struct task_group *inner = task_group();
    start(inner, &ci, 1, &ti);
    start(outer, &co, 1, &to);
    int rc = task_group_exit(inner, 0);
    note("inner=%d", rc);
    note_errors(inner);
    note(" cancelling=%u;", cancelling());
    task_group_free(inner);
    rc = task_group_exit(outer, 0);
    note(" outer=%d", rc);
    note_errors(outer);
    note(" cancelling=%u", cancelling());
    task_group_free(outer);
    note(" next-sleep=%d", async_sleep(0.1));
    return NULL;
}

/* ---- a cancel from outside stays a cancel (test_cancellation) ---- */

struct outside {
    int when_cancelled; /* 0: the body is sleeping; 1: the body is done, the exit waits */
    struct child c[5];
};

static void *cancelled_parent(void *arg)
{
    struct outside *s = arg;
    struct task *t[5];
    struct task_group *g = task_group();
    start(g, s->c, 5, t);
    int body = s->when_cancelled == 0 ? async_sleep(10) : 0;
    int rc = task_group_exit(g, body);
    note("exit=%d at %.3f cancelling=%u", rc, now(), cancelling());
    note_states(t, 5);
    task_group_free(g);
    return rc ? task_raise(rc, "the group") : NULL;
}

static void *cancel_from_outside(void *arg)
{
    struct outside *s = arg;
    for (int i = 0; i < 5; i++)
        s->c[i] = (struct child){"child", 10, 0, 0.5 * s->when_cancelled, 0, 0};
    struct task *parent = create_task("parent", cancelled_parent, s);
    async_sleep(0.1);
    task_cancel(parent);
    if (s->when_cancelled == 1) {
        async_sleep(0.1);
        task_cancel(parent); /* a second cancel while the exit waits is absorbed too */
    }
    int rc = await_task(parent, NULL);
    note("; awaited=%d at %.3f", rc, now());
    task_release(parent);
    return NULL;
}

/* ---- a child fails while the exit waits: the parent's cancel is taken back ---- */

static void *fails_during_exit(void *arg)
{
    (void)arg;
    struct child c[2] = {{"late", 0.2, -EIO, 0, 0, 0}, {"long", 10, 0, 0, 0, 0}};
    struct task *t[2];
    struct task_group *g = task_group();
    start(g, c, 2, t);
    int rc = task_group_exit(g, 0);
    note("exit=%d at %.3f", rc, now());
    note_errors(g);
    note_states(t, 2);
    note(" cancelling=%u next-sleep=%d", cancelling(), async_sleep(0.1));
    task_group_free(g);
    return NULL;
}

/* ---- when a child may be added, and when it is refused ---- */

static struct task_group *shared_group;
static bool refused_ran;

static void *must_not_run(void *arg)
{
    (void)arg;
    refused_ran = true;
    return NULL;
}

static void *spawner(void *arg)
{
    (void)arg;
    async_sleep(0.1);
    static struct child late = {"late", 0.1, 0, 0, 0, 0};
    struct task *t = task_group_create_task(shared_group, late.name, child_body, &late);
    note("spawned=%s at %.3f;", t ? "yes" : "no", now());
    note(" child-exit=%d;", task_group_exit(shared_group, 0));
    return NULL;
}

static void *other_thread_main(void *arg)
{
    (void)arg;
    errno = 0;
    struct task *t = task_group_create_task(shared_group, "stray", must_not_run, NULL);
    return t ? NULL : (void *)(long)errno;
}

static void *from_other_thread(void *arg)
{
    (void)arg;
    void *result = NULL;
    async_run(other_thread_main, NULL, &result);
    return result;
}

static void *refusals(void *arg)
{
    (void)arg;
    refused_ran = false;
    /* While it exits with children left, a child may add a child. */
    struct task_group *g = shared_group = task_group();
    task_group_create_task(g, "spawner", spawner, NULL);
    pthread_t thread;
    pthread_create(&thread, NULL, from_other_thread, NULL);
    void *thread_errno;
    pthread_join(thread, &thread_errno);
    note("other-thread=%ld; ", (long)thread_errno);
    int rc = task_group_exit(g, 0);
    note(" exit=%d at %.3f again=%d;", rc, now(), task_group_exit(g, 0));
    errno = 0;
    struct task *t = task_group_create_task(g, "too-late", must_not_run, NULL);
    note(" finished=%s:%s", t ? "made" : "NULL", errno == EPIPE ? "EPIPE" : "?");
    task_group_free(g);

    /* Once a child has failed, the group is shutting down. */
    struct child c = {"fails", 0.1, -EIO, 0, 0, 0};
    g = task_group();
    start(g, &c, 1, &t);
    int body = async_sleep(10);
    errno = 0;
    t = task_group_create_task(g, "too-late", must_not_run, NULL);
    note(" aborting=%s:%s", t ? "made" : "NULL", errno == ESHUTDOWN ? "ESHUTDOWN" : "?");
    task_group_exit(g, body);
    task_group_free(g);
    async_sleep(1);
    note(" refused-ran=%d", refused_ran);
    return NULL;
}

static void *frees_too_early(void *arg)
{
    (void)arg;
    task_group_free(task_group());
    return NULL;
}

static void free_before_exit(void *arg)
{
    (void)arg;
    async_run(frees_too_early, NULL, NULL);
}

static void run_laws(void)
{
    char want[400];

    run_virtual(all_succeed, NULL);
    is_str(trace, "exit=0 at 0.300 results=slow fast  errors=",
           "%s: task_group_exit waits for every child (0.3 s); no errors; results readable",
           backend);

    run_virtual(child_fails, NULL);
    snprintf(want, sizeof want,
             "body=%d at 0.100 cancelling=1; exit=%d at 0.100 errors=[a %d a failed][b %d b "
             "failed] states=eec cancelling=0 next-sleep=0",
             -ECANCELED, TASK_GROUP_FAILED, -EIO, -ENOENT);
    is_str(trace, want,
           "%s: the first failure cancels the sibling and the body, once (cancelling 1); every "
           "error is kept in order; the group's cancel is taken back",
           backend);
    is_long(never_retrieved, 0, "%s: the group reads its children's errors", backend);

    run_virtual(one_child_cancelled, NULL);
    is_str(trace, "exit=0 at 0.300 errors= states=cr",
           "%s: a child cancelled by hand is no error: the others run to their end", backend);

    run_virtual(body_fails, NULL);
    snprintf(want, sizeof want,
             "exit=%d at 0.150 errors=[untidy %d untidy: cleanup failed][main %d %s] states=ec",
             TASK_GROUP_FAILED, -EPIPE, -EINVAL, strerror(EINVAL));
    is_str(trace, want,
           "%s: a failed body aborts the children; its error comes after theirs", backend);

    run_virtual(level_preserved, NULL);
    snprintf(want, sizeof want, "before=0 exit=%d after=0", TASK_GROUP_FAILED);
    is_str(trace, want, "%s: the parent's cancelling() is back to its entry value "
                        "(test_cancelling_level_preserved)",
           backend);

    for (int order = 0; order < 2; order++) {
        bool cpython_order = order == 0;
        run_virtual(error_and_cancel, &cpython_order);
        snprintf(want, sizeof want,
                 "cancel=0 count=1; body=%d cancelling=%d; exit=%d errors=[raise_error %d "
                 "raise_error failed] cancelling=1; sleep-after=%d; awaited=%d "
                 "inner-cancelled=1",
                 -ECANCELED, cpython_order ? 1 : 2, TASK_GROUP_FAILED, -EIO, -ECANCELED,
                 -ECANCELED);
        is_str(trace, want,
               "%s: errors and a cancel from outside (%s): the errors are reported, and the "
               "parent's next suspension gets the cancel (test_error_and_cancel, gh-116720)",
               backend,
               cpython_order ? "cancel first, as CPython's test" : "child error first");
    }

    run_virtual(nested_both_cancelled, NULL);
    snprintf(want, sizeof want,
             "inner=%d errors=[RuntimeError %d RuntimeError failed] cancelling=1; outer=%d "
             "errors=[ValueError %d ValueError failed] cancelling=0 next-sleep=0",
             TASK_GROUP_FAILED, -EIO, TASK_GROUP_FAILED, -EINVAL);
    is_str(trace, want,
           "%s: nested groups both cancelling the parent: cancelling 1 between the exits, 0 "
           "after (test_nested_groups_both_cancelled)",
           backend);

    struct outside in_body = {0, {{0}}};
    run_virtual(cancel_from_outside, &in_body);
    snprintf(want, sizeof want, "exit=%d at 0.100 cancelling=1 states=ccccc; awaited=%d at 0.100",
             -ECANCELED, -ECANCELED);
    is_str(trace, want,
           "%s: a cancel from outside cancels the children and stays a cancel (test_cancellation)",
           backend);

    struct outside in_exit = {1, {{0}}};
    run_virtual(cancel_from_outside, &in_exit);
    snprintf(want, sizeof want, "exit=%d at 0.600 cancelling=2 states=ccccc; awaited=%d at 0.600",
             -ECANCELED, -ECANCELED);
    is_str(trace, want,
           "%s: cancels arriving while the exit waits (twice) are absorbed until every child has "
           "cleaned up (0.1 + 0.5 s)",
           backend);

    run_virtual(fails_during_exit, NULL);
    snprintf(want, sizeof want,
             "exit=%d at 0.200 errors=[late %d late failed] states=ec cancelling=0 next-sleep=0",
             TASK_GROUP_FAILED, -EIO);
    is_str(trace, want,
           "%s: a child failing while the exit waits: the group's own cancel leaves no trace",
           backend);

    run_virtual(refusals, NULL);
    snprintf(want, sizeof want,
             "other-thread=%d; spawned=yes at 0.100; child-exit=%d; exit=0 at 0.200 again=%d; "
             "finished=NULL:EPIPE aborting=NULL:ESHUTDOWN refused-ran=0",
             EXDEV, -EPERM, -EALREADY);
    is_str(trace, want,
           "%s: a child adds a child while the exit waits; refused: another thread (EXDEV), "
           "a finished group (EPIPE), an aborting one (ESHUTDOWN), and a refused child never "
           "runs; only the parent exits, once",
           backend);
}

int main(void)
{
    errno = 0;
    ok(task_group() == NULL && errno == EPERM, "task_group outside a task: NULL, errno EPERM");
    on_each_backend(run_laws);

    char out[512];
    int status = run_in_child(free_before_exit, NULL, out, sizeof out);
    ok(WIFEXITED(status) && WEXITSTATUS(status) != 0 && strstr(out, "task_group_exit"),
       "task_group_free before task_group_exit dies, saying why");
    return done_testing();
}
