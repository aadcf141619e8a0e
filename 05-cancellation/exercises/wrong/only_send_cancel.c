/* Wrong: thinks the cancel can only come during the long send. Cancelled while it
 * connects, it returns holding the lock. */
#include "harness.h"

#include "task.h"

void *worker(void *job)
{
    int rc = pool_lock_acquire();
    if (rc)
        return task_raise(rc, NULL);
    struct conn *c;
    rc = conn_open(&c);
    if (rc)
        return task_raise(rc, NULL); /* the mistake: the lock is held here too */
    rc = conn_send(c, job);
    conn_close(c);
    pool_lock_release();
    return rc ? task_raise(rc, NULL) : "sent";
}
