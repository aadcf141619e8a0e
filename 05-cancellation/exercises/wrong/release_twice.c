/* Wrong: releases twice. The cancel branch cleans up, then falls through to the normal
 * cleanup, which closes and releases again. */
#include "harness.h"

#include "task.h"

#include <errno.h>

void *worker(void *job)
{
    int rc = pool_lock_acquire();
    if (rc)
        return task_raise(rc, NULL);
    struct conn *c;
    rc = conn_open(&c);
    if (rc) {
        pool_lock_release();
        return task_raise(rc, NULL);
    }
    rc = conn_send(c, job);
    if (rc == -ECANCELED) {
        conn_close(c);
        pool_lock_release();
    } /* the mistake: no return here */
    conn_close(c);
    pool_lock_release();
    return rc ? task_raise(rc, NULL) : "sent";
}
