/*
 * park.h — a task parked until another unparks it, or until it is cancelled: the one wait
 * that waiters.c builds the line of every synchronisation primitive on.
 *
 * asyncio's Queue, Semaphore, Lock, Event and Condition each make a future per waiting
 * task and await it; whoever lets the task go sets the future's result. Here the waiting
 * task itself is parked, with a state word on its stack for the others to read: the same
 * wake (the task goes back on the loop's ready queue), the same cancel (the wait returns
 * -ECANCELED), with no future made, called back and freed at every wait.
 *
 * Laws (tested through the primitives, tests/unit/queue.c, semaphore.c, lock.c...):
 * - task_park() returns 0 once task_unpark() woke it, or -ECANCELED if the task was
 *   cancelled, also when the cancel came after the unpark but before the task ran again
 *   (then *state is PARK_WOKEN: the caller knows a wake-up reached it and must pass on or
 *   give back what the wake stood for).
 * - A cancel of a parked task that is still PARK_WAITING turns its state to
 *   PARK_CANCELLED at once, so no later unpark falls on it.
 * - A cancel that came while the task ran, before it parked, ends the park at once with
 *   -ECANCELED (state PARK_CANCELLED), as asyncio's next await would.
 * - task_unpark() wakes only a PARK_WAITING task, and says whether it did.
 */
#ifndef LAB_PARK_H
#define LAB_PARK_H

#include <stdbool.h>

struct task;

enum park_state { PARK_WAITING, PARK_WOKEN, PARK_CANCELLED };

/* Park the running task; `what` names the wait in traces ("queue get"). -EPERM outside a
 * task. */
int task_park(enum park_state *state, const char *what);

/* Wake a parked task whose *state is PARK_WAITING: true if it was woken. */
bool task_unpark(struct task *t, enum park_state *state);

#endif
