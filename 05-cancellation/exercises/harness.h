/*
 * harness.h — what chapter 05's exercise gives you: a pool lock and connections, each
 * with the calls a worker makes, and the worker you write in worker.c.
 * harness.c runs your worker through four scenarios on the loop's virtual clock and
 * records, for the checker, what it held, what it gave back, in what order, and how it ended.
 *
 * Every call that waits returns 0, or -ECANCELED when the task is cancelled there.
 */
#ifndef EXERCISE_HARNESS_H
#define EXERCISE_HARNESS_H

struct conn;

/*
 * The pool lock: one worker at a time may use the connections. Acquire waits while
 * another task holds it. Release gives it back; only its holder may release it.
 */
int pool_lock_acquire(void);
void pool_lock_release(void);

/* Connect (0.1 s): 0 and *out, or an error with *out = NULL (nothing to close). */
int conn_open(struct conn **out);

/* Send a job over an open connection (1 s). */
int conn_send(struct conn *c, const char *job);

/*
 * Say goodbye and close (0.05 s: the server must hear it, or it keeps the session).
 * Closes the connection whatever it returns; close each open connection exactly once.
 */
int conn_close(struct conn *c);

/* Yours, in worker.c: the body of a task (task.h) that sends one job. */
void *worker(void *job);

#endif
