/*
 * sync_test.h — what the tests of the synchronisation primitives (queue.c, semaphore.c,
 * lock.c, event.c, condition.c) share: a run on a fresh loop with the virtual clock, so
 * every time they check is exact and each file runs in an instant, and a run of all the
 * laws on each loop backend.
 */
#ifndef LAB_SYNC_TEST_H
#define LAB_SYNC_TEST_H

#include "loop.h"
#include "tap.h"
#include "task.h"

#include <stdlib.h>

/* The backend the laws run on now, for the test names ("epoll", "poll"). */
static const char *backend;

static double now(void)
{
    return loop_time(loop_get_running());
}

/* Run `main` as a task on a fresh loop with the virtual clock; the loop is closed after. */
static int run_virtual(task_fn *main, void *arg)
{
    trace[0] = '\0';
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    int rc = async_run_on(loop, main, arg, NULL);
    loop_close(loop);
    return rc;
}

/* Run every law once per backend (LAB_LOOP_BACKEND, read by loop_new). */
static void on_each_backend(void (*laws)(void))
{
    static const char *const backends[] = {
#ifdef __linux__
        "epoll",
#endif
        "poll",
    };
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        backend = backends[i];
        setenv("LAB_LOOP_BACKEND", backend, 1);
        laws();
    }
}

#endif
