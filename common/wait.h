/*
 * wait.h — asyncio.wait and asyncio.as_completed: wait for some of a set of futures.
 *
 *     struct task *t[2] = {create_task("a", fetch, "/a"), create_task("b", fetch, "/b")};
 *     struct future *fs[2] = {task_future(t[0]), task_future(t[1])};
 *     bool done[2];
 *     int err = async_wait(fs, 2, WAIT_FIRST_COMPLETED, 5.0, done);  // done, pending =
 *     if (err)                                                       //   await wait(...)
 *         return task_raise(err, "waiting");                          // -ECANCELED only
 *     for (size_t i = 0; i < 2; i++)
 *         if (!done[i])
 *             task_cancel(t[i]);           // what is still pending is yours to cancel
 *
 *     struct as_completed *it = as_completed(fs, 2, 10.0);
 *     struct future *f;
 *     size_t i;
 *     while ((err = as_completed_next(it, &f, &i)) == 0)
 *         say("%s is done", task_name(t[i]));   // f is fs[i]: read it with future_result()
 *     as_completed_free(it);               // err is -ENODATA (all handed out),
 *                                          // -ETIMEDOUT or -ECANCELED
 *
 * The laws, each tested in tests/unit/wait.c:
 * - WAIT_FIRST_COMPLETED returns when any future is done, cancelled ones included.
 * - WAIT_FIRST_EXCEPTION returns when any future ends with an error; a cancelled future is
 *   not an error here, so with no error it returns when all are done, as ALL_COMPLETED.
 * - WAIT_ALL_COMPLETED returns when every future is done.
 * - async_wait never cancels anything: not when its timeout passes (it returns 0, and the
 *   unfinished futures are still running, pending in done[]), not when the waiting task is
 *   cancelled (it returns -ECANCELED and only takes back its done callbacks).
 * - done[] is filled from the futures themselves when async_wait returns, so it may show
 *   more than one done even with WAIT_FIRST_COMPLETED.
 * - Futures already done still come back through their done callbacks, a loop turn later:
 *   async_wait always gives the other tasks a turn.
 * - A future listed twice is waited for once (asyncio waits on set(fs)): both entries of
 *   done[] say the same.
 * - An empty set is refused (-EINVAL), as asyncio's ValueError. asyncio's TypeError for a
 *   coroutine in the set has no C twin: only futures can be passed.
 * - async_wait and as_completed never read an outcome: an error is still the caller's to
 *   retrieve (asyncio's FIRST_EXCEPTION reads the error that ends the wait; here the
 *   caller does, or the loop reports it as never retrieved).
 * - as_completed hands out the futures themselves, each once, in the order they finished;
 *   its timeout, fixed when it is made (as in Python 3.13; 3.11 and 3.12 start it at the
 *   first iteration), ends the iteration with -ETIMEDOUT (the futures finished before it
 *   still come first) and cancels nothing.
 */
#ifndef LAB_WAIT_H
#define LAB_WAIT_H

#include <stdbool.h>
#include <stddef.h>

struct future;

enum wait_when {
    WAIT_FIRST_COMPLETED, /* asyncio.FIRST_COMPLETED */
    WAIT_FIRST_EXCEPTION, /* asyncio.FIRST_EXCEPTION */
    WAIT_ALL_COMPLETED,   /* asyncio.ALL_COMPLETED, wait()'s default */
};

/*
 * Wait, in a task, until `when` is met or `timeout` seconds have passed (INFINITY: no
 * timeout; 0: a loop turn). Returns 0 either way, with done[i] telling whether fs[i] is
 * done (done may be NULL); -ECANCELED if this task was cancelled (done[] still filled).
 * Refused, with nothing waited for: -EINVAL (n is 0, fs or an entry NULL, `when` unknown,
 * timeout NaN), -EPERM (not in a task), -EXDEV (a future of another loop).
 */
int async_wait(struct future *const *fs, size_t n, enum wait_when when, double timeout,
               bool *done);

/* An iteration over futures in the order they finish (asyncio.as_completed). */
struct as_completed;

/*
 * Start one over fs[0..n) on the running loop (n may be 0; duplicates count once), with a
 * deadline `timeout` seconds from now (INFINITY: none). It holds a reference on each
 * future until freed. NULL with errno set: ESRCH (no running loop), EXDEV (a future of
 * another loop), EINVAL (fs or an entry NULL, timeout NaN).
 */
struct as_completed *as_completed(struct future *const *fs, size_t n, double timeout);

/*
 * The next future to finish, waiting for it if none is ready: 0 with *next set (and
 * *index, if not NULL, to its first position in fs). -ENODATA: every future has been
 * handed out. -ETIMEDOUT: the deadline passed (and every later call says so again).
 * -ECANCELED: this task was cancelled; nothing is lost, the next call goes on.
 * -EPERM outside a task; -EBUSY while another task waits on the same iteration.
 */
int as_completed_next(struct as_completed *it, struct future **next, size_t *index);

/* Stop the iteration and free it; the futures not handed out run on, untouched. */
void as_completed_free(struct as_completed *it);

#endif
