/*
 * worker.c — chapter 05's exercise, the reference: a cancel-safe worker.
 *
 * Each resource is given back on the path that took it, in reverse order, whatever the
 * await in between returned; the first error (a cancel included) is what the task ends
 * with, so the cancel goes on to whoever awaits the worker.
 */
#include "harness.h"

#include "task.h"

void *worker(void *job)
{
    int rc = pool_lock_acquire();
    if (rc)
        return task_raise(rc, NULL); /* cancelled while waiting: nothing is held */
    struct conn *c;
    rc = conn_open(&c);
    if (rc == 0) {
        rc = conn_send(c, job);
        int closed = conn_close(c); /* on every path, and it may still await after a cancel */
        if (rc == 0)
            rc = closed;
    }
    pool_lock_release(); /* last: the lock guards the connection until it is closed */
    if (rc)
        return task_raise(rc, NULL); /* -ECANCELED: the task ends cancelled */
    return "sent";
}
