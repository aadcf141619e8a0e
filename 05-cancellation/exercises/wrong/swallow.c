/* Wrong: swallows the cancel. It cleans up well, then decides the job is over and returns
 * a result: whoever awaits it (its caller, a shutdown) never learns it was cancelled. */
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
    if (rc == 0) {
        rc = conn_send(c, job);
        conn_close(c);
    }
    pool_lock_release();
    if (rc == -ECANCELED)
        return "cancelled, cleaned up"; /* the mistake: a result, not the cancel */
    return rc ? task_raise(rc, NULL) : "sent";
}
