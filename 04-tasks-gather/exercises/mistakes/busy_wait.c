/*
 * Mistake: a window that finds the job that ended by polling: it looks at every running
 * task, and if none is done it yields with async_sleep(0) and looks again. The loop is
 * never idle, so on the virtual clock time never moves and the jobs never end (on the
 * real clock the same code burns a whole core while it waits).
 * expect: bounded_gather hangs
 */
#include "harness.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    struct task **tasks = xcalloc(n + 1, sizeof *tasks);
    size_t started = 0, ended = 0;
    while (ended < n) {
        size_t running = 0;
        for (size_t i = 0; i < started; i++)
            running += tasks[i] != NULL;
        if (started < n && running < limit) {
            tasks[started] = create_task(jobs[started].name, jobs[started].fn, jobs[started].arg);
            started++;
            continue;
        }
        for (size_t i = 0; i < started; i++)
            if (tasks[i] && task_done(tasks[i])) {
                out[i].result = NULL;
                out[i].rc = await_task(tasks[i], &out[i].result);
                task_release(tasks[i]);
                tasks[i] = NULL;
                ended++;
            }
        if (async_sleep(0) == -ECANCELED)
            break;
    }
    for (size_t i = 0; i < started; i++)
        if (tasks[i])
            task_release(tasks[i]);
    free(tasks);
    return ended == n ? 0 : -ECANCELED;
}
