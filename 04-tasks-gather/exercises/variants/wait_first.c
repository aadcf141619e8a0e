/*
 * A correct bounded_gather written another way: asyncio's own idiom, a window refilled
 * after each `asyncio.wait(running, return_when=FIRST_COMPLETED)`.
 *
 * Start up to `limit` jobs; wait until at least one is done; read every one that is;
 * start as many new ones as slots freed; again, until none is left. When the wait returns
 * -ECANCELED our task was cancelled: cancel what runs, start nothing more, and keep
 * waiting until what runs has ended.
 */
#include "harness.h"

#include "check.h"
#include "future.h"
#include "wait.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    struct task **tasks = xcalloc(n + 1, sizeof *tasks); /* tasks[i] while job i runs */
    struct future **fs = xcalloc(n + 1, sizeof *fs);
    size_t *which = xcalloc(n + 1, sizeof *which);
    bool *done = xcalloc(n + 1, sizeof *done);
    size_t next = 0, running = 0;
    int rc = 0;
    while (next < n || running > 0) {
        for (; rc == 0 && next < n && running < limit; next++, running++)
            tasks[next] = create_task(jobs[next].name, jobs[next].fn, jobs[next].arg);
        if (running == 0)
            break;
        size_t k = 0;
        for (size_t i = 0; i < next; i++)
            if (tasks[i]) {
                fs[k] = task_future(tasks[i]);
                which[k++] = i;
            }
        int waited = async_wait(fs, k, WAIT_FIRST_COMPLETED, INFINITY, done);
        for (size_t j = 0; j < k; j++) {
            size_t i = which[j];
            if (!done[j])
                continue;
            out[i].result = NULL;
            out[i].rc = await_task(tasks[i], &out[i].result); /* done: it does not wait */
            task_release(tasks[i]);
            tasks[i] = NULL;
            running--;
        }
        if (waited == -ECANCELED && rc == 0) {
            rc = -ECANCELED;
            for (size_t i = 0; i < next; i++)
                if (tasks[i])
                    task_cancel(tasks[i]);
        }
    }
    free(tasks);
    free(fs);
    free(which);
    free(done);
    return rc;
}
