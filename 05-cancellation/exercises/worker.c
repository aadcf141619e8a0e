/*
 * worker.c — exercise: make a worker cancel-safe.
 *
 * The worker takes the pool lock, opens a connection, sends a job, closes the connection
 * and releases the lock. As shipped it is right only when nothing goes wrong: cancel it
 * anywhere and it leaves what it holds behind, so the next worker waits for a lock that
 * nobody will release. Make it give back exactly what it took, on every path:
 *   - TODO 1: a cancel can arrive at any await: while it waits for the lock, while it
 *     connects, while it sends. At each, release what is held by then, and only that.
 *   - TODO 2: close the connection before releasing the lock (the lock guards the
 *     connection until its close has returned), each exactly once. A cancel is delivered
 *     once: conn_close can still await its goodbye after one.
 *   - TODO 3: let the cancel go on: end with task_raise(-ECANCELED, ...), not a result.
 * A caller's deadline reaches the worker as a cancel too: the worker sees -ECANCELED;
 * only the caller sees -ETIMEDOUT.
 * Run `make exercise-5` until it says everything is right; `worker` alone shows the
 * four scenarios (LAB_VIRTUAL_CLOCK=1 runs them at once).
 */
#include "harness.h"

#include "task.h"

void *worker(void *job)
{
    struct conn *c;
    int rc = pool_lock_acquire();
    if (rc)
        return task_raise(rc, NULL);
    rc = conn_open(&c);
    if (rc)
        return task_raise(rc, NULL); /* TODO 1: the lock is held here */
    rc = conn_send(c, job);
    if (rc)
        return task_raise(rc, NULL); /* TODO 1, 2: the lock and the connection are held */
    conn_close(c);
    pool_lock_release();
    return "sent";
}
