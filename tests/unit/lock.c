/*
 * Unit tests of common/lock: every law of lock.h, after CPython's test_locks.py
 * (LockTests), on the virtual clock and each backend.
 */
#include "lock.h"
#include "runtime_test.h"

#include <errno.h>
#include <stdio.h>

static int inside, peak;

/* Take the lock, stay inside for `hold` seconds (awaiting), leave. */
struct holder {
    struct lock *l;
    double hold;
};

static void *critical(void *arg)
{
    struct holder *h = arg;
    int rc = lock_acquire(h->l);
    note("%s:%d@%.3f ", task_name(current_task()), rc, now());
    if (rc)
        return task_raise(rc, NULL);
    if (++inside > peak)
        peak = inside;
    rc = async_sleep(h->hold);
    inside--;
    lock_release(h->l);
    return rc ? task_raise(rc, NULL) : NULL;
}

static void start(struct task **t, size_t n, struct holder *h)
{
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "t%zu", i + 1);
        t[i] = create_task(name, critical, h);
    }
}

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

static void *one_at_a_time(void *arg)
{
    (void)arg;
    inside = peak = 0;
    struct lock *l = lock_new();
    struct holder h = {l, 0.1};
    struct task *t[3];
    start(t, 3, &h);
    async_sleep(1);
    release_all(t, 3);
    note("peak=%d locked=%d", peak, lock_locked(l));
    lock_free(l);
    return NULL;
}

/* main releases and at once wants the lock back: it queues behind the woken t1. */
static void *no_jumping_the_line(void *arg)
{
    (void)arg;
    struct lock *l = lock_new();
    struct holder h = {l, 0.1};
    lock_acquire(l);
    struct task *t;
    start(&t, 1, &h);
    async_sleep(0.1);
    lock_release(l);
    note("locked=%d ", lock_locked(l));
    int rc = lock_acquire(l);
    note("main:%d@%.3f ", rc, now());
    lock_release(l);
    release_all(&t, 1);
    lock_free(l);
    return NULL;
}

static void *cancelled_while_waiting(void *arg)
{
    (void)arg;
    struct lock *l = lock_new();
    struct holder h = {l, 0.1};
    lock_acquire(l);
    struct task *t[2];
    start(t, 2, &h);
    async_sleep(0.1);
    task_cancel(t[0]);
    async_sleep(0.1);
    lock_release(l);
    async_sleep(0.5);
    release_all(t, 2);
    note("locked=%d", lock_locked(l));
    lock_free(l);
    return NULL;
}

static void *cancelled_when_woken(void *arg)
{
    (void)arg;
    struct lock *l = lock_new();
    struct holder h = {l, 0.1};
    lock_acquire(l);
    struct task *t[2];
    start(t, 2, &h);
    async_sleep(0.1);
    lock_release(l);   /* wakes t1... */
    task_cancel(t[0]); /* ...cancelled before it runs */
    async_sleep(0.5);
    release_all(t, 2);
    note("locked=%d", lock_locked(l));
    lock_free(l);
    return NULL;
}

static void *holds_it(void *arg)
{
    note("t1:%d ", lock_acquire(arg));
    return NULL;
}

static void *acquires_twice(void *arg)
{
    note("acquire:%d ", lock_acquire(arg));
    int rc = lock_acquire(arg);
    note("again:%d", rc);
    lock_release(arg);
    return rc == -ECANCELED ? task_raise(rc, NULL) : NULL;
}

static void *owner_rules(void *arg)
{
    (void)arg;
    struct lock *l = lock_new();
    note("free release:%d ", lock_release(l));
    struct task *t = create_task("t1", holds_it, l);
    async_sleep(0);
    note("owner=%s ", task_name(lock_owner(l)));
    note("not mine:%d ", lock_release(l));
    note("locked=%d ", lock_locked(l));
    task_release(t);
    lock_free(l); /* held by a finished task, but nobody waits: freeing it is fine */
    l = lock_new();
    t = create_task("twice", acquires_twice, l);
    async_sleep(1);
    release_all(&t, 1); /* a second acquire that waited for itself would still wait */
    lock_free(l);
    return NULL;
}

static void laws(void)
{
    run_virtual(one_at_a_time, NULL);
    is_str(trace, "t1:0@0.000 t2:0@0.100 t3:0@0.200 peak=1 locked=0",
           "%s: one task at a time in the critical section, in the order they came", backend);
    run_virtual(no_jumping_the_line, NULL);
    is_str(trace, "locked=0 t1:0@0.100 main:0@0.200 ",
           "%s: a task that releases and acquires again queues behind the waiter it woke", backend);
    run_virtual(cancelled_while_waiting, NULL);
    is_str(trace, "t1:-125@0.100 t2:0@0.200 locked=0",
           "%s: a waiter cancelled while it waits leaves the line; the release goes to the next",
           backend);
    run_virtual(cancelled_when_woken, NULL);
    is_str(trace, "t1:-125@0.100 t2:0@0.100 locked=0",
           "%s: a waiter cancelled as it is woken passes the lock on: it is never left free "
           "while a task waits",
           backend);
    run_virtual(owner_rules, NULL);
    is_str(trace, "free release:-1 t1:0 owner=t1 not mine:-1 locked=1 acquire:0 again:-35",
           "%s: releasing a lock you do not hold is -EPERM and changes nothing; acquiring one "
           "you hold is -EDEADLK",
           backend);
}

int main(void)
{
    on_each_backend(laws);
    struct lock *l = lock_new();
    ok(lock_acquire(l) == -EPERM && lock_release(l) == -EPERM,
       "acquire and release outside a task: -EPERM");
    lock_free(l);
    return done_testing();
}
