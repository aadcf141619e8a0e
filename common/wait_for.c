/*
 * wait_for.c — asyncio.wait_for, as Python 3.12+ writes it: a timeout scope around one
 * await, and for a timeout <= 0, cancel the future and wait for it. See wait_for.h.
 */
#include "wait_for.h"

#include "future.h"
#include "task.h"
#include "timeout.h"

#include <errno.h>
#include <math.h>

static void release_waiter(struct future *f, void *arg)
{
    (void)f;
    struct future *waiter = arg;
    if (!future_done(waiter))
        future_set_result(waiter, NULL);
    future_unref(waiter); /* the reference this callback held */
}

/*
 * Cancel `f` and wait until it is done (asyncio's _cancel_and_wait). The task waits on a
 * waiter of its own, not on `f`: a cancel of this task then ends the wait at once and does
 * not cancel `f` a second time.
 */
static int cancel_and_wait(struct future *f)
{
    struct future *waiter = future_new(future_loop(f));
    future_set_name(waiter, "wait_for");
    future_add_done_callback(f, release_waiter, future_ref(waiter));
    future_cancel(f);
    int rc = await_future(waiter, NULL);
    if (future_remove_done_callback(f, release_waiter, waiter) > 0)
        future_unref(waiter); /* removed before it ran: drop its reference here */
    future_unref(waiter);
    return rc;
}

int wait_for(struct future *f, double timeout_s, void **result)
{
    struct task *t = current_task();
    if (!t)
        return -EPERM;
    if (future_loop(f) != future_loop(task_future(t)))
        return -EXDEV;
    if (isnan(timeout_s))
        return -EINVAL;
    if (timeout_s == INFINITY)
        return await_future(f, result);
    if (timeout_s <= 0) {
        if (future_done(f))
            return future_result(f, result);
        int rc = cancel_and_wait(f);
        if (rc)
            return rc; /* this task was cancelled meanwhile: that cancel is never lost */
        rc = future_result(f, result);
        return rc == -ECANCELED ? -ETIMEDOUT : rc;
    }
    struct timeout *to = timeout(timeout_s);
    int rc = timeout_enter(to);
    if (rc == 0)
        rc = await_future(f, result);
    return timeout_exit(to, rc);
}
