/*
 * lock.h — asyncio.Lock: one task at a time in a critical section that awaits.
 *
 *     struct lock *cache_lock = lock_new();
 *     ...                                        // in a task:
 *     int err = lock_acquire(cache_lock);        // waits while another task holds it
 *     if (err)
 *         return task_raise(err, "waiting for the cache");
 *     err = refresh_cache();                     // may await: the others still wait
 *     lock_release(cache_lock);                  // always, error or not
 *
 * Why a lock on one thread: between two suspension points nothing else runs, so code
 * that does not await needs no lock. A critical section that awaits (read, await the
 * network, write) is another matter: other tasks run in the middle of it.
 *
 * The laws (asyncio's, ASYNCIO-LAWS §2.6's for the semaphore, which the lock shares),
 * each tested in tests/unit/lock.c:
 * - First come, first served: a release wakes the longest-waiting task, and a newcomer
 *   does not take the lock while a waiter woken for it has not yet run.
 * - A waiter cancelled while it waits, or at the moment it is woken, returns -ECANCELED
 *   and, if the lock is free, wakes the next waiter: the lock is never left free while
 *   a task waits for it.
 * - The lock has an owner: the task that acquired it. lock_release by any other task
 *   (or outside a task) returns -EPERM and changes nothing. asyncio's Lock has no owner
 *   and lets any task release it; here a release from the wrong task is taken for what
 *   it nearly always is, a bug that would let two tasks into the critical section, and
 *   refused, as an error-checking pthread mutex refuses it (EPERM).
 * - A task that acquires a lock it holds gets -EDEADLK at once (asyncio would wait for
 *   ever; an error-checking pthread mutex says EDEADLK too).
 * - A task that ends while it holds the lock leaves it locked for good (asyncio's does the
 *   same): release it on every way out of the critical section, errors and cancels too.
 * - lock_acquire returns -EPERM outside a task. lock_free dies while a task waits.
 * - Not thread-safe: a lock between tasks of one loop, not between threads
 *   (pthread_mutex_t is that).
 */
#ifndef LAB_LOCK_H
#define LAB_LOCK_H

#include <stdbool.h>

struct lock;
struct task;

struct lock *lock_new(void);
void lock_free(struct lock *l);

/* Take the lock, waiting for it first come, first served: 0, -ECANCELED, -EDEADLK. */
int lock_acquire(struct lock *l);

/* Give it up: 0, or -EPERM if the calling task does not hold it. */
int lock_release(struct lock *l);

bool lock_locked(const struct lock *l);

/* The task that holds it, or NULL. */
struct task *lock_owner(const struct lock *l);

#endif
