/*
 * Unit tests of common/queue: every law of queue.h, after CPython's test_queues.py, on
 * the virtual clock and on each loop backend.
 */
#include "queue.h"
#include "timeout.h"
#include "runtime_test.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A task that gets one item and notes it: "g1=a@0.000 ". */
static void *getter(void *arg)
{
    void *item = NULL;
    int rc = queue_get(arg, &item);
    if (rc)
        note("%s:%d@%.3f ", task_name(current_task()), rc, now());
    else
        note("%s=%s@%.3f ", task_name(current_task()), (char *)item, now());
    return rc == -ECANCELED ? task_raise(rc, NULL) : item; /* the rest is in the trace */
}

struct put_job {
    struct queue *q;
    const char *item;
};

static void *putter(void *arg)
{
    struct put_job *p = arg;
    int rc = queue_put(p->q, (void *)p->item);
    note("%s:%d@%.3f ", task_name(current_task()), rc, now());
    return rc == -ECANCELED ? task_raise(rc, NULL) : NULL;
}

/* The tasks should all have finished: a test fails, and the run goes on, if one waits. */
static void release_all(struct task **t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!task_done(t[i])) {
            note("%s still waiting! ", task_name(t[i]));
            task_cancel(t[i]);
            async_sleep(0);
        }
        task_release(t[i]);
    }
}

/* ---- no waiting: order, size, the no-wait forms ---- */

static void *order_and_size(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(2);
    void *item;
    note("empty=%d get=%d ", queue_empty(q), queue_get_nowait(q, &item));
    queue_put_nowait(q, "a");
    queue_put_nowait(q, "b");
    note("full=%d size=%zu put=%d ", queue_full(q), queue_size(q), queue_put_nowait(q, "c"));
    for (int i = 0; i < 2; i++) {
        queue_get_nowait(q, &item);
        note("%s", (char *)item);
    }
    queue_free(q);

    struct queue *unbounded = queue_new(0);
    int rc = 0;
    for (intptr_t i = 0; i < 1000 && rc == 0; i++)
        rc = queue_put_nowait(unbounded, (void *)i);
    note(" unbounded: rc=%d full=%d size=%zu", rc, queue_full(unbounded), queue_size(unbounded));
    queue_free(unbounded);
    return NULL;
}

/* ---- waiting: put waits while full, get while empty, first come first served ---- */

static void *getters_in_line(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(0);
    struct task *g[3] = {create_task("g1", getter, q), create_task("g2", getter, q),
                         create_task("g3", getter, q)};
    async_sleep(0.1);
    queue_put_nowait(q, "a");
    queue_put_nowait(q, "b");
    async_sleep(0.1);
    queue_put_nowait(q, "c");
    async_sleep(0.1);
    release_all(g, 3);
    queue_free(q);
    return NULL;
}

static void *putters_in_line(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(1);
    struct put_job jobs[3] = {{q, "a"}, {q, "b"}, {q, "c"}};
    struct task *p[3] = {create_task("p1", putter, &jobs[0]), create_task("p2", putter, &jobs[1]),
                         create_task("p3", putter, &jobs[2])};
    for (int i = 0; i < 3; i++) {
        async_sleep(0.1);
        void *item;
        queue_get_nowait(q, &item);
        note("got %s@%.3f ", (char *)item, now());
    }
    async_sleep(0.1);
    release_all(p, 3);
    queue_free(q);
    return NULL;
}

/* ---- cancelled waiters: asyncio's test_get_cancelled_race, test_put_cancelled_race ---- */

static void *get_cancelled_before_woken(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(0);
    struct task *g[2] = {create_task("g1", getter, q), create_task("g2", getter, q)};
    async_sleep(0);
    task_cancel(g[0]);
    async_sleep(0);
    queue_put_nowait(q, "a");
    async_sleep(0.1);
    release_all(g, 2);
    queue_free(q);
    return NULL;
}

/* A cancel asked for while the task ran ends its next wait at once, as asyncio's next await
 * raises CancelledError: it must not sit in the line until a put wakes it. */
static void *cancels_itself_then_gets(void *arg)
{
    void *item;
    task_cancel(current_task());
    int rc = queue_get(arg, &item);
    note("self:%d@%.3f ", rc, now());
    return task_raise(rc ? rc : -EPROTO, "queue_get after a self-cancel");
}

static void *get_after_self_cancel(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(0);
    struct task *t = create_task("self", cancels_itself_then_gets, q);
    async_sleep(1);
    if (!task_done(t))
        task_cancel(t); /* it waited in the line: end the test all the same */
    await_task(t, NULL);
    note("item-kept=%d", queue_put_nowait(q, "x") == 0 && queue_size(q) == 1);
    task_release(t);
    queue_free(q);
    return NULL;
}

static void *get_cancelled_race(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(0);
    struct task *g[2] = {create_task("g1", getter, q), create_task("g2", getter, q)};
    async_sleep(0);
    queue_put_nowait(q, "a"); /* wakes g1... */
    task_cancel(g[0]);        /* ...which is cancelled before it runs */
    async_sleep(0.1);
    note("size=%zu ", queue_size(q));
    release_all(g, 2);
    queue_free(q); /* dies if a cancelled getter were still in the line */
    return NULL;
}

static void *put_cancelled_race(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(1);
    queue_put_nowait(q, "a");
    struct put_job jobs[2] = {{q, "b"}, {q, "c"}};
    struct task *p[2] = {create_task("p1", putter, &jobs[0]), create_task("p2", putter, &jobs[1])};
    async_sleep(0);
    void *item;
    queue_get_nowait(q, &item); /* a free slot: wakes p1... */
    task_cancel(p[0]);          /* ...which is cancelled before it runs */
    async_sleep(0.1);
    queue_get_nowait(q, &item);
    note("in the queue: %s, size=%zu ", (char *)item, queue_size(q));
    release_all(p, 2);
    queue_free(q);
    return NULL;
}

/* ---- task_done and join ---- */

static void *worker(void *arg)
{
    struct queue *q = arg;
    void *item;
    int rc;
    while ((rc = queue_get(q, &item)) == 0) {
        async_sleep(0.1);
        queue_task_done(q);
    }
    return task_raise(rc, "worker: queue_get");
}

static void *joiner(void *arg)
{
    int rc = queue_join(arg);
    note("join:%d@%.3f ", rc, now());
    return NULL;
}

static void *join_after_work(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(0);
    note("empty join:%d ", queue_join(q));
    for (int i = 0; i < 3; i++)
        queue_put_nowait(q, "job");
    struct task *w = create_task("worker", worker, q);
    struct task *j = create_task("join", joiner, q);
    async_sleep(0.15);
    note("got=%zu unfinished=%zu ", 3 - queue_size(q), queue_unfinished(q));
    async_sleep(1);
    note("extra task_done:%d", queue_task_done(q));
    task_cancel(w); /* it waits for more work: its get ends cancelled */
    async_sleep(0);
    task_release(w);
    release_all(&j, 1);
    queue_free(q);
    return NULL;
}

/* ---- shutdown (Python 3.13) ---- */

static void *shutdown_nonempty(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(0);
    queue_put_nowait(q, "data");
    queue_shutdown(q, false);
    void *item = NULL;
    int rc = queue_get(q, &item);
    note("get:%d %s ", rc, rc ? "-" : (char *)item);
    note("get:%d ", queue_get(q, &item));
    note("get_nowait:%d ", queue_get_nowait(q, &item));
    note("put:%d put_nowait:%d ", queue_put(q, "x"), queue_put_nowait(q, "x"));
    queue_shutdown(q, true); /* allowed after a plain one */
    note("shutdown=%d", queue_is_shutdown(q));
    queue_free(q);
    return NULL;
}

static void *shutdown_wakes_waiters(void *arg)
{
    (void)arg;
    struct queue *empty = queue_new(0), *full = queue_new(1);
    queue_put_nowait(full, "a");
    struct put_job job = {full, "b"};
    struct task *t[2] = {create_task("getter", getter, empty), create_task("putter", putter, &job)};
    async_sleep(0.1);
    queue_shutdown(empty, false);
    queue_shutdown(full, false);
    async_sleep(0);
    release_all(t, 2);
    void *item = NULL;
    int rc = queue_get_nowait(full, &item);
    note("left in full: %d %s", rc, (char *)item);
    queue_free(empty);
    queue_free(full);
    return NULL;
}

static int dropped;

static void count_drop(void *item)
{
    (void)item;
    dropped++;
}

static void *shutdown_immediate_with_unfinished(void *arg)
{
    (void)arg;
    dropped = 0;
    struct queue *q = queue_new(0);
    queue_set_drop(q, count_drop);
    queue_put_nowait(q, "data");
    queue_put_nowait(q, "data");
    struct task *j = create_task("join", joiner, q);
    void *item;
    queue_get(q, &item); /* got, not yet done */
    queue_shutdown(q, true);
    note("size=%zu unfinished=%zu dropped=%d ", queue_size(q), queue_unfinished(q), dropped);
    async_sleep(0.1);
    note("join done=%d; ", task_done(j));
    note("task_done:%d ", queue_task_done(q));
    async_sleep(0.1);
    note("task_done:%d", queue_task_done(q));
    task_release(j);
    queue_free(q);
    return NULL;
}

static void *drop_on_free(void *arg)
{
    (void)arg;
    dropped = 0;
    struct queue *q = queue_new(0);
    queue_set_drop(q, count_drop);
    queue_put_nowait(q, "x");
    queue_put_nowait(q, "y");
    queue_free(q);
    note("dropped=%d", dropped);
    return NULL;
}

/* ---- no timeout of its own: a timeout scope around the get (test_cancelled_getters_...) ---- */

static void *get_with_timeout(void *arg)
{
    (void)arg;
    struct queue *q = queue_new(0);
    void *item = NULL;
    struct timeout *to = timeout(0.5);
    int rc = timeout_enter(to);
    if (rc == 0)
        rc = queue_get(q, &item);
    rc = timeout_exit(to, rc);
    note("get:%d@%.3f ", rc, now());
    queue_put_nowait(q, "later");
    note("size=%zu", queue_size(q));
    queue_free(q); /* dies if the timed-out getter were still in the line */
    return NULL;
}

static void laws(void)
{
    run_virtual(order_and_size, NULL);
    is_str(trace, "empty=1 get=-11 full=1 size=2 put=-11 ab unbounded: rc=0 full=0 size=1000",
           "%s: FIFO; get_nowait on empty and put_nowait on full give -EAGAIN; maxsize 0 "
           "is never full",
           backend);

    run_virtual(getters_in_line, NULL);
    is_str(trace, "g1=a@0.100 g2=b@0.100 g3=c@0.200 ",
           "%s: getters wait while empty and are served in the order they came", backend);
    run_virtual(putters_in_line, NULL);
    is_str(trace, "p1:0@0.000 got a@0.100 p2:0@0.100 got b@0.200 p3:0@0.200 got c@0.300 ",
           "%s: putters wait while full and are served in the order they came", backend);

    run_virtual(get_cancelled_before_woken, NULL);
    is_str(trace, "g1:-125@0.000 g2=a@0.000 ",
           "%s: a getter cancelled while it waits leaves the line; the next put goes to the "
           "next getter",
           backend);
    run_virtual(get_after_self_cancel, NULL);
    is_str(trace, "self:-125@0.000 item-kept=1",
           "%s: a cancel asked for while the task ran ends its next queue_get at once, and it "
           "leaves no getter behind",
           backend);
    run_virtual(get_cancelled_race, NULL);
    is_str(trace, "g1:-125@0.000 g2=a@0.000 size=0 ",
           "%s: a getter woken by a put but cancelled before it ran passes the wake-up on: "
           "the next getter takes the item (test_get_cancelled_race)",
           backend);
    run_virtual(put_cancelled_race, NULL);
    is_str(trace, "p1:-125@0.000 p2:0@0.000 in the queue: c, size=0 ",
           "%s: a putter woken by a get but cancelled before it ran passes the free slot on "
           "(test_put_cancelled_race)",
           backend);

    run_virtual(join_after_work, NULL);
    is_str(trace, "empty join:0 got=2 unfinished=2 join:0@0.300 extra task_done:-22",
           "%s: get does not lower the unfinished count, task_done does; join returns when it "
           "reaches 0 (at 0.3 s); one task_done too many is -EINVAL",
           backend);

    run_virtual(shutdown_nonempty, NULL);
    is_str(trace, "get:0 data get:-108 get_nowait:-108 put:-108 put_nowait:-108 shutdown=1",
           "%s: after shutdown the items left are still got, then gets and puts return "
           "-ESHUTDOWN; a second, immediate shutdown is allowed",
           backend);
    run_virtual(shutdown_wakes_waiters, NULL);
    is_str(trace, "getter:-108@0.100 putter:-108@0.100 left in full: 0 a",
           "%s: shutdown wakes a getter waiting on an empty queue and a putter waiting on a "
           "full one, both with -ESHUTDOWN",
           backend);
    run_virtual(shutdown_immediate_with_unfinished, NULL);
    is_str(trace,
           "size=0 unfinished=1 dropped=1 join done=0; task_done:0 join:0@0.100 task_done:-22",
           "%s: an immediate shutdown drops the queued item and its count only; the item got "
           "and not done still holds join until its task_done "
           "(test_shutdown_immediate_with_unfinished)",
           backend);
    run_virtual(get_with_timeout, NULL);
    is_str(trace, "get:-110@0.500 size=1",
           "%s: a get in a timeout scope ends with -ETIMEDOUT at the deadline and leaves no "
           "getter behind: a later put stays in the queue",
           backend);
    run_virtual(drop_on_free, NULL);
    is_str(trace, "dropped=2", "%s: queue_free hands the items left to the drop function", backend);
}

int main(void)
{
    on_each_backend(laws);
    struct queue *q = queue_new(0);
    void *item;
    ok(queue_get(q, &item) == -EPERM && queue_put(q, "x") == -EPERM && queue_join(q) == -EPERM,
       "get, put and join outside a task: -EPERM");
    queue_free(q);
    return done_testing();
}
