/*
 * children_test.h — children for the tests of what waits for many (gather.c, wait.c):
 * tasks that sleep, then return their name or fail, started together as a family.
 */
#ifndef LAB_CHILDREN_TEST_H
#define LAB_CHILDREN_TEST_H

#include "future.h"
#include "runtime_test.h"
#include "task.h"

#include <stdbool.h>
#include <stddef.h>

/* A child: sleeps, then returns its name or fails with its code. */
struct child {
    const char *name;
    double seconds;
    int fails_with; /* 0: returns its name */
    int sleep_rc;   /* what its sleep returned */
};

static inline void *child_body(void *arg)
{
    struct child *c = arg;
    c->sleep_rc = async_sleep(c->seconds);
    if (c->sleep_rc)
        return task_raise(c->sleep_rc, "%s: sleep interrupted", c->name);
    if (c->fails_with)
        return task_raise(c->fails_with, "%s failed", c->name);
    return (void *)c->name;
}

enum { MAX_CHILDREN = 4 };

/* Children started together: their tasks, their futures, and what a wait said is done. */
struct family {
    size_t n;
    struct task *tasks[MAX_CHILDREN];
    struct future *futures[MAX_CHILDREN];
    bool done[MAX_CHILDREN];
};

static inline void start(struct family *f, struct child *children, size_t n)
{
    f->n = n;
    for (size_t i = 0; i < n; i++) {
        f->tasks[i] = create_task(children[i].name, child_body, &children[i]);
        f->futures[i] = task_future(f->tasks[i]);
    }
}

/* Let the tasks go, their outcomes as the code under test left them: an error it should
 * have marked retrieved and did not is then reported (never_retrieved counts it). */
static inline void release(struct family *f)
{
    for (size_t i = 0; i < f->n; i++)
        task_release(f->tasks[i]);
}

/* Read every outcome (so no error goes unretrieved) and let the tasks go. */
static inline void retrieve_and_release(struct family *f)
{
    for (size_t i = 0; i < f->n; i++)
        future_error(f->futures[i]);
    release(f);
}

#endif
