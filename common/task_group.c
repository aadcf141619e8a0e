/*
 * task_group.c — asyncio.TaskGroup on tasks and done callbacks. See task_group.h.
 *
 * Each child gets one done callback, on_child_done, which counts it out and keeps its
 * error; the first error aborts the group: it cancels the children and, once, the parent.
 * task_group_exit waits on a future of its own that the last child's callback completes,
 * and loops on it, since a cancel from outside ends the wait early. It is CPython's
 * Lib/asyncio/taskgroups.py step for step, with the same names where they help: abort,
 * parent_cancel_requested, propagate_cancel, the uncancel/cancel dance at the end.
 */
#include "task_group.h"

#include "check.h"
#include "future.h"
#include "loop.h"
#include "task.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct task_group {
    struct loop *loop;
    struct task *parent;          /* the task that entered it; its future is referenced */
    bool exiting;                 /* task_group_exit has begun */
    bool aborting;                /* a failure or a cancel: the children were cancelled */
    bool parent_cancel_requested; /* the group cancelled the parent, and must uncancel it */
    size_t running;               /* children whose end the group has not yet heard */
    struct future *on_completed;  /* what task_group_exit awaits while children run */
    struct task **children;       /* every child, owned until task_group_free */
    size_t nchildren, children_cap;
    struct task_group_error *errors;
    size_t nerrors, errors_cap;
};

static void keep_error(struct task_group *g, const char *name, int code, const char *message)
{
    if (g->nerrors == g->errors_cap)
        g->errors = grow_array(g->errors, &g->errors_cap, g->nerrors + 1, sizeof *g->errors,
                               "task group");
    struct task_group_error *e = &g->errors[g->nerrors++];
    snprintf(e->task_name, sizeof e->task_name, "%s", name);
    e->code = code;
    e->message = xstrdup(message ? message : strerror(-code));
}

/* Cancel every child still running; from now on no child may be added. */
static void abort_children(struct task_group *g)
{
    g->aborting = true;
    for (size_t i = 0; i < g->nchildren; i++)
        if (!task_done(g->children[i]))
            task_cancel(g->children[i]);
}

static void on_child_done(struct future *child, void *arg)
{
    struct task_group *g = arg;
    g->running--;
    if (g->running == 0 && g->on_completed && !future_done(g->on_completed))
        future_set_result(g->on_completed, NULL);
    if (future_cancelled(child))
        return; /* a cancelled child is no error */
    int code = future_error(child); /* read: the group reports it, not the loop */
    if (code == 0)
        return;
    keep_error(g, future_name(child), code, future_error_message(child));
    if (task_done(g->parent)) {
        struct loop_error e = {
            .message = "a task group's child failed after its parent had finished",
            .code = code,
            .detail = future_error_message(child),
            .source = future_name(child),
        };
        loop_call_exception_handler(g->loop, &e);
        return;
    }
    if (!g->aborting && !g->parent_cancel_requested) {
        /* Interrupt the body wherever it waits; task_group_exit takes this cancel back. */
        abort_children(g);
        g->parent_cancel_requested = true;
        task_cancel(g->parent);
    }
}

struct task_group *task_group(void)
{
    struct task *parent = current_task();
    if (!parent) {
        errno = EPERM; /* asyncio: RuntimeError: TaskGroup cannot determine the parent task */
        return NULL;
    }
    struct task_group *g = xcalloc(1, sizeof *g);
    g->loop = loop_get_running();
    g->parent = parent;
    future_ref(task_future(parent));
    return g;
}

struct task *task_group_create_task(struct task_group *g, const char *name, task_fn *fn,
                                    void *arg)
{
    if (loop_get_running() != g->loop) {
        errno = EXDEV;
        return NULL;
    }
    if (g->exiting && g->running == 0) {
        errno = EPIPE; /* asyncio: "TaskGroup ... is finished" */
        return NULL;
    }
    if (g->aborting) {
        errno = ESHUTDOWN; /* asyncio: "TaskGroup ... is shutting down" */
        return NULL;
    }
    struct task *t = create_task(name, fn, arg);
    if (!t)
        return NULL;
    if (g->nchildren == g->children_cap)
        g->children = grow_array(g->children, &g->children_cap, g->nchildren + 1,
                                 sizeof *g->children, "task_group_create_task");
    g->children[g->nchildren++] = t;
    g->running++;
    future_add_done_callback(task_future(t), on_child_done, g);
    return t;
}

int task_group_exit(struct task_group *g, int body_rc)
{
    if (body_rc > 0)
        die("task_group_exit: body_rc must be 0 or a negative code, not %d", body_rc);
    if (current_task() != g->parent)
        return -EPERM;
    if (g->exiting)
        return -EALREADY;
    g->exiting = true;
    bool propagate_cancel = body_rc == -ECANCELED;
    if (body_rc != 0 && !g->aborting)
        abort_children(g); /* the body failed, or was cancelled: the children stop too */

    /* Wait for every child. A cancel ends one wait early: then wait again. */
    while (g->running > 0) {
        g->on_completed = future_new(g->loop);
        future_set_name(g->on_completed, "task group");
        int rc = await_future(g->on_completed, NULL);
        future_unref(g->on_completed);
        g->on_completed = NULL;
        if (rc == -ECANCELED && !g->aborting) {
            propagate_cancel = true; /* a cancel from outside, while the children ran */
            abort_children(g);
        }
    }

    /* Take back the group's own cancel; if it was the only one, it ends here. */
    if (g->parent_cancel_requested && task_uncancel(g->parent) == 0)
        propagate_cancel = false;
    if (propagate_cancel && g->nerrors == 0)
        return -ECANCELED;
    if (body_rc != 0 && body_rc != -ECANCELED)
        keep_error(g, task_name(g->parent), body_rc, NULL);
    if (g->nerrors == 0)
        return 0;
    /* Errors win over a cancel from outside, but that cancel must not be lost: request it
     * again, so the parent's next suspension gets it (gh-116720). */
    if (task_cancelling(g->parent) > 0) {
        task_uncancel(g->parent);
        task_cancel(g->parent);
    }
    return TASK_GROUP_FAILED;
}

size_t task_group_error_count(const struct task_group *g)
{
    return g->nerrors;
}

const struct task_group_error *task_group_error(const struct task_group *g, size_t i)
{
    if (i >= g->nerrors)
        die("task_group_error: error %zu of %zu", i, g->nerrors);
    return &g->errors[i];
}

void task_group_free(struct task_group *g)
{
    if (!g)
        return;
    if (!g->exiting || g->running > 0)
        die("task_group_free: the group has not been exited (task_group_exit)");
    for (size_t i = 0; i < g->nchildren; i++)
        task_release(g->children[i]);
    for (size_t i = 0; i < g->nerrors; i++)
        free(g->errors[i].message);
    future_unref(task_future(g->parent));
    free(g->children);
    free(g->errors);
    free(g);
}
