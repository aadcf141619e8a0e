/*
 * condition.h — asyncio.Condition: wait, under a lock, until another task says that
 * what you wait for may have changed.
 *
 *     struct condition *c = condition_new(NULL);     // with a lock of its own
 *     ...                                            // a consumer task:
 *     condition_acquire(c);
 *     int err = condition_wait_for(c, has_items, stock);  // releases the lock while it waits
 *     if (err == 0)
 *         take_one(stock);                           // the lock is held again here
 *     condition_release(c);
 *     ...                                            // a producer task:
 *     condition_acquire(c);
 *     add_one(stock);
 *     condition_notify(c, 1);                        // wake one waiter
 *     condition_release(c);
 *
 * The laws (asyncio's, with the gh-112202 fix of 3.13), each tested in
 * tests/unit/condition.c:
 * - condition_wait releases the lock, waits for a notify, and takes the lock again
 *   before it returns, whatever happens: a cancelled wait also re-acquires the lock
 *   (waiting for it if need be) and only then returns -ECANCELED, as asyncio does. So
 *   the caller always holds the lock after a wait and always releases it.
 * - condition_notify(n) wakes up to n waiters, first come first served;
 *   condition_notify_all wakes every one. A notify with nobody waiting is lost: a
 *   condition remembers nothing (an Event does).
 * - A waiter notified but cancelled before it returned passes the notify on to the next
 *   waiter, so a notify is not lost to a task that will not act on it. (asyncio passes
 *   one on after any failed wait, notified or not, allowing a spurious wake-up; here
 *   only a notified one passes it on.)
 * - condition_wait_for(pred) returns once pred(arg) is true, checked under the lock
 *   before the first wait and after each wake-up: a wake-up is a hint, not a promise.
 * - wait and notify need the lock held by the calling task: -EPERM otherwise.
 * - condition_free dies while a task waits.
 * - Not thread-safe: between tasks of one loop (pthread_cond_t is for threads).
 */
#ifndef LAB_CONDITION_H
#define LAB_CONDITION_H

#include <stdbool.h>
#include <stddef.h>

struct condition;
struct lock;

/* A condition on `lock`, or on a lock of its own if `lock` is NULL. */
struct condition *condition_new(struct lock *lock);

/* Free the condition (and its own lock; a lock it was given stays yours). */
void condition_free(struct condition *c);

/* The lock it stands on, and three calls on that lock, as asyncio's Condition has. */
struct lock *condition_lock(const struct condition *c);
int condition_acquire(struct condition *c);
int condition_release(struct condition *c);
bool condition_locked(const struct condition *c);

/* Release the lock, wait for a notify, re-acquire the lock: 0, -ECANCELED, -EPERM. */
int condition_wait(struct condition *c);

/* Wait until pred(arg) is true: 0, -ECANCELED, -EPERM. */
int condition_wait_for(struct condition *c, bool (*pred)(void *arg), void *arg);

/* Wake up to n waiting tasks: 0, or -EPERM without the lock. */
int condition_notify(struct condition *c, size_t n);
int condition_notify_all(struct condition *c);

#endif
