/* Wrong: catches the timeout instead of the cancel. Its caller gives up with a deadline,
 * so it cleans up on -ETIMEDOUT; but a deadline reaches the task it cancels as
 * -ECANCELED (only the caller sees -ETIMEDOUT), so the cleanup never runs. */
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
    if (rc == -ETIMEDOUT) { /* the mistake, here and below */
        pool_lock_release();
        return task_raise(rc, NULL);
    }
    if (rc)
        return task_raise(rc, NULL);
    rc = conn_send(c, job);
    if (rc == -ETIMEDOUT) {
        conn_close(c);
        pool_lock_release();
        return task_raise(rc, NULL);
    }
    if (rc)
        return task_raise(rc, NULL);
    conn_close(c);
    pool_lock_release();
    return "sent";
}
