/*
 * semaphore.c — asyncio.Semaphore in C. See semaphore.h.
 *
 * As in CPython's Lib/asyncio/locks.py: release() takes the permit on the woken
 * waiter's behalf at once (value - 1) rather than letting it race for it when it runs.
 * The one case that needs care is a waiter cancelled between being woken and running:
 * it holds a permit it will not use, so it gives it back and wakes the next.
 */
#include "semaphore.h"

#include "check.h"
#include "list.h"
#include "task.h"
#include "waiters.h"

#include <errno.h>
#include <stdlib.h>

struct semaphore {
    int value;
    int bound; /* a bounded semaphore's initial value; -1: not bounded */
    struct list waiters;
};

static struct semaphore *make(int value, int bound)
{
    if (value < 0) {
        errno = EINVAL; /* asyncio: ValueError("Semaphore initial value must be >= 0") */
        return NULL;
    }
    struct semaphore *s = xcalloc(1, sizeof *s);
    s->value = value;
    s->bound = bound;
    list_init(&s->waiters);
    return s;
}

struct semaphore *semaphore_new(int value)
{
    return make(value, -1);
}

struct semaphore *bounded_semaphore_new(int value)
{
    return make(value, value);
}

void semaphore_free(struct semaphore *s)
{
    if (!s)
        return;
    if (!list_empty(&s->waiters))
        die("semaphore_free: %zu task(s) still wait for it", list_length(&s->waiters));
    free(s);
}

bool semaphore_locked(const struct semaphore *s)
{
    return s->value == 0 || waiters_any_live(&s->waiters);
}

int semaphore_value(const struct semaphore *s)
{
    return s->value;
}

/* Hand a permit to the first waiter still waiting: taken for it now. */
static bool wake_up_next(struct semaphore *s)
{
    if (!waiters_wake_next(&s->waiters))
        return false;
    s->value--;
    return true;
}

int semaphore_acquire(struct semaphore *s)
{
    if (!current_task())
        return -EPERM;
    if (!semaphore_locked(s)) {
        s->value--;
        return 0;
    }
    bool woken;
    int rc = waiters_wait(&s->waiters, "semaphore acquire", &woken);
    if (rc && woken)
        s->value++; /* woken with a permit, but cancelled: give it back */
    /* Permits free while waiters wait (one given back, or released while others ran):
     * let the waiters have them, first come first served. */
    while (s->value > 0 && wake_up_next(s))
        ;
    return rc;
}

int semaphore_release(struct semaphore *s)
{
    if (s->bound >= 0 && s->value >= s->bound)
        return -EINVAL; /* asyncio: ValueError('BoundedSemaphore released too many times') */
    s->value++;
    if (!list_empty(&s->waiters))
        wake_up_next(s);
    return 0;
}
