/*
 * Mistake: a window that waits for its oldest job, not for the first to end. Jobs are
 * awaited in the order they started, so when a later job ends first its slot stays empty
 * until the oldest one is done.
 * expect: not the oldest
 */
#include "harness.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    struct task **tasks = xcalloc(n + 1, sizeof *tasks);
    size_t started = 0, oldest = 0;
    int rc = 0;
    while (oldest < n) {
        while (rc == 0 && started < n && started - oldest < limit) {
            tasks[started] = create_task(jobs[started].name, jobs[started].fn, jobs[started].arg);
            started++;
        }
        if (oldest == started)
            break;
        out[oldest].result = NULL;
        out[oldest].rc = await_task(tasks[oldest], &out[oldest].result);
        task_release(tasks[oldest]);
        oldest++;
        if (task_cancelling(current_task()) > 0 && rc == 0) {
            rc = -ECANCELED;
            for (size_t i = oldest; i < started; i++)
                task_cancel(tasks[i]);
        }
    }
    free(tasks);
    return rc;
}
