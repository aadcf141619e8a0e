/*
 * bounded_gather.c — the reference: `limit` workers share the batch.
 *
 * Each worker takes the next job nobody has started, runs it as a task, waits for it,
 * and goes back for another, until none is left. So at most `limit` jobs run at once, and
 * a worker whose job ends starts the next one at once. A gather of the workers waits for
 * them all; if our caller is cancelled, the gather cancels the workers, each worker's
 * cancel reaches the job it awaits, and the gather ends only once every worker has.
 */
#include "harness.h"

#include "check.h"
#include "future.h"
#include "gather.h"

#include <errno.h>
#include <stdlib.h>

struct batch {
    const struct job *jobs;
    size_t n, next; /* the next job nobody has started */
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
        /* -ECANCELED from the job alone is its outcome; if we were cancelled, stop. */
        if (task_cancelling(current_task()) > 0)
            return task_raise(-ECANCELED, "worker");
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
    /* return_exceptions: when cancelled, it ends only after every worker has ended. */
    struct future *all = gather(futures, count, GATHER_RETURN_EXCEPTIONS);
    int rc = await_future(all, NULL);
    future_unref(all);
    for (size_t w = 0; w < count; w++)
        task_release(workers[w]);
    free(workers);
    free(futures);
    return rc == -ECANCELED ? -ECANCELED : 0;
}
