/*
 * Mistake: a worker stops at the first job that fails (`if (rc) break;`), so from then
 * on fewer jobs run at once: every job still runs, its error in its slot, but the batch
 * takes longer, and a batch where every worker meets a failure stops altogether.
 * expect: a failure takes no slot away
 */
#include "harness.h"

#include "check.h"
#include "future.h"
#include "gather.h"

#include <errno.h>
#include <stdlib.h>

struct batch {
    const struct job *jobs;
    size_t n, next;
    struct outcome *out;
};

static void *worker(void *arg)
{
    struct batch *b = arg;
    while (b->next < b->n) {
        size_t i = b->next++;
        struct task *t = create_task(b->jobs[i].name, b->jobs[i].fn, b->jobs[i].arg);
        b->out[i].result = NULL;
        b->out[i].rc = await_task(t, &b->out[i].result);
        task_release(t);
        if (task_cancelling(current_task()) > 0)
            return task_raise(-ECANCELED, "worker");
        if (b->out[i].rc)
            break;
    }
    return NULL;
}

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    struct batch b = {jobs, n, 0, out};
    size_t count = limit < n ? limit : n;
    struct task **workers = xcalloc(count + 1, sizeof *workers);
    struct future **futures = xcalloc(count + 1, sizeof *futures);
    for (size_t w = 0; w < count; w++) {
        workers[w] = create_task("worker", worker, &b);
        futures[w] = task_future(workers[w]);
    }
    struct future *all = gather(futures, count, GATHER_RETURN_EXCEPTIONS);
    int rc = await_future(all, NULL);
    future_unref(all);
    for (size_t w = 0; w < count; w++)
        task_release(workers[w]);
    free(workers);
    free(futures);
    return rc == -ECANCELED ? -ECANCELED : 0;
}
