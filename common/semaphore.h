/*
 * semaphore.h — asyncio.Semaphore and BoundedSemaphore: at most N tasks past this point.
 *
 *     struct semaphore *slots = semaphore_new(3);       // three downloads at a time
 *     ...                                               // in each task:
 *     int err = semaphore_acquire(slots);               // waits while all three are taken
 *     if (err)
 *         return task_raise(err, "waiting for a slot");
 *     err = download(url);
 *     semaphore_release(slots);                         // always, error or not
 *
 * The semaphore holds a value: the permits left. Acquire takes one, waiting while there
 * is none; release gives one back and lets the longest-waiting task have it.
 *
 * The laws (asyncio's: ASYNCIO-LAWS §2.6), each tested in tests/unit/semaphore.c:
 * - First come, first served: semaphore_locked() is true while the value is 0 or any
 *   task waits (not cancelled), so a newcomer cannot take a permit ahead of a waiter.
 * - A release wakes the first waiter still waiting, and takes the permit for it then:
 *   the value never goes below 0 and never counts a permit twice.
 * - A waiter cancelled at the moment it is woken returns -ECANCELED and gives the permit
 *   back, to the next waiter: no permit is lost or leaked, no waiter hangs.
 * - A cancelled waiter leaves nothing behind.
 * - semaphore_new refuses a negative value (NULL, errno EINVAL). A bounded semaphore
 *   refuses a release that would raise the value above the initial one (-EINVAL): a
 *   release without an acquire is a bug it catches.
 * - semaphore_acquire returns -EPERM outside a task, even when it would not wait.
 * - semaphore_free dies while a task waits.
 * - Not thread-safe (nor is asyncio's): use it from the loop's thread only.
 */
#ifndef LAB_SEMAPHORE_H
#define LAB_SEMAPHORE_H

#include <stdbool.h>

struct semaphore;

/* A semaphore with `value` permits (asyncio.Semaphore(value)); NULL, errno EINVAL if < 0. */
struct semaphore *semaphore_new(int value);

/* The same, refusing to be released above `value` (asyncio.BoundedSemaphore). */
struct semaphore *bounded_semaphore_new(int value);

void semaphore_free(struct semaphore *s);

/* Take a permit, waiting for one first come, first served: 0, or -ECANCELED. */
int semaphore_acquire(struct semaphore *s);

/* Give a permit back: 0, or -EINVAL from a bounded semaphore already at its value. */
int semaphore_release(struct semaphore *s);

/* True when an acquire would wait (asyncio's locked()). */
bool semaphore_locked(const struct semaphore *s);

/* The permits left now. */
int semaphore_value(const struct semaphore *s);

#endif
