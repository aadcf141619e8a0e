/*
 * runtime_test.h — what the tests of the async runtime share: a run on a fresh loop with
 * the virtual clock, so every time they check is exact and each file runs in an instant;
 * a count of the errors the loop reports as never retrieved; and a run of all the laws on
 * each loop backend. children_test.h adds the children that gather.c and wait.c wait for.
 */
#ifndef LAB_RUNTIME_TEST_H
#define LAB_RUNTIME_TEST_H

#include "loop.h"
#include "tap.h"
#include "task.h"

#include <stdlib.h>
#include <string.h>

/* The backend the laws run on now, for the test names ("epoll", "poll"). */
static const char *backend;

/* Errors the loop reported as never retrieved during the last run_virtual. */
static int never_retrieved;

static inline double now(void)
{
    return loop_time(loop_get_running());
}

/* Count "never retrieved" reports; any other error is printed as usual. */
static inline void count_unretrieved(struct loop *loop, const struct loop_error *e, void *arg)
{
    (void)arg;
    if (e->message && strstr(e->message, "never retrieved"))
        never_retrieved++;
    else
        loop_default_exception_handler(loop, e);
}

/* Run `main` as a task on a fresh loop with the virtual clock; the loop is closed after. */
static inline int run_virtual(task_fn *main, void *arg)
{
    trace[0] = '\0';
    never_retrieved = 0;
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    loop_set_exception_handler(loop, count_unretrieved, NULL);
    int rc = async_run_on(loop, main, arg, NULL);
    loop_close(loop);
    return rc;
}

/* Run every law once per backend (LAB_LOOP_BACKEND, read by loop_new). */
static inline void on_each_backend(void (*laws)(void))
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
