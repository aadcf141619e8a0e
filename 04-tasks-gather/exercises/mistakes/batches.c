/*
 * Mistake: the jobs go in batches of `limit`, and each batch waits for its slowest job
 * before the next starts: never more than `limit` at once, but the slots stand empty
 * while the slow job runs on.
 * expect: batches that wait for their slowest job
 */
#include "harness.h"

#include <errno.h>

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    struct task *batch[64];
    if (limit > 64)
        limit = 64;
    for (size_t first = 0; first < n; first += limit) {
        size_t count = n - first < limit ? n - first : limit;
        for (size_t k = 0; k < count; k++)
            batch[k] = create_task(jobs[first + k].name, jobs[first + k].fn, jobs[first + k].arg);
        bool cancelled = false;
        for (size_t k = 0; k < count; k++) {
            out[first + k].result = NULL;
            out[first + k].rc = await_task(batch[k], &out[first + k].result);
            task_release(batch[k]);
            cancelled |= task_cancelling(current_task()) > 0;
        }
        if (cancelled)
            return -ECANCELED;
    }
    return 0;
}
