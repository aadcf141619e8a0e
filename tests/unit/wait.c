/*
 * Unit tests of common/wait: every law of wait.h (asyncio.wait and as_completed), on the
 * loop's virtual clock, so each "at 0.300" below is exact, and on both loop backends.
 * The scenarios mirror CPython's test_wait_first_completed, test_wait_first_exception,
 * test_wait_really_done, test_wait_with_timeout, test_wait_errors,
 * test_wait_duplicate_coroutines, test_yield_wait_does_not_shield_cancel and
 * test_as_completed*.
 */
#include "future.h"
#include "loop.h"
#include "children_test.h"
#include "tap.h"
#include "task.h"
#include "wait.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note_done(const bool *done, size_t n)
{
    note(" done=");
    for (size_t i = 0; i < n; i++)
        note("%d", done[i]);
}

/* "r" for a result, "e" an error, "c" cancelled, "p" still pending */
static void note_states(struct family *f)
{
    note(" states=");
    for (size_t i = 0; i < f->n; i++)
        note("%c", "rec"[future_state(f->futures[i]) - 1]);
}

/* ---- the three conditions ---- */

struct scenario {
    enum wait_when when;
    struct child children[MAX_CHILDREN];
    size_t n;
    double timeout;
    double cancel_child_at; /* > 0: a canceller cancels child 0 then */
};

static struct future *to_cancel;

static void *canceller(void *arg)
{
    async_sleep(*(double *)arg);
    future_cancel(to_cancel);
    return NULL;
}

static void *wait_scenario(void *arg)
{
    struct scenario *s = arg;
    struct family f;
    start(&f, s->children, s->n);
    struct task *k = NULL;
    if (s->cancel_child_at > 0) {
        to_cancel = f.futures[0];
        k = create_task("canceller", canceller, &s->cancel_child_at);
    }
    int rc = async_wait(f.futures, f.n, s->when, s->timeout, f.done);
    note("rc=%d at %.3f", rc, now());
    note_done(f.done, f.n);
    async_sleep(10); /* what was pending runs on to its end: nothing was cancelled */
    note_states(&f);
    task_release(k);
    retrieve_and_release(&f);
    return NULL;
}

static void test_conditions(void)
{
    struct scenario first = {WAIT_FIRST_COMPLETED,
                             {{"slow", 0.3, 0, 0}, {"fast", 0.1, 0, 0}, {"middle", 0.2, 0, 0}},
                             3,
                             INFINITY,
                             0};
    run_virtual(wait_scenario, &first);
    is_str(trace, "rc=0 at 0.100 done=010 states=rrr",
           "%s: FIRST_COMPLETED returns when the first one is done (0.1 s); the others run on",
           backend);

    struct scenario cancelled_first = first;
    cancelled_first.children[1].seconds = 0.5;
    cancelled_first.cancel_child_at = 0.05;
    run_virtual(wait_scenario, &cancelled_first);
    is_str(trace, "rc=0 at 0.050 done=100 states=crr",
           "%s: FIRST_COMPLETED: a cancelled future counts as completed", backend);

    struct scenario error = {WAIT_FIRST_EXCEPTION,
                             {{"ok", 0.1, 0, 0}, {"fails", 0.2, -EIO, 0}, {"slow", 0.5, 0, 0}},
                             3,
                             INFINITY,
                             0};
    run_virtual(wait_scenario, &error);
    is_str(trace, "rc=0 at 0.200 done=110 states=rer",
           "%s: FIRST_EXCEPTION returns at the first error (0.2 s), not at the first result",
           backend);

    struct scenario cancelled = {WAIT_FIRST_EXCEPTION,
                                 {{"victim", 10, 0, 0}, {"ok", 0.3, 0, 0}},
                                 2,
                                 INFINITY,
                                 0.1};
    run_virtual(wait_scenario, &cancelled);
    is_str(trace, "rc=0 at 0.300 done=11 states=cr",
           "%s: FIRST_EXCEPTION: a cancelled future is no error; with none it waits for all",
           backend);

    struct scenario all = {WAIT_ALL_COMPLETED,
                           {{"slow", 0.3, 0, 0}, {"fails", 0.1, -EIO, 0}, {"middle", 0.2, 0, 0}},
                           3,
                           INFINITY,
                           0};
    run_virtual(wait_scenario, &all);
    is_str(trace, "rc=0 at 0.300 done=111 states=rer",
           "%s: ALL_COMPLETED returns when every one is done, errors or not", backend);

    struct scenario timeout = all;
    timeout.timeout = 0.15;
    run_virtual(wait_scenario, &timeout);
    is_str(trace, "rc=0 at 0.150 done=010 states=rer",
           "%s: on timeout it returns 0 (no -ETIMEDOUT) at 0.15 s; the pending run on, "
           "not cancelled",
           backend);
}

/* ---- done[] is read from the futures when the wait returns (test_wait_really_done) ---- */

static void *turns(void *arg)
{
    for (int i = 0; i < *(int *)arg; i++)
        async_sleep(0);
    return NULL;
}

static void *really_done(void *arg)
{
    (void)arg;
    static int one = 1, two = 2;
    struct task *a = create_task("a", turns, &one), *b = create_task("b", turns, &two);
    struct future *fs[2] = {task_future(b), task_future(a)};
    bool done[2];
    int rc = async_wait(fs, 2, WAIT_FIRST_COMPLETED, INFINITY, done);
    note("rc=%d", rc);
    note_done(done, 2);
    task_release(a);
    task_release(b);
    return NULL;
}

/* ---- futures already done come back a loop turn later ---- */

static void *other_turn(void *arg)
{
    (void)arg;
    note("other-ran ");
    return NULL;
}

static void *already_done(void *arg)
{
    (void)arg;
    struct future *f = future_new(loop_get_running());
    future_set_result(f, NULL);
    struct task *other = create_task("other", other_turn, NULL);
    bool done;
    int rc = async_wait(&f, 1, WAIT_ALL_COMPLETED, INFINITY, &done);
    note("wait-returned rc=%d done=%d", rc, done);
    future_unref(f);
    task_release(other);
    return NULL;
}

/* ---- the waiting task cancelled: the futures untouched ---- */

static void *waiter_body(void *arg)
{
    struct family *f = arg;
    int rc = async_wait(f->futures, f->n, WAIT_ALL_COMPLETED, INFINITY, f->done);
    note("wait rc=%d at %.3f;", rc, now());
    return task_raise(rc, "waiting");
}

static void *cancel_the_waiter(void *arg)
{
    (void)arg;
    struct child c[2] = {{"a", 0.5, 0, 0}, {"b", 0.7, 0, 0}};
    struct family f;
    start(&f, c, 2);
    struct task *w = create_task("waiter", waiter_body, &f);
    async_sleep(0.2);
    task_cancel(w);
    int rc = await_task(w, NULL);
    note(" awaited=%d", rc);
    note_done(f.done, 2);
    async_sleep(1);
    note_states(&f);
    note(" sleeps=%d,%d", c[0].sleep_rc, c[1].sleep_rc);
    task_release(w);
    retrieve_and_release(&f);
    return NULL;
}

/* ---- duplicates are waited for once ---- */

static void *duplicates(void *arg)
{
    (void)arg;
    struct child c[2] = {{"fast", 0.1, 0, 0}, {"slow", 0.3, 0, 0}};
    struct family f;
    start(&f, c, 2);
    struct future *fs[3] = {f.futures[0], f.futures[0], f.futures[1]};
    bool done[3];
    int rc = async_wait(fs, 3, WAIT_ALL_COMPLETED, 10, done);
    note("rc=%d at %.3f", rc, now());
    note_done(done, 3);
    rc = async_wait(fs, 3, WAIT_FIRST_COMPLETED, 10, NULL);
    note(" again rc=%d at %.3f", rc, now());
    retrieve_and_release(&f);
    return NULL;
}

/* ---- wait reads no outcome: an error nobody reads is still reported ---- */

static void *unread_error(void *arg)
{
    (void)arg;
    struct child c[2] = {{"fails", 0.1, -EIO, 0}, {"slow", 0.3, 0, 0}};
    struct family f;
    start(&f, c, 2);
    async_wait(f.futures, 2, WAIT_FIRST_EXCEPTION, INFINITY, NULL);
    async_wait(f.futures, 2, WAIT_ALL_COMPLETED, INFINITY, NULL);
    for (size_t i = 0; i < 2; i++)
        task_release(f.tasks[i]); /* released unread */
    return NULL;
}

/* ---- refusals ---- */

static void *refusals(void *arg)
{
    struct future *elsewhere = arg;
    struct loop *loop = loop_get_running();
    struct future *f = future_new(loop);
    struct future *fs[2] = {f, NULL};
    struct future *self = task_future(current_task());
    note("empty=%d ", async_wait(&f, 0, WAIT_ALL_COMPLETED, INFINITY, NULL));
    note("null=%d ", async_wait(fs, 2, WAIT_ALL_COMPLETED, INFINITY, NULL));
    note("when=%d ", async_wait(&f, 1, (enum wait_when)7, INFINITY, NULL));
    note("nan=%d ", async_wait(&f, 1, WAIT_ALL_COMPLETED, NAN, NULL));
    note("other-loop=%d ", async_wait(&elsewhere, 1, WAIT_ALL_COMPLETED, INFINITY, NULL));
    note("self=%d ", async_wait(&self, 1, WAIT_ALL_COMPLETED, INFINITY, NULL));
    note("at %.3f", now());
    future_unref(f);
    return NULL;
}

static void test_wait_laws(void)
{
    test_conditions();

    run_virtual(really_done, NULL);
    is_str(trace, "rc=0 done=11",
           "%s: done[] is read from the futures: both done though FIRST_COMPLETED "
           "(test_wait_really_done)",
           backend);

    run_virtual(already_done, NULL);
    is_str(trace, "other-ran wait-returned rc=0 done=1",
           "%s: a future already done comes back through its callback, after a loop turn",
           backend);

    run_virtual(cancel_the_waiter, NULL);
    char want[160];
    snprintf(want, sizeof want, "wait rc=%d at 0.200; awaited=%d done=00 states=rr sleeps=0,0",
             -ECANCELED, -ECANCELED);
    is_str(trace, want,
           "%s: the waiting task cancelled gets -ECANCELED; the futures it waited for are not "
           "cancelled",
           backend);

    run_virtual(duplicates, NULL);
    is_str(trace, "rc=0 at 0.300 done=111 again rc=0 at 0.300",
           "%s: a future listed twice is waited for once; its entries agree", backend);

    run_virtual(unread_error, NULL);
    is_long(never_retrieved, 1,
            "%s: wait reads no outcome: an error left unread is reported as never retrieved",
            backend);

    struct loop *other = loop_new();
    struct future *elsewhere = future_new(other);
    run_virtual(refusals, elsewhere);
    snprintf(want, sizeof want,
             "empty=%d null=%d when=%d nan=%d other-loop=%d self=%d at 0.000", -EINVAL, -EINVAL,
             -EINVAL, -EINVAL, -EXDEV, -EDEADLK);
    is_str(trace, want,
           "%s: refused at once: an empty set, a NULL entry, an unknown condition, a NaN "
           "timeout (-EINVAL), another loop's future (-EXDEV), its own task (-EDEADLK)",
           backend);
    future_unref(elsewhere);
    loop_close(other);
}

/* ---- as_completed ---- */

struct iteration {
    struct child children[MAX_CHILDREN];
    size_t n;
    double timeout;
    double start_after; /* the iterating task sleeps this long before it asks */
};

static void *iterate(void *arg)
{
    struct iteration *s = arg;
    struct family f;
    start(&f, s->children, s->n);
    struct as_completed *it = as_completed(f.futures, f.n, s->timeout);
    async_sleep(s->start_after);
    struct future *next;
    size_t i;
    int rc;
    while ((rc = as_completed_next(it, &next, &i)) == 0)
        note("%s@%.3f%s ", task_name(f.tasks[i]), now(), next == f.futures[i] ? "" : "(copy)");
    note("end=%d at %.3f", rc, now());
    if (rc == -ETIMEDOUT)
        note(" again=%d", as_completed_next(it, &next, &i));
    as_completed_free(it);
    async_sleep(10);
    note_states(&f);
    retrieve_and_release(&f);
    return NULL;
}

/* Futures already done, one listed twice: handed out once each, in the caller's order. */
static void *iterate_done(void *arg)
{
    (void)arg;
    struct loop *loop = loop_get_running();
    struct future *a = future_new(loop), *b = future_new(loop);
    future_set_result(b, NULL);
    future_set_result(a, NULL);
    struct future *fs[3] = {b, a, b};
    struct as_completed *it = as_completed(fs, 3, INFINITY);
    struct future *next;
    size_t i;
    int rc;
    while ((rc = as_completed_next(it, &next, &i)) == 0)
        note("%zu%s ", i, next == fs[i] ? "" : "(copy)");
    note("end=%d", rc);
    as_completed_free(it);
    it = as_completed(NULL, 0, 1.0);
    note(" empty=%d at %.3f", as_completed_next(it, &next, NULL), now());
    as_completed_free(it);
    future_unref(a);
    future_unref(b);
    return NULL;
}

/* The iterating task is cancelled in as_completed_next: nothing is lost. */
static void *iterator_body(void *arg)
{
    struct as_completed *it = arg;
    struct future *next;
    int rc;
    while ((rc = as_completed_next(it, &next, NULL)) == 0 || rc == -ECANCELED)
        note("%s@%.3f ", rc ? "cancelled" : "got", now());
    note("end=%d", rc);
    return NULL;
}

static void *cancel_the_iterator(void *arg)
{
    (void)arg;
    struct child c[2] = {{"a", 0.5, 0, 0}, {"b", 0.7, 0, 0}};
    struct family f;
    start(&f, c, 2);
    struct as_completed *it = as_completed(f.futures, 2, INFINITY);
    struct task *t = create_task("iterator", iterator_body, it);
    async_sleep(0.2);
    struct future *next;
    int busy = as_completed_next(it, &next, NULL); /* while the iterator task waits in it */
    task_cancel(t);
    await_task(t, NULL);
    note(" busy=%d", busy);
    note_states(&f);
    as_completed_free(it);
    task_release(t);
    retrieve_and_release(&f);
    return NULL;
}

/* Freed before the end: the futures run on, and nothing is left behind (ASan, valgrind). */
static void *free_early(void *arg)
{
    (void)arg;
    struct child c[2] = {{"a", 0.1, 0, 0}, {"b", 0.3, 0, 0}};
    struct family f;
    start(&f, c, 2);
    struct as_completed *it = as_completed(f.futures, 2, 1.0);
    struct future *next;
    int rc = as_completed_next(it, &next, NULL);
    note("first=%d at %.3f", rc, now());
    as_completed_free(it);
    async_sleep(1);
    note_states(&f);
    retrieve_and_release(&f);
    return NULL;
}

static void *iterator_refusals(void *arg)
{
    struct future *elsewhere = arg;
    struct future *f = future_new(loop_get_running());
    struct future *fs[2] = {f, NULL};
    struct {
        const char *what;
        struct future **fs;
        size_t n;
        double timeout;
    } refused[3] = {{"other-loop", &elsewhere, 1, INFINITY}, {"null", fs, 2, INFINITY},
                    {"nan", &f, 1, NAN}};
    for (int i = 0; i < 3; i++) {
        errno = 0;
        struct as_completed *it = as_completed(refused[i].fs, refused[i].n, refused[i].timeout);
        note("%s=%s:%d ", refused[i].what, it ? "made" : "NULL", errno);
        as_completed_free(it);
    }
    future_unref(f);
    return NULL;
}

static void test_as_completed_laws(void)
{
    struct iteration order = {{{"slow", 0.3, 0, 0}, {"fast", 0.1, -EIO, 0}, {"middle", 0.2, 0, 0}},
                              3,
                              INFINITY,
                              0};
    run_virtual(iterate, &order);
    char want[200];
    snprintf(want, sizeof want, "fast@0.100 middle@0.200 slow@0.300 end=%d at 0.300 states=rer",
             -ENODATA);
    is_str(trace, want,
           "%s: as_completed hands out the futures themselves in the order they finish, then "
           "-ENODATA",
           backend);

    struct iteration timeout = order;
    timeout.timeout = 0.25;
    run_virtual(iterate, &timeout);
    snprintf(want, sizeof want,
             "fast@0.100 middle@0.200 end=%d at 0.250 again=%d states=rer", -ETIMEDOUT,
             -ETIMEDOUT);
    is_str(trace, want,
           "%s: its timeout ends the iteration with -ETIMEDOUT (and again after), the task "
           "left is not cancelled",
           backend);

    struct iteration late = timeout;
    late.start_after = 0.5;
    run_virtual(iterate, &late);
    snprintf(want, sizeof want, "fast@0.500 middle@0.500 end=%d at 0.500 again=%d states=rer",
             -ETIMEDOUT, -ETIMEDOUT);
    is_str(trace, want,
           "%s: asked only after the deadline, it still hands out first the futures that "
           "finished before it, then -ETIMEDOUT",
           backend);

    run_virtual(iterate_done, NULL);
    snprintf(want, sizeof want, "0 1 end=%d empty=%d at 0.000", -ENODATA, -ENODATA);
    is_str(trace, want,
           "%s: futures already done come in the caller's order, a duplicate once; an empty "
           "set ends at once",
           backend);

    run_virtual(cancel_the_iterator, NULL);
    snprintf(want, sizeof want, "cancelled@0.200 got@0.500 got@0.700 end=%d busy=%d states=rr",
             -ENODATA, -EBUSY);
    is_str(trace, want,
           "%s: a task cancelled in as_completed_next gets -ECANCELED and loses nothing; the "
           "futures are not cancelled; a second task waiting on it is refused (-EBUSY)",
           backend);

    run_virtual(free_early, NULL);
    is_str(trace, "first=0 at 0.100 states=rr",
           "%s: an iteration freed early leaves its futures running", backend);

    struct loop *other = loop_new();
    struct future *elsewhere = future_new(other);
    run_virtual(iterator_refusals, elsewhere);
    is_str(trace, "other-loop=NULL:18 null=NULL:22 nan=NULL:22 ",
           "%s: as_completed refuses another loop's future (EXDEV), a NULL entry and a NaN "
           "timeout (EINVAL)",
           backend);
    future_unref(elsewhere);
    loop_close(other);
}

static void run_laws(void)
{
    test_wait_laws();
    test_as_completed_laws();
}

int main(void)
{
    bool done;
    struct future *none = NULL;
    is_long(async_wait(&none, 1, WAIT_ALL_COMPLETED, INFINITY, &done), -EPERM,
            "async_wait outside a task: -EPERM");
    errno = 0;
    ok(as_completed(NULL, 0, INFINITY) == NULL && errno == ESRCH,
       "as_completed with no running loop: NULL, errno ESRCH");
    on_each_backend(run_laws);
    return done_testing();
}
