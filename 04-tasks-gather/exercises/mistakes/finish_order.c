/*
 * Mistake: outcomes stored in the order the jobs end (out[done++]), as a list that
 * grows would be: job 1 ends first and lands in out[0].
 * expect: out\[0\] holds another job's result
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
    size_t done;    /* how many have ended */
    struct outcome *out;
};

static void *worker(void *arg)
{
    struct batch *b = arg;
    while (b->next < b->n) {
        size_t i = b->next++;
        struct task *t = create_task(b->jobs[i].name, b->jobs[i].fn, b->jobs[i].arg);
        void *result = NULL;
        int rc = await_task(t, &result);
        b->out[b->done].result = result;
        b->out[b->done++].rc = rc;
        task_release(t);
        /* -ECANCELED from the job alone is its outcome; if we were cancelled, stop. */
        if (task_cancelling(current_task()) > 0)
            return task_raise(-ECANCELED, "worker");
    }
    return NULL;
}

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    struct batch b = {jobs, n, 0, 0, out};
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
