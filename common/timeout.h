/*
 * timeout.h — asyncio.timeout(): a deadline around any number of awaits in one task.
 *
 *     struct timeout *to = timeout(0.5);         // async with asyncio.timeout(0.5):
 *     int rc = timeout_enter(to);
 *     if (rc == 0)
 *         rc = fetch_both();                     //     await fetch(a); await fetch(b)
 *     rc = timeout_exit(to, rc);                 // -ETIMEDOUT if the deadline cut it short
 *
 * When the deadline passes, the scope cancels its task (task_cancel): the await running
 * then returns -ECANCELED, the code unwinds as it would for any cancel, and timeout_exit
 * turns that -ECANCELED into -ETIMEDOUT. It tells its own cancel from one that came from
 * outside by the task's cancel count (task_cancelling), as asyncio's Timeout does.
 *
 * A scope moves CREATED -> ENTERED -> (EXPIRING -> EXPIRED | EXITED): EXPIRING from the
 * moment its deadline cancels the task until timeout_exit, which ends it EXPIRED (if it
 * was expiring) or EXITED, and frees it.
 *
 * Laws, each tested in tests/unit/timeout.c:
 * - The deadline is fixed when timeout() is called (loop time + delay), not when the scope
 *   is entered; INFINITY means never.
 * - A scope is entered once, inside a task: entering it twice is -EALREADY, outside a task
 *   -EPERM.
 * - Entering records the task's cancel count (less a cancel not delivered yet, below); at
 *   the deadline the scope cancels the task once and is EXPIRING.
 * - timeout_exit takes back the scope's own cancel (task_uncancel) whenever the scope expired,
 *   so task_cancelling() is what it was at entry on every way out that brought no new cancel.
 * - It converts -ECANCELED to -ETIMEDOUT only if the scope expired and the count, after its
 *   uncancel, is <= the count recorded at entry.
 * - Precedence: a cancel from outside wins. One that arrived while the scope was active
 *   stays -ECANCELED, even when the deadline passed in the same turn (the count stays above
 *   the entry count); a scope that did not expire never converts anything.
 * - Nested scopes: only the scope that expired converts; when several expired, the
 *   outermost of them does, and the inner ones pass -ECANCELED on to it.
 * - A cancel the task had before it entered (a cleanup after a swallowed cancel) does not
 *   stop the scope from timing out: the count at entry already includes it.
 * - A cancel asked for before entry but not delivered yet (task_cancel_pending) is delivered
 *   inside the scope and is a cancel from outside: it stays -ECANCELED even if the deadline
 *   fired too. Here the lab differs from asyncio, whose open gh-134471 turns it into a
 *   TimeoutError and the cancel is lost.
 * - A deadline already past fires at the loop's next turn, not at once: a body that never
 *   suspends finishes normally (not expired); one async_sleep(0) is enough to time out.
 * - Any other outcome passes through unchanged: 0 (the body swallowed the cancel) and errors
 *   other than -ECANCELED (asyncio chains a TimeoutError under them; a code cannot).
 * - timeout_reschedule works only while ENTERED: it is -EINVAL before entry and once the
 *   scope has expired (EXPIRING). INFINITY turns the deadline off.
 * - The scope belongs to the task that entered it: exiting it from another task dies,
 *   naming the task that entered it.
 *
 * Lifetime: timeout() and timeout_at() return a scope owned by the caller; timeout_exit
 * frees it in any state (so the pattern above needs no other cleanup, even when entering
 * failed). Read timeout_expired() before exiting if you need it afterwards. An entered
 * scope holds a reference on its task until it is exited: a task that returns without
 * exiting one leaks it, and loop_close says a future is still referenced.
 */
#ifndef LAB_TIMEOUT_H
#define LAB_TIMEOUT_H

#include <stdbool.h>

struct timeout;

/*
 * A scope with the deadline `delay` seconds from now on the running loop's clock
 * (asyncio.timeout(delay)); INFINITY: no deadline. NULL with errno ESRCH if no loop runs
 * in this thread, EINVAL if delay is NaN.
 */
struct timeout *timeout(double delay);

/* A scope with the deadline `when` on the loop's clock (asyncio.timeout_at); NULL with
 * errno EINVAL if `when` is NaN. */
struct timeout *timeout_at(double when);

/*
 * Enter the scope in the current task (`async with`): 0; -EPERM outside a task; -EALREADY
 * if it was entered before; -EINVAL for a NULL scope (timeout() failed).
 */
int timeout_enter(struct timeout *to);

/*
 * Leave the scope with the body's outcome `rc` and free it: returns rc, except that the
 * -ECANCELED this scope's own expiry caused comes back as -ETIMEDOUT (see the laws).
 * A NULL scope returns rc.
 */
int timeout_exit(struct timeout *to, int rc);

/*
 * Move the deadline to `when` (loop time; INFINITY: none) while the scope is ENTERED: 0,
 * or -EINVAL in any other state (not entered yet, expiring). A deadline already past fires
 * at the loop's next turn.
 */
int timeout_reschedule(struct timeout *to, double when);

/* The deadline on the loop's clock, INFINITY if none. */
double timeout_when(const struct timeout *to);

/* Whether the deadline has cancelled the task (EXPIRING or EXPIRED). */
bool timeout_expired(const struct timeout *to);

#endif
