/*
 * A correct bounded_gather written another way: a window driven by done callbacks.
 *
 * `limit` jobs start at once; each job's done callback stores its outcome, releases it,
 * and wakes the caller, which starts the next job. No worker tasks: the caller itself
 * waits on a future that the next job to end completes. On a cancel it cancels what
 * runs and goes on waiting, without starting anything, until nothing runs.
 */
#include "harness.h"

#include "check.h"
#include "future.h"
#include "loop.h"

#include <errno.h>
#include <stdlib.h>

struct window {
    struct outcome *out;
    struct task **tasks; /* tasks[i] while job i runs, else NULL */
    size_t running;
    struct future *wake; /* completed by the next job to end */
};

struct slot {
    struct window *w;
    size_t i;
};

static void job_ended(struct future *f, void *arg)
{
    struct slot *s = arg;
    struct window *w = s->w;
    w->out[s->i].result = NULL;
    w->out[s->i].rc = future_result(f, &w->out[s->i].result);
    task_release(w->tasks[s->i]);
    w->tasks[s->i] = NULL;
    w->running--;
    if (w->wake && !future_done(w->wake))
        future_set_result(w->wake, NULL);
    free(s);
}

/* Wait until a job ends (0) or our task is cancelled (-ECANCELED). */
static int wait_for_one(struct window *w)
{
    w->wake = future_new(loop_get_running());
    int rc = await_future(w->wake, NULL);
    future_unref(w->wake);
    w->wake = NULL;
    return rc;
}

int bounded_gather(const struct job *jobs, size_t n, size_t limit, struct outcome *out)
{
    struct window w = {out, xcalloc(n + 1, sizeof *w.tasks), 0, NULL};
    size_t next = 0;
    int rc = 0;
    while (next < n || w.running > 0) {
        while (rc == 0 && next < n && w.running < limit) {
            struct slot *s = xmalloc(sizeof *s);
            *s = (struct slot){&w, next};
            w.tasks[next] = create_task(jobs[next].name, jobs[next].fn, jobs[next].arg);
            future_add_done_callback(task_future(w.tasks[next]), job_ended, s);
            w.running++;
            next++;
        }
        if (w.running == 0)
            break;
        if (wait_for_one(&w) == -ECANCELED && rc == 0) {
            rc = -ECANCELED;
            for (size_t i = 0; i < n; i++)
                if (w.tasks[i])
                    task_cancel(w.tasks[i]);
        }
    }
    free(w.tasks);
    return rc;
}
