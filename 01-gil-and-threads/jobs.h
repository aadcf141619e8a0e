/*
 * jobs.h — the chapter's two jobs, as workers (workers.h) run them.
 *
 * job_count is the articles' CPU-bound task, `for _ in range(n): count += 1`: it needs
 * the interpreter the whole time. job_io is an I/O-bound task: a little Python code,
 * then a blocking call, a few times over; it needs the interpreter only briefly.
 * job_io_async is job_io as a coroutine would write it, for the event loop.
 */
#ifndef CH01_JOBS_H
#define CH01_JOBS_H

#include "interp.h"

#include <stdbool.h>
#include <stdint.h>

/* Count to *(const uint64_t *)arg; returns the count. */
uint64_t job_count(struct interp *in, int who, const void *arg);

struct io_calls {
    int calls;        /* blocking calls per worker */
    double wait;      /* seconds each call blocks */
    uint64_t work;    /* loop turns of Python code before each call */
    bool release_gil; /* does the call release the GIL, as CPython's do? */
    bool verbose;     /* say() when each call starts */
};

/* Make the calls of *(const struct io_calls *)arg; returns how many were made. */
uint64_t job_io(struct interp *in, int who, const void *arg);

/*
 * The same calls written for a task on an event loop: each wait is awaited (asyncio.sleep
 * where job_io has time.sleep), so the loop runs the other tasks meanwhile. Call it from
 * a task; release_gil does not apply: the loop's one thread keeps the GIL.
 */
uint64_t job_io_async(struct interp *in, int who, const void *arg);

#endif
