/*
 * waiters.h — a line of tasks waiting for a synchronisation primitive: what a Queue, a
 * Semaphore, a Lock, an Event and a Condition each keep of the tasks they hold back.
 *
 * asyncio's locks.py and queues.py keep a deque of futures, one per waiting task: the
 * task awaits its future, and whoever lets it go sets the future's result. Here the line
 * is a list.h list of struct waiter, each on the waiting task's own stack, and the task is
 * parked (park.h) instead of awaiting a future: the same wake and the same cancel, with
 * no future to make, call back and free at every wait (make bench CHAPTERS=0 shows a
 * queue hand-off then costs less than two task turns).
 *
 * The laws, each tested through the primitives (tests/unit/queue.c, semaphore.c...):
 * - First come, first served: wakes go to the waiters in the order they joined.
 * - A waiter stays in the line until its task runs again and leaves it: a woken waiter
 *   is in the line, done, until then; so is a cancelled one (PARK_CANCELLED).
 * - A wake passes over waiters already woken or cancelled: it never falls on a task that
 *   will not use it.
 * - When the waiting task was cancelled, the wait returns -ECANCELED, and says whether a
 *   wake-up had reached it first. A wake-up given to a task that returns -ECANCELED is
 *   lost unless the primitive passes it on or gives back what it stood for: each
 *   primitive does, as asyncio's do (a permit returned, the next getter woken).
 */
#ifndef LAB_WAITERS_H
#define LAB_WAITERS_H

#include "list.h"
#include "park.h"

#include <stdbool.h>
#include <stddef.h>

/* One waiting task: lives on that task's stack while it waits. */
struct waiter {
    struct list_node node;
    struct task *task;
    enum park_state state; /* waiting, woken, or its task was cancelled (park.h) */
};

/*
 * Park the running task at the back of `line` until it is woken (0) or cancelled
 * (-ECANCELED; then *woken, if not NULL, says whether a wake-up had come to it first).
 * It has left the line when this returns. `what` names the wait in traces ("queue get").
 * -EPERM outside a task.
 */
int waiters_wait(struct list *line, const char *what, bool *woken);

/* Wake the first waiter neither woken nor cancelled: true if there was one. */
bool waiters_wake_next(struct list *line);

/* Wake up to `n` of them, from the front (SIZE_MAX: all); returns how many. */
size_t waiters_wake(struct list *line, size_t n);

/* Wake the first waiter only, if it still waits (asyncio.Lock's _wake_up_first). */
bool waiters_wake_head(struct list *line);

/* A waiter that is not cancelled: one still waiting, or woken and about to run. */
bool waiters_any_live(const struct list *line);

#endif
