/* waiters.c — a line of tasks waiting for a primitive, each on a future. See waiters.h. */
#include "waiters.h"

#include "future.h"
#include "loop.h"
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
    struct waiter w = {.future = future_new(loop_get_running())};
    future_set_name(w.future, what);
    list_push_back(line, &w.node);
    int rc = await_future(w.future, NULL);
    list_remove(line, &w.node);
    if (woken)
        *woken = future_state(w.future) == FUTURE_RESULT;
    future_unref(w.future);
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
        if (!future_done(w->future)) {
            future_set_result(w->future, NULL);
            woken++;
        }
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
    if (!head || future_done(waiter_of(head)->future))
        return false;
    future_set_result(waiter_of(head)->future, NULL);
    return true;
}

bool waiters_any_live(const struct list *line)
{
    struct list_node *node;
    list_for_each(node, line) {
        if (!future_cancelled(waiter_of(node)->future))
            return true;
    }
    return false;
}
