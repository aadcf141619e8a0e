/*
 * shield.h — asyncio.shield(): await work without letting a cancel reach it.
 *
 *     struct task *save = create_task("save", save_body, doc);
 *     struct future *guard = shield(task_future(save));
 *     int err = await_future(guard, NULL);  // -ECANCELED at once if this task is cancelled,
 *     future_unref(guard);                  // while "save" runs on to its end
 *     task_release(save);
 *
 * shield() returns a new future, the outer, that ends as the inner does. Cancelling the
 * outer (future_cancel, or cancelling the task that awaits it) cancels the outer alone.
 *
 * Laws, each tested in tests/unit/shield.c:
 * - Cancelling the outer, or the task awaiting it, leaves the inner running; the awaiting
 *   task gets -ECANCELED at once, without waiting for the inner.
 * - The inner's outcome (result, or error code and message) passes to the outer, unless
 *   the outer was cancelled first: the outer takes it (one owner, future.h), so after the
 *   outer's reader has it, await_task on the inner gets -EALREADY. An inner cancelled some
 *   other way cancels the outer.
 * - Once the outer is cancelled, the inner keeps no callback of it: shielding and cancelling
 *   again and again piles nothing up on the inner (asyncio's bpo-35125).
 * - shield() of a future already done returns that future itself, with a new reference.
 * - The inner's error is retrieved by the outer only when the outer takes it on: an inner
 *   failing after the outer was cancelled is reported "never retrieved" unless someone
 *   reads it, as in Python 3.13 (3.14's extra "exception in shielded future" log is not
 *   copied).
 * - Ownership: shield() takes nothing from the caller. The caller releases the future
 *   shield() returned (future_unref) and still releases the inner as before (task_release
 *   for a task). The outer holds a reference on the inner until the outer is freed, and a
 *   running task holds one on itself until its body returns: a shielded task cut off from
 *   its caller runs to its end even after every caller let go (asyncio keeps only weak
 *   references and may lose it, gh-94972), and async_run cancels it if it outlives main.
 */
#ifndef LAB_SHIELD_H
#define LAB_SHIELD_H

struct future;

/* A future that ends as `inner` does but whose cancel does not reach `inner`, with one
 * reference owned by the caller (see the laws). */
struct future *shield(struct future *inner);

#endif
