/*
 * harness.c — runs the worker of worker.c through four scenarios and records what it did.
 *
 * Scenarios: no cancel; cancelled during the send by its caller's deadline (the caller
 * awaits it with wait_for, as a request handler would); cancelled while it waits for a
 * lock another worker holds; cancelled while it connects. Each starts with a fresh lock
 * and no connection. The resources count every misuse (a release by a task that does not
 * hold the lock, a second close, the lock given back while a connection is still open)
 * and say it as it happens; the results go to LAB_RESULTS for check.sh.
 */
#include "harness.h"

#include "args.h"
#include "lock.h"
#include "results.h"
#include "say.h"
#include "task.h"
#include "wait_for.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum { MAX_CONNS = 4 };

struct conn {
    int id;
    bool open;
};

/* What one scenario saw of the worker; everything the checker judges. */
static struct {
    int lock_taken, /* by the worker, not the other task */
        lock_released, lock_bad_releases, released_with_conn_open;
    int conns_opened, conns_closed, bad_closes, close_cut_short, open_now;
} seen;

static struct lock *pool_lock; /* common/lock.h: asyncio.Lock, with an owner */
static struct conn conns[MAX_CONNS];
static struct task *the_worker;

int pool_lock_acquire(void)
{
    int rc = lock_acquire(pool_lock);
    if (rc == 0) {
        seen.lock_taken += current_task() == the_worker;
        say("pool lock acquired");
    }
    return rc;
}

void pool_lock_release(void)
{
    struct task *owner = lock_owner(pool_lock);
    if (owner != current_task()) {
        seen.lock_bad_releases++;
        say("pool_lock_release: MISUSE: this task does not hold the lock (%s)",
            owner ? "another task does" : "nobody does");
        return;
    }
    if (seen.open_now > 0) {
        seen.released_with_conn_open++;
        say("pool_lock_release: MISUSE: a connection is still open");
    }
    lock_release(pool_lock);
    seen.lock_released++;
    say("pool lock released");
}

int conn_open(struct conn **out)
{
    *out = NULL;
    int rc = async_sleep(0.1);
    if (rc)
        return rc;
    struct conn *c = &conns[seen.conns_opened++ % MAX_CONNS];
    *c = (struct conn){.id = seen.conns_opened, .open = true};
    seen.open_now++;
    say("connection %d open", c->id);
    *out = c;
    return 0;
}

int conn_send(struct conn *c, const char *job)
{
    if (!c || !c->open)
        return -EBADF;
    say("connection %d: sending '%s'", c->id, job);
    return async_sleep(1.0);
}

int conn_close(struct conn *c)
{
    if (!c || !c->open) {
        seen.bad_closes++;
        say("conn_close: MISUSE: %s", c ? "this connection is already closed" : "no connection");
        return -EBADF;
    }
    say("connection %d: goodbye...", c->id);
    int rc = async_sleep(0.05);
    c->open = false;
    seen.open_now--;
    seen.conns_closed++;
    if (rc)
        seen.close_cut_short++;
    say("connection %d closed%s", c->id, rc ? " (the goodbye was cut short)" : "");
    return rc;
}

/* Another worker, holding the lock for a second. */
static void *other_worker(void *arg)
{
    (void)arg;
    int rc = pool_lock_acquire();
    if (rc == 0) {
        rc = async_sleep(1.0);
        pool_lock_release();
    }
    return rc ? task_raise(rc, NULL) : NULL;
}

struct scenario {
    const char *name, *what;
    double cancel_at; /* < 0: never */
    double deadline;  /* > 0: the caller awaits with wait_for(worker, deadline) */
    bool lock_busy;   /* another worker holds the lock first */
};

static const struct scenario scenarios[] = {
    {"no_cancel", "no cancel: the job is sent", -1, 0, false},
    {"cancel_in_send", "the caller's wait_for(worker, 0.5) cancels it during the send", -1, 0.5,
     false},
    {"cancel_in_lock", "cancelled at 0.3 s while it waits for the lock another worker holds", 0.3,
     0, true},
    {"cancel_in_open", "cancelled at 0.05 s while it connects", 0.05, 0, false},
};

static void record(const char *scenario, const char *what, double value)
{
    char name[96];
    snprintf(name, sizeof name, "exercise.%s.%s", scenario, what);
    result_record(name, value, "count");
}

static void run_scenario(const struct scenario *s)
{
    printf("\n== %s: %s\n", s->name, s->what);
    memset(&seen, 0, sizeof seen);
    pool_lock = lock_new();
    struct task *other = s->lock_busy ? create_task("other", other_worker, NULL) : NULL;
    if (other)
        async_sleep(0); /* it takes the lock first */
    struct task *w = the_worker = create_task("worker", worker, "job-42");
    if (s->cancel_at >= 0) {
        async_sleep(s->cancel_at);
        if (!task_done(w)) {
            say("cancelling the worker");
            task_cancel(w);
        }
    }
    void *result = NULL;
    if (s->deadline > 0) { /* wait_for cancels the worker at the deadline and waits for it */
        int rc = wait_for(task_future(w), s->deadline, &result);
        say("the caller's wait_for returned %s", rc == -ETIMEDOUT ? "-ETIMEDOUT"
                                                 : rc == 0        ? "a result"
                                                                  : strerror(-rc));
        record(s->name, "caller_timed_out", rc == -ETIMEDOUT);
    } else {
        await_task(w, &result);
    }
    int outcome = task_cancelled(w) ? 1 : task_error_message(w) ? 2 : 0;
    say("the worker ended %s", outcome == 0   ? "with a result"
                               : outcome == 1 ? "cancelled"
                                              : "with an error");
    bool lock_leaked = lock_owner(pool_lock) == w;
    if (other) {
        await_task(other, NULL);
        task_release(other);
    }
    task_release(w);
    lock_free(pool_lock); /* a lock the worker never gave back dies with the scenario */
    record(s->name, "outcome", outcome); /* 0 result, 1 cancelled, 2 error */
    record(s->name, "lock_taken", seen.lock_taken);
    record(s->name, "lock_released", seen.lock_released);
    record(s->name, "lock_leaked", lock_leaked);
    record(s->name, "lock_bad_releases", seen.lock_bad_releases);
    record(s->name, "released_with_conn_open", seen.released_with_conn_open);
    record(s->name, "conns_opened", seen.conns_opened);
    record(s->name, "conns_closed", seen.conns_closed);
    record(s->name, "conns_leaked", seen.open_now);
    record(s->name, "bad_closes", seen.bad_closes);
    record(s->name, "close_cut_short", seen.close_cut_short);
    record(s->name, "done", 1);
}

static void *main_task(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        run_scenario(&scenarios[i]);
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv,
               "Chapter 05's exercise: your worker (worker.c) sends a job holding a lock and a "
               "connection, and is cancelled in four ways. `make exercise-5` checks it.",
               opts);
    (void)quick;
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
