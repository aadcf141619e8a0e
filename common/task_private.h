/*
 * task_private.h — the inside of a task, shared by the two files that make tasks:
 *   task.c      a task's life: created, stepped by the loop, waiting, cancelled, ended
 *   task_run.c  asyncio.run: main run as a task, the tasks still running then cancelled,
 *               the tasks nobody released reported
 * and context_var.c, which keeps each task's context variables in it. Nothing else
 * includes it.
 */
#ifndef LAB_TASK_PRIVATE_H
#define LAB_TASK_PRIVATE_H

#include "future.h"
#include "park.h"
#include "task.h"

#include <stdbool.h>

struct task {
    struct future future; /* first: a task is a future (future_new_extended) */
    struct coro *coro;    /* NULL once the body has returned and step() has freed it */
    bool returned;        /* the body has returned: the coroutine is finished */
    task_fn *fn;
    void *arg;
    unsigned id;
    char name[32];
    struct future *waiting_on; /* the future its current suspension waits for */
    enum park_state *parked;   /* its park's state, while it is parked (park.h) */
    bool must_cancel;          /* a cancel for its next suspension to deliver */
    unsigned cancel_requests;  /* task_cancelling(): cancels asked for, less uncancels */
    bool released;             /* its creator has let go */
    int raised;                /* task_raise's code */
    char *raised_message;
    bool traced;          /* created while tracing was on */
    char waiting_for[40]; /* for the trace: "sleep 0.1 s", "await fetch" */
    double slice_start;
    struct task *older, *newer; /* every task of this thread not yet freed */
    struct context *context;    /* its context variables' values (context_var.c) */
};

/* A new task on `loop`, which need not be running yet (create_task's needs to be). */
struct task *task_new(struct loop *loop, const char *name, task_fn *fn, void *arg);

/* The oldest task of this thread not yet freed; ->newer leads to the others. */
struct task *task_oldest(void);

#endif
