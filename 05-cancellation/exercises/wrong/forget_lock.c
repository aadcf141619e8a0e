/* Wrong: forgets one resource. Cancelled during the send, it closes the connection but
 * never releases the lock. */
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
    if (rc) {
        conn_close(c);
        return task_raise(rc, NULL); /* the mistake: the lock is still held */
    }
    conn_close(c);
    pool_lock_release();
    return "sent";
}
