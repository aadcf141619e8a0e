/*
 * workers.h — one job, run by N workers in one of three ways: one after another in a
 * single thread, in N threads, or in N fork()ed processes.
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

struct job {
    /* One worker's work, run with the GIL held; returns a value to check. */
    uint64_t (*fn)(struct interp *in, int who, const void *arg);
    const void *arg;
    uint64_t expected; /* what fn must return */
};

enum way { WAY_SEQUENTIAL, WAY_THREADS, WAY_PROCESSES };
enum { WORKERS_MAX = 64 };

struct run {
    int workers;
    int correct;       /* workers whose result was the expected one */
    double seconds;    /* from the start of the first worker to the end of the last */
    double first_done; /* when the first worker finished, as a fraction of `seconds` */
};

struct run run_workers(enum way way, struct interp *in, const struct job *job, int workers);

#endif
