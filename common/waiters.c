/* waiters.c — a line of tasks waiting for a primitive, each parked. See waiters.h. */
#include "waiters.h"

#include "task.h"

#include <errno.h>

static struct waiter *waiter_of(struct list_node *n)
{
    return list_entry(n, struct waiter, node);
}

int waiters_wait(struct list *line, const char *what, bool *woken)
{
    if (woken)
        *woken = false;
    if (!current_task())
        return -EPERM;
    struct waiter w = {.task = current_task()};
    list_push_back(line, &w.node);
    int rc = task_park(&w.state, what);
    list_remove(line, &w.node);
    if (woken)
        *woken = w.state == PARK_WOKEN;
    return rc;
}

size_t waiters_wake(struct list *line, size_t n)
{
    size_t woken = 0;
    struct list_node *node;
    list_for_each(node, line) {
        if (woken == n)
            break;
        struct waiter *w = waiter_of(node);
        if (task_unpark(w->task, &w->state))
            woken++;
    }
    return woken;
}

bool waiters_wake_next(struct list *line)
{
    return waiters_wake(line, 1) == 1;
}

bool waiters_wake_head(struct list *line)
{
    struct list_node *head = list_first(line);
    return head && task_unpark(waiter_of(head)->task, &waiter_of(head)->state);
}

bool waiters_any_live(const struct list *line)
{
    struct list_node *node;
    list_for_each(node, line) {
        if (waiter_of(node)->state != PARK_CANCELLED)
            return true;
    }
    return false;
}
