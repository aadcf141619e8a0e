/* Wrong: releases what it never took. One cleanup at the end closes and releases
 * whatever happened, so a worker cancelled while waiting for the lock releases another
 * worker's lock, and one cancelled while connecting closes a connection it never opened. */
#include "harness.h"

#include "task.h"

void *worker(void *job)
{
    struct conn *c = NULL;
    int rc = pool_lock_acquire();
    if (rc == 0)
        rc = conn_open(&c);
    if (rc == 0)
        rc = conn_send(c, job);
    conn_close(c);       /* the mistake: even if it never opened */
    pool_lock_release(); /* and even if the lock was never ours */
    return rc ? task_raise(rc, NULL) : "sent";
}
