/*
 * bounded_gather.c — exercise: a gather that runs at most `limit` jobs at once.
 *
 * asyncio's answer is a Semaphore around each job (A3 AsyncService.execute_batch); here you
 * build the limit yourself, from create_task, await and cancel. harness.h says exactly
 * what bounded_gather must do. As shipped it runs the jobs one after another: right
 * results, but six jobs that could take 0.5 s take 0.9 s, and a cancel of the caller is
 * taken for one job's error. Two ways that work (pick one):
 *   - `limit` worker tasks, each taking the next job not yet started and running it as a
 *     task, until none is left; gather the workers;
 *   - a window: start `limit` jobs, and each time one ends start the next (a done callback
 *     tells you, or async_wait(..., WAIT_FIRST_COMPLETED, ...) from wait.h).
 * Then the cancel: await_task returns -ECANCELED when the job was cancelled *or* when your
 * own task was; task_cancelling(current_task()) > 0 tells which. On your own cancel, start
 * nothing more, let the running jobs end (cancelled), and return -ECANCELED.
 * Run `make exercise-4` until it says everything is right; `build/04-tasks-gather/
 * exercises/bounded_gather` alone shows the demo.
 */
#include "harness.h"

#include <errno.h>

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    (void)limit; /* TODO 1: run up to `limit` jobs at once, the next as soon as one ends */
    for (size_t i = 0; i < n; i++) {
        struct task *t = create_task(jobs[i].name, jobs[i].fn, jobs[i].arg);
        out[i].result = NULL;
        out[i].rc = await_task(t, &out[i].result);
        task_release(t);
        /* TODO 2: when *this* task was cancelled, start no new job: return -ECANCELED */
    }
    return 0;
}
