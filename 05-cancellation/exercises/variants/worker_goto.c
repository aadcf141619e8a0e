/*
 * worker_goto.c — a correct worker written differently from the reference: one exit, the
 * kernel's `goto out` style, with what is held recorded as it is taken.
 */
#include "harness.h"

#include "task.h"

#include <stdbool.h>
#include <stddef.h>

void *worker(void *job)
{
    struct conn *c = NULL;
    bool locked = false;
    int rc = pool_lock_acquire();
    if (rc)
        goto out;
    locked = true;
    rc = conn_open(&c);
    if (rc)
        goto out;
    rc = conn_send(c, job);
out:
    if (c) {
        int closed = conn_close(c);
        rc = rc ? rc : closed;
    }
    if (locked)
        pool_lock_release();
    return rc ? task_raise(rc, "worker: job not sent") : "sent";
}
