/*
 * wait_for.h — asyncio.wait_for(): await a future, but not for longer than `timeout`.
 *
 *     struct task *t = create_task("fetch", fetch, url);
 *     void *page;
 *     int err = wait_for(task_future(t), 2.0, &page);  // -ETIMEDOUT: fetch was cancelled,
 *     task_release(t);                                 // and has finished its cleanup
 *
 * Built on the timeout scope (timeout.h), as Python 3.12+ builds it: a scope around one
 * await_future. When the deadline passes, the scope cancels this task, whose cancel goes
 * on to the future it awaits (a task is cancelled in turn); the await ends only once
 * that future is done, and the scope turns the -ECANCELED into -ETIMEDOUT.
 *
 * Laws, each tested in tests/unit/wait_for.c:
 * - On timeout the future is cancelled and waited for: a task's cleanup has finished (its
 *   awaits included) before -ETIMEDOUT comes back.
 * - If the future does not end cancelled (a task that swallows the cancel and returns a
 *   value), its outcome is returned instead of -ETIMEDOUT: the value, or its error.
 * - A cancel of the caller is never lost: it cancels the future too and comes back as
 *   -ECANCELED, even when the future finished in the same turn (3.11's bpo-42130 bug,
 *   which returned the result and dropped the cancel, cannot happen here).
 * - timeout <= 0: a future already done gives its outcome; one not done is cancelled and
 *   waited for, then -ETIMEDOUT (or its outcome, if it did not end cancelled). A task not
 *   yet started never runs.
 * - timeout INFINITY is a plain await_future.
 * - A future that refuses the cancel (a job already running in a thread) is waited for to
 *   its end; then -ETIMEDOUT, and its outcome stays in it (with timeout <= 0, that outcome
 *   is returned instead, as asyncio does).
 * - The outcome is read as await_future reads it (one owner: future.h).
 *
 * A plain function, run in the caller's task: asyncio runs a coroutine passed to wait_for
 * inside the caller's task, with no new task. C has no coroutine object to pass, and needs
 * none: that wait_for *is* a timeout scope around the call, so write the scope:
 *
 *     struct timeout *to = timeout(2.0);
 *     int err = timeout_enter(to);
 *     if (err == 0)
 *         err = fetch_in_this_task(url);        // its awaits are cut at the deadline
 *     err = timeout_exit(to, err);
 *
 * One difference: asyncio's wait_for(coro, 0) never starts the coroutine, while the call
 * above runs until its first suspension, which then returns -ECANCELED (-ETIMEDOUT at exit).
 */
#ifndef LAB_WAIT_FOR_H
#define LAB_WAIT_FOR_H

struct future;

/*
 * Await `f` (a task's task_future, a job, any future of this loop) for at most `timeout`
 * seconds: 0 with its result in *result (may be NULL), its error's code, -ECANCELED if it
 * was cancelled or this task was, -ETIMEDOUT (see the laws). -EPERM outside a task,
 * -EXDEV for a future of another loop, -EINVAL if timeout is NaN.
 */
int wait_for(struct future *f, double timeout, void **result);

#endif
