/*
 * timeout.c — asyncio.timeout() on a timer and the task's cancel count. See timeout.h.
 *
 * The whole mechanism, as in asyncio's timeouts.py: entering notes the task's cancel
 * count and starts a timer; the timer cancels the task; leaving stops the timer, and if the
 * timer fired, takes its cancel back and decides from the count whether the -ECANCELED
 * unwinding through the body was ours (-ETIMEDOUT) or someone else's (left alone).
 */
#include "timeout.h"

#include "check.h"
#include "future.h"
#include "loop.h"
#include "task.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* asyncio's last two states, EXPIRED and EXITED, are what timeout_exit ends a scope in:
 * it frees the scope there, so nothing can see them. */
enum timeout_state { CREATED, ENTERED, EXPIRING };

struct timeout {
    enum timeout_state state;
    double when;           /* on the loop's clock; INFINITY: never */
    struct task *task;     /* the task that entered the scope */
    unsigned cancelling;   /* its cancel count at entry, less a cancel not yet delivered */
    struct loop *loop;     /* the task's loop, once entered */
    struct loop_handle timer;
};

static struct timeout *new_scope(double when)
{
    if (isnan(when)) {
        errno = EINVAL;
        return NULL;
    }
    struct timeout *to = xcalloc(1, sizeof *to);
    to->state = CREATED;
    to->when = when;
    return to;
}

struct timeout *timeout(double delay)
{
    struct loop *loop = loop_get_running();
    if (!loop) {
        errno = ESRCH; /* asyncio: RuntimeError: no running event loop */
        return NULL;
    }
    return new_scope(loop_time(loop) + delay);
}

struct timeout *timeout_at(double when)
{
    return new_scope(when);
}

/* The deadline: the task is cancelled, and the scope is expiring until it is left. */
static void on_timeout(struct loop *loop, void *arg)
{
    (void)loop;
    struct timeout *to = arg;
    to->timer = (struct loop_handle){0};
    task_cancel(to->task);
    to->state = EXPIRING;
}

static void start_timer(struct timeout *to)
{
    loop_cancel(to->loop, to->timer);
    to->timer = (struct loop_handle){0};
    if (to->when == INFINITY)
        return;
    /* A deadline already past fires at the next turn, never inside this call (asyncio). */
    if (to->when <= loop_time(to->loop))
        to->timer = loop_call_soon(to->loop, on_timeout, to);
    else
        to->timer = loop_call_at(to->loop, to->when, on_timeout, to);
}

int timeout_enter(struct timeout *to)
{
    if (!to)
        return -EINVAL;
    if (to->state != CREATED)
        return -EALREADY; /* asyncio: "Timeout has already been entered" */
    struct task *t = current_task();
    if (!t)
        return -EPERM; /* asyncio: "Timeout should be used inside a task" */
    to->state = ENTERED;
    /* Held until exit: a scope never exited then keeps its task from being freed under its
     * timer, and loop_close names the leak, instead of the timer touching freed memory. */
    future_ref(task_future(t));
    to->task = t;
    to->loop = loop_get_running();
    /* A cancel asked for but not delivered yet will be delivered inside the scope: it
     * comes from outside, so the count at entry leaves it out (asyncio's gh-134471). */
    to->cancelling = task_cancelling(t) - task_cancel_pending(t);
    start_timer(to);
    return 0;
}

int timeout_exit(struct timeout *to, int rc)
{
    if (!to)
        return rc;
    if (to->state != CREATED && current_task() != to->task)
        die("timeout_exit: the scope was entered by task '%s', not by this one",
            task_name(to->task));
    if (to->state == EXPIRING) {
        /* Our cancel is taken back; if the count is then no higher than at entry, nobody
         * else cancelled the task meanwhile, so the -ECANCELED unwinding is ours. */
        unsigned count = task_uncancel(to->task);
        if (count <= to->cancelling && rc == -ECANCELED)
            rc = -ETIMEDOUT;
    }
    if (to->state != CREATED) {
        loop_cancel(to->loop, to->timer);
        future_unref(task_future(to->task));
    }
    free(to);
    return rc;
}

int timeout_reschedule(struct timeout *to, double when)
{
    if (to->state != ENTERED || isnan(when))
        return -EINVAL; /* asyncio: "has not been entered", "Cannot change state of expiring" */
    to->when = when;
    start_timer(to);
    return 0;
}

double timeout_when(const struct timeout *to)
{
    return to->when;
}

bool timeout_expired(const struct timeout *to)
{
    return to->state == EXPIRING;
}
