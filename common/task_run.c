/*
 * task_run.c — asyncio.run: a loop, main run on it as a task until it ends, then what
 * main left behind: the tasks still running, cancelled and waited for, the jobs still out
 * in other threads or processes, waited for, and the tasks nobody released, reported and
 * let go, so the loop can close clean. See task.h for the
 * laws and task_private.h for how this file and task.c fit together.
 */
#include "task_private.h"

#include "args.h"
#include "check.h"
#include "clock.h"
#include "future.h"
#include "loop.h"
#include "say.h"
#include "trace.h"

#include <errno.h>
#include <pthread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct countdown {
    struct future *all_done;
    size_t left;
};

static void one_less(struct future *f, void *arg)
{
    (void)f;
    struct countdown *c = arg;
    if (--c->left == 0)
        future_set_result(c->all_done, NULL);
}

/* What asyncio.run does after main: cancel every task still running, and wait for them. */
static void cancel_leftovers(struct loop *loop)
{
    size_t n;
    while ((n = all_tasks(NULL, 0)) > 0) {
        struct task **left = xcalloc(n, sizeof *left);
        all_tasks(left, n);
        char names[256] = "";
        for (size_t i = 0; i < n; i++) {
            size_t same = 0, first = i; /* name each name once, with how many share it */
            for (size_t j = 0; j < n; j++)
                if (strcmp(left[j]->name, left[i]->name) == 0 && same++ == 0)
                    first = j;
            if (first != i)
                continue;
            char times[24] = "";
            if (same > 1)
                snprintf(times, sizeof times, " x%zu", same);
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s%s", i ? ", " : "",
                     left[i]->name, times);
        }
        say_to(stderr, "async_run", "%zu task%s still running: %s; cancelling", n,
               n == 1 ? "" : "s", names);
        struct countdown c = {future_new(loop), n};
        for (size_t i = 0; i < n; i++) {
            future_ref(&left[i]->future);
            future_add_done_callback(&left[i]->future, one_less, &c);
            task_cancel(left[i]);
        }
        while (loop_run_until_complete(loop, c.all_done) != 0)
            ; /* stopped from inside (a signal handler, say): the tasks still need their turn */
        for (size_t i = 0; i < n; i++)
            future_unref(&left[i]->future);
        future_unref(c.all_done);
        free(left);
    }
}

/*
 * A loop makes and frees tasks by the thousand: a gather of 10,000 is megabytes of heap,
 * freed at its end. glibc hands the freed top of its heap back to the kernel once it is
 * over 128 KiB (M_TRIM_THRESHOLD), and the next burst takes it again a page fault per page:
 * on a virtual machine, five times what the tasks themselves cost. Keeping up to 64 MiB,
 * as long-running servers tell their allocator to, makes every burst after the first as
 * cheap as the tasks (spawn_cost in chapter 04 counts the faults). Process-wide, and left
 * in place after the run; other C libraries have no such knob.
 */
static void keep_freed_heap(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 64 << 20); /* refused under a sanitizer's allocator: fine */
#endif
}

int async_run_on(struct loop *loop, task_fn *main, void *arg, void **result)
{
    if (loop_get_running())
        return -EBUSY; /* asyncio: run() cannot be called from a running event loop */
    static pthread_once_t heap_kept = PTHREAD_ONCE_INIT;
    pthread_once(&heap_kept, keep_freed_heap);
    struct task *t = task_new(loop, "main", main, arg);
    loop_run_until_complete(loop, &t->future);
    /* The tasks left (main too, if a loop_stop() ended the run before it), then the jobs
     * handed to other threads or processes: a task cancelled while it awaited one went on
     * without it, but its outcome will still call into the loop. asyncio.run waits for its
     * executor the same way. A job's callback may start a task: then round again. */
    do
        cancel_leftovers(loop);
    while (loop_run_until_external_done(loop) != 0 || all_tasks(NULL, 0) > 0);
    int rc = future_result(&t->future, result);
    if (rc < 0 && rc != -ECANCELED)
        say_to(stderr, "async_run", "main ended with an error: %s (%s)", task_error_message(t),
               strerror(-rc));
    task_release(t);
    if (env_flag("LAB_TIMELINE"))
        trace_timeline_print(stdout, 60);
    return rc;
}

int async_run(task_fn *main, void *arg, void **result)
{
    if (loop_get_running())
        return -EBUSY;
    struct loop *loop = loop_new();
    int rc = async_run_on(loop, main, arg, result);
    /* A task nobody released is a leak: say which, then let it go so the loop can close. */
    for (struct task *t = task_oldest(), *next; t; t = next) {
        next = t->newer;
        if (future_loop(&t->future) == loop && !t->released) {
            say_to(stderr, "async_run", "task '%s' was never released (task_release): a leak",
                   t->name);
            task_release(t);
        }
    }
    loop_close(loop);
    return rc;
}
