/*
 * Mistake: the limit is ignored. Every job is created at once and gathered: the results
 * are right and in order, but with 10,000 jobs that is 10,000 connections at once.
 * expect: all six ran at once: the limit is ignored
 */
#include "harness.h"

#include "check.h"
#include "future.h"
#include "gather.h"

#include <stdlib.h>

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    (void)limit;
    struct task **tasks = xcalloc(n + 1, sizeof *tasks);
    struct future **futures = xcalloc(n + 1, sizeof *futures);
    for (size_t i = 0; i < n; i++) {
        tasks[i] = create_task(jobs[i].name, jobs[i].fn, jobs[i].arg);
        futures[i] = task_future(tasks[i]);
    }
    struct future *all = gather(futures, n, GATHER_RETURN_EXCEPTIONS);
    int rc = await_future(all, NULL);
    for (size_t i = 0; i < n; i++) {
        out[i].result = NULL;
        out[i].rc = rc == 0 ? gather_result(all, i, &out[i].result) : rc;
        task_release(tasks[i]);
    }
    future_unref(all);
    free(tasks);
    free(futures);
    return rc;
}
