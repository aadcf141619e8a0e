/*
 * lock.c — asyncio.Lock in C, with an owner. See lock.h.
 *
 * As in CPython's Lib/asyncio/locks.py, a release does not hand the lock over: it frees
 * it and wakes the first waiter, which takes it when it runs. Until then the woken
 * waiter keeps its place (it is still in the line, not cancelled), so no newcomer can
 * take the lock first. Only the head of the line is ever woken, so two woken waiters
 * never both believe the lock is theirs.
 */
#include "lock.h"

#include "check.h"
#include "list.h"
#include "task.h"
#include "waiters.h"

#include <errno.h>
#include <stdlib.h>

struct lock {
    struct task *owner; /* NULL: free */
    struct list waiters;
};

struct lock *lock_new(void)
{
    struct lock *l = xcalloc(1, sizeof *l);
    list_init(&l->waiters);
    return l;
}

void lock_free(struct lock *l)
{
    if (!l)
        return;
    if (!list_empty(&l->waiters))
        die("lock_free: %zu task(s) still wait for the lock", list_length(&l->waiters));
    free(l);
}

bool lock_locked(const struct lock *l)
{
    return l->owner != NULL;
}

struct task *lock_owner(const struct lock *l)
{
    return l->owner;
}

int lock_acquire(struct lock *l)
{
    struct task *me = current_task();
    if (!me)
        return -EPERM;
    if (l->owner == me)
        return -EDEADLK;
    if (!l->owner && !waiters_any_live(&l->waiters)) {
        l->owner = me;
        return 0;
    }
    int rc = waiters_wait(&l->waiters, "lock acquire", NULL);
    if (rc) {
        /* Cancelled, perhaps just after being woken: the lock must not stay free while
         * others wait for it. */
        if (!l->owner)
            waiters_wake_head(&l->waiters);
        return rc;
    }
    l->owner = me;
    return 0;
}

int lock_release(struct lock *l)
{
    if (!l->owner || l->owner != current_task())
        return -EPERM; /* asyncio raises RuntimeError only if it is not locked at all */
    l->owner = NULL;
    waiters_wake_head(&l->waiters);
    return 0;
}
