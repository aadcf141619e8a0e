/*
 * task_group.h — asyncio.TaskGroup: tasks started together and all awaited at one point,
 * where the first failure stops the rest.
 *
 *     struct task_group *g = task_group();          // async with TaskGroup() as g:
 *     task_group_create_task(g, "fetch-a", fetch, "/a");
 *     task_group_create_task(g, "fetch-b", fetch, "/b");
 *     int err = async_sleep(1);                      //     ... the body ...
 *     err = task_group_exit(g, err);                 // the end of the `async with` block
 *     for (size_t i = 0; i < task_group_error_count(g); i++) {
 *         const struct task_group_error *e = task_group_error(g, i);  // except* ...
 *         say("%s failed: %s", e->task_name, e->message);
 *     }
 *     task_group_free(g);
 *     if (err)
 *         return task_raise(err, "the group");       // -ECANCELED stays a cancel
 *
 * The laws, each tested in tests/unit/task_group.c:
 * - task_group() enters the group at once: the task calling it is the parent, the one
 *   whose body the group interrupts; outside a task it is refused (NULL, errno EPERM).
 * - task_group_exit() returns only when every child is done, whatever happened: a failed
 *   body, a failed child, cancels from outside, even repeated ones.
 * - The first child that fails (an error, not a cancel) cancels every other child and,
 *   once, the parent: the body's current suspension returns -ECANCELED.
 * - A child that ends cancelled is not an error: cancelling one child leaves the rest
 *   running.
 * - Every child's error is kept, in the order they happened, then the body's own (the
 *   body_rc given to task_group_exit, other than 0 and -ECANCELED), which aborts the
 *   children as a child's error does; and task_group_exit returns TASK_GROUP_FAILED
 *   (asyncio raises an ExceptionGroup). The group reads each error: none is reported as
 *   never retrieved.
 * - Errors come before a cancel: with errors, task_group_exit returns TASK_GROUP_FAILED
 *   even when the parent was also cancelled from outside; that cancel is then requested
 *   again, so the parent's next suspension returns -ECANCELED (gh-116720's fix, 3.13).
 * - A cancel from outside (body_rc -ECANCELED, or one arriving while task_group_exit
 *   waits) cancels the children, and task_group_exit returns -ECANCELED: it stays a cancel.
 * - The group takes back the cancel it made itself (task_uncancel), so after the group the
 *   parent's task_cancelling() is back to what it was on entry; and if that leaves no
 *   cancel pending, the one it made does not come out of task_group_exit.
 * - A child may be added while the group runs and while it exits with children left
 *   (children can start children). Refused, the child never runs and its arg stays yours:
 *   once the group is aborting (a failure or a cancel: NULL, errno ESHUTDOWN: asyncio's
 *   "is shutting down"), once it is finished (exiting with no child left: errno EPIPE:
 *   "is finished"), or from another thread than the parent's (errno EXDEV).
 *   asyncio's third refusal, "has not been entered", has no C twin: task_group() enters.
 * - The group owns its children: they live until task_group_free(), which is the only way
 *   to let them go (never task_release them). Their outcomes can be read until then.
 * - Differences from asyncio, on purpose: C has no KeyboardInterrupt or SystemExit to
 *   re-raise alone, and no eager tasks: a child's end always reaches the group through a
 *   done callback, as asyncio makes sure it does for eager tasks too.
 */
#ifndef LAB_TASK_GROUP_H
#define LAB_TASK_GROUP_H

#include "task.h"

#include <errno.h>
#include <stddef.h>

struct task_group;

/* What task_group_exit returns when there are errors to read (asyncio's ExceptionGroup):
 * ECHILD, read here as "a child failed". */
#define TASK_GROUP_FAILED (-ECHILD)

/* One error of the group: the C face of one exception of the ExceptionGroup. */
struct task_group_error {
    char task_name[32]; /* the child's name, or the parent's for the body's error */
    int code;           /* a negative errno-style code */
    char *message;
};

/* Enter a new group in the running task, its parent (async with TaskGroup()). */
struct task_group *task_group(void);

/*
 * Start fn(arg) as a child (tg.create_task): it runs from the loop's next turn, and
 * belongs to the group (see the laws). NULL with errno set: ESHUTDOWN, EPIPE, EXDEV (see
 * the laws), or create_task's (ENOMEM).
 */
struct task *task_group_create_task(struct task_group *g, const char *name, task_fn *fn,
                                    void *arg);

/*
 * The end of the group's block, called by the parent with the body's outcome (0, or the
 * error or -ECANCELED its last suspension returned): waits for every child, then returns
 * 0, -ECANCELED or TASK_GROUP_FAILED (see the laws). -EPERM: not called by the parent;
 * -EALREADY: called a second time.
 */
int task_group_exit(struct task_group *g, int body_rc);

/* The errors kept, once task_group_exit has returned (TASK_GROUP_FAILED: at least one). */
size_t task_group_error_count(const struct task_group *g);
const struct task_group_error *task_group_error(const struct task_group *g, size_t i);

/* Free the group, its errors and its children (after task_group_exit; dies before). */
void task_group_free(struct task_group *g);

#endif
