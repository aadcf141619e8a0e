/*
 * interp.h — a toy interpreter: runs "Python code" with or without the simulated GIL.
 *
 * Python code is a stream of bytecodes. Here a bytecode is INTERP_BYTECODE turns of the
 * counting loop (a few microseconds), and between two bytecodes the running thread
 * looks at the eval breaker, as CPython's eval loop does. A blocking call (a sleep,
 * standing for a socket read or time.sleep) releases the GIL around the wait, as
 * CPython's Py_BEGIN_ALLOW_THREADS does, unless it is told to keep it.
 *
 * The interpreter also checks the GIL's promise. It counts the threads executing a
 * bytecode at this instant and keeps the highest count it ever saw: with the GIL that
 * must be 1; without it, on a machine with several cores, it reaches the number of
 * threads. It counts the workers waiting in a blocking call the same way: more than one
 * at once is waits that overlapped. The counters live in memory shared with fork()ed
 * children, so processes are counted too, while each child works with its own copy of
 * the GIL — as every Python process has its own interpreter and its own lock.
 */
#ifndef CH01_INTERP_H
#define CH01_INTERP_H

#include "gil.h"

#include <stdbool.h>
#include <stdint.h>

enum { INTERP_BYTECODE = 20000 };

struct interp;

/* An interpreter with a GIL of the given switch interval (seconds), or free-threaded. */
struct interp *interp_new(bool with_gil, double switch_interval);
void interp_free(struct interp *in);

/* A thread starts or stops running Python code: it takes or drops the GIL. */
void interp_enter(struct interp *in, int who);
void interp_leave(struct interp *in, int who);

/* The article's `for _ in range(n): count += 1`, one bytecode at a time. Returns the count. */
uint64_t interp_count(struct interp *in, int who, uint64_t n);

/* A blocking call of `seconds`, with the GIL released around it or kept. */
void interp_blocking_call(struct interp *in, int who, double seconds, bool release_gil);

/* A worker starts or ends a wait of its own (an await on the loop): counted as a blocking
 * call is, so the waits seen at once prove they overlapped, whatever the clock says. */
void interp_wait_begin(struct interp *in);
void interp_wait_end(struct interp *in);

struct interp_stats {
    int most_running;             /* most threads seen executing a bytecode at once */
    int most_waiting;             /* most workers seen in a blocking call or a wait at once */
    unsigned long bytecodes;      /* bytecodes executed (each one checked) */
    struct gil_stats gil;         /* zero when free-threaded */
};
struct interp_stats interp_stats(struct interp *in);

/* The interpreter's GIL (NULL when free-threaded), for its history. */
struct gil *interp_gil(struct interp *in);

#endif
