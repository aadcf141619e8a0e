/*
 * workers.h — one job, run by N workers in one of six ways: one after another in a
 * single thread, in N threads, in N fork()ed processes, in N tasks on an event loop, or
 * in N tasks that each hand the job to a pool of N threads or N worker processes
 * (run_in_executor).
 *
 * Two runs differ only in the way chosen and in the interpreter given (with or without
 * the GIL), so their times compare like with like. Each worker's result is checked
 * against what the job must return, and the time each worker finished is kept: it tells
 * workers that took turns (all finish near the end) from workers that ran one after
 * the other (the first finishes early).
 */
#ifndef CH01_WORKERS_H
#define CH01_WORKERS_H

#include "interp.h"

#include <stdint.h>

typedef uint64_t job_fn(struct interp *in, int who, const void *arg);

struct job {
    /* One worker's work, run with the GIL held; returns a value to check. */
    job_fn *fn;
    const void *arg;
    uint64_t expected; /* what fn must return */
    /* The same work written for a task, awaiting where fn blocks (NULL: fn, which has
     * nothing to await). WAY_TASKS runs it. */
    job_fn *on_loop;
};

enum way {
    WAY_SEQUENTIAL,
    WAY_THREADS,
    WAY_PROCESSES,
    WAY_TASKS,
    WAY_TASKS_THREADS, /* a thread pool's threads run the job, under the GIL */
    WAY_TASKS_POOL,    /* a process pool's workers run the job, each under its own GIL */
};
enum { WORKERS_MAX = 64 };

struct run {
    int workers;
    int correct;       /* workers whose result was the expected one */
    double seconds;    /* from the start of the first worker to the end of the last */
    double first_done; /* when the first worker finished, as a fraction of `seconds` */
};

struct run run_workers(enum way way, struct interp *in, const struct job *job, int workers);

#endif
