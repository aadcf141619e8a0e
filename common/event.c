/* event.c — asyncio.Event: a flag and the line of tasks waiting for it. See event.h. */
#include "event.h"

#include "check.h"
#include "list.h"
#include "task.h"
#include "waiters.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

struct event {
    bool is_set;
    struct list waiters;
};

struct event *event_new(void)
{
    struct event *e = xcalloc(1, sizeof *e);
    list_init(&e->waiters);
    return e;
}

void event_free(struct event *e)
{
    if (!e)
        return;
    if (!list_empty(&e->waiters))
        die("event_free: %zu task(s) still wait for the event", list_length(&e->waiters));
    free(e);
}

void event_set(struct event *e)
{
    if (e->is_set)
        return;
    e->is_set = true;
    waiters_wake(&e->waiters, SIZE_MAX);
}

void event_clear(struct event *e)
{
    e->is_set = false;
}

bool event_is_set(const struct event *e)
{
    return e->is_set;
}

int event_wait(struct event *e)
{
    if (!current_task())
        return -EPERM;
    if (e->is_set)
        return 0; /* no suspension, so no cancel delivered either: asyncio's wait() too */
    return waiters_wait(&e->waiters, "event wait", NULL);
}
