/*
 * condition.c — asyncio.Condition in C: a line of waiters beside a lock. See condition.h.
 */
#include "condition.h"

#include "check.h"
#include "list.h"
#include "lock.h"
#include "task.h"
#include "waiters.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

struct condition {
    struct lock *lock;
    bool own_lock; /* made by condition_new: freed with the condition */
    struct list waiters;
};

struct condition *condition_new(struct lock *lock)
{
    struct condition *c = xcalloc(1, sizeof *c);
    c->own_lock = lock == NULL;
    c->lock = lock ? lock : lock_new();
    list_init(&c->waiters);
    return c;
}

void condition_free(struct condition *c)
{
    if (!c)
        return;
    if (!list_empty(&c->waiters))
        die("condition_free: %zu task(s) still wait on it", list_length(&c->waiters));
    if (c->own_lock)
        lock_free(c->lock);
    free(c);
}

struct lock *condition_lock(const struct condition *c)
{
    return c->lock;
}

int condition_acquire(struct condition *c)
{
    return lock_acquire(c->lock);
}

int condition_release(struct condition *c)
{
    return lock_release(c->lock);
}

bool condition_locked(const struct condition *c)
{
    return lock_locked(c->lock);
}

static bool held_by_me(const struct condition *c)
{
    return current_task() && lock_owner(c->lock) == current_task();
}

int condition_wait(struct condition *c)
{
    if (!held_by_me(c))
        return -EPERM; /* asyncio: RuntimeError('cannot wait on un-acquired lock') */
    lock_release(c->lock);
    bool notified;
    int rc = waiters_wait(&c->waiters, "condition wait", &notified);
    notified = notified || rc == 0;
    /* The caller holds the lock when wait returns, whatever happened: take it again,
     * even through further cancels, and report the cancel afterwards. */
    for (int again; (again = lock_acquire(c->lock)) != 0;)
        rc = again;
    if (rc && notified)
        waiters_wake_next(&c->waiters); /* a notify this task will not act on: pass it on */
    return rc;
}

int condition_wait_for(struct condition *c, bool (*pred)(void *arg), void *arg)
{
    while (!pred(arg)) {
        int rc = condition_wait(c);
        if (rc)
            return rc;
    }
    return 0;
}

int condition_notify(struct condition *c, size_t n)
{
    if (!held_by_me(c))
        return -EPERM; /* asyncio: RuntimeError('cannot notify on un-acquired lock') */
    waiters_wake(&c->waiters, n);
    return 0;
}

int condition_notify_all(struct condition *c)
{
    return condition_notify(c, SIZE_MAX);
}
