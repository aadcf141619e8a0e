/*
 * event.h — asyncio.Event: a flag that tasks can wait to see set.
 *
 *     struct event *ready = event_new();
 *     ...                                   // in the tasks that need the data:
 *     int err = event_wait(ready);          // 0 once it is set, -ECANCELED
 *     ...                                   // in the task that loads it:
 *     event_set(ready);                     // every waiting task wakes
 *
 * The laws, each tested in tests/unit/event.c:
 * - An event starts clear. event_wait returns 0 at once while it is set.
 * - event_set wakes every task waiting, in the order they began to wait; setting an
 *   event already set changes nothing.
 * - A task woken by event_set returns 0 even if event_clear runs before it does: it was
 *   set when the task was woken (asyncio's rule). Tasks that wait after the clear wait.
 * - A cancelled wait returns -ECANCELED and leaves nothing behind.
 * - event_wait outside a task returns -EPERM. event_free dies while a task waits.
 * - Not thread-safe (nor is asyncio's): use it from the loop's thread only.
 */
#ifndef LAB_EVENT_H
#define LAB_EVENT_H

#include <stdbool.h>

struct event;

struct event *event_new(void);
void event_free(struct event *e);

void event_set(struct event *e);
void event_clear(struct event *e);
bool event_is_set(const struct event *e);

/* Wait until the event is set: 0, or -ECANCELED if this task was cancelled. */
int event_wait(struct event *e);

#endif
