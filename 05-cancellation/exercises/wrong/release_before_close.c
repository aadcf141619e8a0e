/* Wrong: gives the lock back before the connection's close has returned. Another worker
 * can take the lock and use a connection that is still saying goodbye. */
#include "harness.h"

#include "task.h"

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
    pool_lock_release(); /* the mistake: before conn_close has returned */
    conn_close(c);
    return rc ? task_raise(rc, NULL) : "sent";
}
