/*
 * Unit tests of common/condition: every law of condition.h, after CPython's
 * test_locks.py (ConditionTests), on the virtual clock and each backend.
 */
#include "condition.h"
#include "lock.h"
#include "runtime_test.h"

#include <errno.h>
#include <stdio.h>

/* Wait once under the lock; note the outcome and whether the lock is held on return. */
static void *waiter(void *arg)
{
    struct condition *c = arg;
    condition_acquire(c);
    int rc = condition_wait(c);
    note("%s:%d@%.3f%s ", task_name(current_task()), rc, now(),
         lock_owner(condition_lock(c)) == current_task() ? "" : " without the lock!");
    condition_release(c);
    return rc == -ECANCELED ? task_raise(rc, NULL) : NULL;
}

static void start(struct task **t, size_t n, struct condition *c)
{
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "w%zu", i + 1);
        t[i] = create_task(name, waiter, c);
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

static void notify_under_lock(struct condition *c, size_t n)
{
    condition_acquire(c);
    if (n == SIZE_MAX)
        condition_notify_all(c);
    else
        condition_notify(c, n);
    condition_release(c);
}

static void *notify_n(void *arg)
{
    (void)arg;
    struct condition *c = condition_new(NULL);
    struct task *t[5];
    start(t, 5, c);
    async_sleep(0.1);
    notify_under_lock(c, 1);
    async_sleep(0.1);
    notify_under_lock(c, 2);
    async_sleep(0.1);
    notify_under_lock(c, SIZE_MAX);
    async_sleep(0.1);
    release_all(t, 5);
    condition_free(c);
    return NULL;
}

/* A notify with nobody waiting is not kept for a later wait. */
static void *notify_is_not_kept(void *arg)
{
    (void)arg;
    struct condition *c = condition_new(NULL);
    notify_under_lock(c, 1);
    struct task *t;
    start(&t, 1, c);
    async_sleep(0.1);
    notify_under_lock(c, 1);
    async_sleep(0.1);
    release_all(&t, 1);
    condition_free(c);
    return NULL;
}

struct stock {
    struct condition *c;
    int items;
};

static bool three_or_more(void *arg)
{
    return ((struct stock *)arg)->items >= 3;
}

static void *consumer(void *arg)
{
    struct stock *s = arg;
    condition_acquire(s->c);
    int rc = condition_wait_for(s->c, three_or_more, s);
    note("consumer:%d items=%d@%.3f held=%d ", rc, s->items, now(),
         lock_owner(condition_lock(s->c)) == current_task());
    condition_release(s->c);
    return NULL;
}

static void *wait_for_predicate(void *arg)
{
    (void)arg;
    struct stock s = {condition_new(NULL), 0};
    struct task *t = create_task("consumer", consumer, &s);
    for (int i = 0; i < 4; i++) {
        async_sleep(0.1);
        condition_acquire(s.c);
        s.items++;
        condition_notify_all(s.c);
        condition_release(s.c);
    }
    release_all(&t, 1);
    condition_free(s.c);
    return NULL;
}

/* Cancelled while it waits, w1 returns only once it holds the lock again (at 0.3). */
static void *cancel_reacquires(void *arg)
{
    (void)arg;
    struct lock *l = lock_new();
    struct condition *c = condition_new(l);
    struct task *t;
    start(&t, 1, c);
    async_sleep(0.1);
    lock_acquire(l);
    task_cancel(t);
    async_sleep(0.2);
    note("done while main holds the lock=%d ", task_done(t));
    lock_release(l);
    async_sleep(0);
    release_all(&t, 1);
    condition_free(c);
    lock_free(l);
    return NULL;
}

/* w1 notified, then cancelled before it returns: the notify goes on to w2. */
static void *notified_then_cancelled(void *arg)
{
    (void)arg;
    struct condition *c = condition_new(NULL);
    struct task *t[2];
    start(t, 2, c);
    async_sleep(0.1);
    notify_under_lock(c, 1);
    task_cancel(t[0]);
    async_sleep(0.1);
    release_all(t, 2);
    condition_free(c);
    return NULL;
}

static void *without_the_lock(void *arg)
{
    (void)arg;
    struct condition *c = condition_new(NULL);
    note("wait:%d notify:%d ", condition_wait(c), condition_notify(c, 1));
    note("wait_for:%d", condition_wait_for(c, three_or_more, &(struct stock){c, 0}));
    condition_free(c);
    return NULL;
}

static void laws(void)
{
    run_virtual(notify_n, NULL);
    is_str(trace, "w1:0@0.100 w2:0@0.200 w3:0@0.200 w4:0@0.300 w5:0@0.300 ",
           "%s: notify(n) wakes n waiters, first come first served; notify_all the rest; each "
           "returns holding the lock",
           backend);
    run_virtual(notify_is_not_kept, NULL);
    is_str(trace, "w1:0@0.100 ",
           "%s: a notify with nobody waiting is lost: a later wait waits for the next", backend);
    run_virtual(wait_for_predicate, NULL);
    is_str(trace, "consumer:0 items=3@0.300 held=1 ",
           "%s: wait_for returns once the predicate holds (the third notify), with the lock",
           backend);
    run_virtual(cancel_reacquires, NULL);
    is_str(trace, "done while main holds the lock=0 w1:-125@0.300 ",
           "%s: a cancelled wait takes the lock again before it returns -ECANCELED", backend);
    run_virtual(notified_then_cancelled, NULL);
    is_str(trace, "w1:-125@0.100 w2:0@0.100 ",
           "%s: a waiter notified but cancelled before it returned passes the notify on", backend);
}

int main(void)
{
    on_each_backend(laws);
    run_virtual(without_the_lock, NULL);
    is_str(trace, "wait:-1 notify:-1 wait_for:-1",
           "wait, notify and wait_for without holding the lock: -EPERM");
    return done_testing();
}
