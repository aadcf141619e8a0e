/*
 * harness.h — what chapter 04's exercise gives you: a batch of jobs, the slot for each
 * job's outcome, and the function you write in bounded_gather.c.
 * harness.c is the program around it: its demo and its checks.
 */
#ifndef EXERCISE_HARNESS_H
#define EXERCISE_HARNESS_H

#include "task.h"

#include <stddef.h>

/* One job of the batch: what create_task(name, fn, arg) needs to run it as a task. */
struct job {
    const char *name;
    task_fn *fn;
    void *arg;
};

/* How job i ended: rc 0 and its result, or its error's code (-ECANCELED: cancelled). */
struct outcome {
    int rc;
    void *result;
};

/*
 * Yours, in bounded_gather.c: run the n jobs as tasks with at most `limit` running at once
 * (limit >= 1), starting the next job as soon as any running one ends. out[i] receives
 * job i's outcome, whatever order they end in; a failing job does not stop the others.
 * Returns 0 once every job has ended. If the task calling it is cancelled, it cancels the
 * jobs still running, starts no new one, waits until those it started have ended, and
 * returns -ECANCELED. Every task it creates, it releases.
 */
int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out);

#endif
