/*
 * task.h — tasks: functions that run as coroutines on the event loop (asyncio's Task).
 *
 *     static void *fetch(void *arg)              // a task body looks like a thread's
 *     {
 *         int err = async_sleep(0.1);            // the loop runs others meanwhile
 *         if (err)
 *             return task_raise(err, "fetch %s", (char *)arg);
 *         return "page";
 *     }
 *
 *     static void *main_task(void *arg)
 *     {
 *         struct task *t = create_task("fetch", fetch, "/index.html");
 *         void *page;
 *         int err = await_task(t, &page);        // 0 and a result, or an error code
 *         task_release(t);
 *         return NULL;
 *     }
 *
 *     async_run(main_task, NULL, NULL);          // asyncio.run(main())
 *
 * Laws:
 * - A task is a future (future.h): it ends once, with a result, an error (code + message:
 *   the C face of an exception) or cancelled, and whatever waits for a future can wait for it.
 * - A task runs only when the loop runs it, and gives the loop back only at a suspension
 *   point: await_future, await_task, async_sleep and the I/O waits of task_io.h.
 *   Between two suspension points nothing else runs on the loop's thread.
 * - Every suspension point returns 0 or a negative errno-style code; -ECANCELED means
 *   "this task was cancelled".
 * - async_sleep(0) gives the other ready tasks a turn and comes back (asyncio's sleep(0)).
 * - task_cancel() makes the task's current suspension return -ECANCELED, or its next one
 *   if it is not suspended; once: the suspensions after that work normally, so cleanup
 *   code can still await.
 * - A task cancelled before it ever ran never runs: it ends cancelled.
 * - Cancel requests are counted (task_cancelling): a second task_cancel() on a pending
 *   task returns 0 again and counts again, though one -ECANCELED is delivered. The count
 *   falls only by task_uncancel(): a task that swallows -ECANCELED keeps its count for
 *   the rest of its life, so a timeout scope it enters later sees a cancel from outside.
 * - Cancelling a task that is waiting for a future cancels that future too (a task it
 *   awaits is cancelled in turn), as asyncio does; a cancel that came while it ran goes,
 *   the same way, to the future of its next wait. The wait ends when that future has.
 * - Returning task_raise(-ECANCELED, ...) ends the task cancelled; task_raise with another
 *   code ends it with that error; returning anything else ends it with that result, even
 *   after a cancellation: a task that swallows -ECANCELED completes normally.
 * - A task's outcome goes to one reader (future.h's one-owner law): one await_task(), or
 *   one read of task_future(t) that asks for the result (await_future, wait_for,
 *   gather_result...); any later one of these gets -EALREADY, so a result pointer never
 *   has two owners. await_future(task_future(t), NULL) only waits, and takes nothing.
 * - A task lives until it has finished and its creator has released it (task_release).
 * - create_task() outside a running loop returns NULL with errno ESRCH; a suspension
 *   outside a task returns -EPERM; a task awaiting itself gets -EDEADLK; awaiting a
 *   future of another loop gets -EXDEV; cancelling a finished task returns -EINVAL.
 * - Cancelling a task that failed, or a task that awaits one that failed, counts as
 *   retrieving the error: no "never retrieved" report follows (future.h).
 * - Tasks belong to their loop's thread; another thread reaches them only by completing
 *   a future through loop_call_soon_threadsafe(), which wakes the task awaiting it.
 * - A task's stack is a coroutine's (coro.h): an overflow kills the program at the guard
 *   page with a message naming the task. The stack is taken at the task's first step and
 *   given back when its body returns, so a task costs a stack only while it has started
 *   and not ended; if none can be mapped, the task ends with -ENOMEM, its body never run.
 * - async_run() runs main as a task until it ends, reports the tasks still running then,
 *   cancels them and waits for them, and reports the tasks nobody released.
 * - The first async_run() of a process asks glibc to keep up to 64 MiB of freed heap
 *   (M_TRIM_THRESHOLD) instead of handing it back to the kernel: tasks come and go by the
 *   thousand, and heap handed back is page-faulted in again at the next burst.
 * - async_run() returns only once every job handed to another thread or process (a thread
 *   or process pool's, loop_external_begin) has come back, even one whose awaiting task
 *   was cancelled and went on without it: it runs the loop until then, as asyncio.run
 *   waits for its default executor. So nothing calls into the loop once it is closed
 *   (and a job that never ends keeps async_run waiting, as it would keep asyncio.run).
 */
#ifndef LAB_TASK_H
#define LAB_TASK_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct future;
struct task;

/* A task's body, shaped like a thread's (pthread_create): its return value is its result. */
typedef void *task_fn(void *arg);

/*
 * Schedule fn(arg) as a new task on the running loop (asyncio.create_task): it starts at
 * the loop's next turn. The name (kept to 31 bytes) is what say(), traces, the live-task
 * list and error reports show. Returns a task with one reference owned by the caller,
 * or NULL with errno ESRCH (no loop runs in this thread).
 */
struct task *create_task(const char *name, task_fn *fn, void *arg);

/* Drop the caller's reference: the task is freed once it has also finished. */
void task_release(struct task *t);

/*
 * Wait for the task to end (`await task`): 0 with its result in *result (may be NULL),
 * its error's code, or -ECANCELED if it was cancelled, or if this task was.
 * -EALREADY: its outcome went to an earlier reader. It takes the outcome even when
 * `result` is NULL.
 */
int await_task(struct task *t, void **result);

/*
 * Wait for any future (`await fut`): 0 with its result, its error's code, or
 * -ECANCELED if it was cancelled or this task was. Everything else is built on this.
 * With a `result` pointer it takes the outcome (-EALREADY if taken before: future.h);
 * with NULL it only waits and looks.
 */
int await_future(struct future *f, void **result);

/* Suspend this task for `seconds` on the loop's clock (asyncio.sleep). */
int async_sleep(double seconds);

/*
 * Ask the task to stop (Task.cancel): 0 if the request was made, -EINVAL if the task
 * has already finished. The task decides: see the laws above.
 */
int task_cancel(struct task *t);

/*
 * How many cancels are pending on the task (Task.cancelling): each task_cancel() that
 * returned 0 counts one, each task_uncancel() takes one back. Timeouts and task groups
 * read it to tell their own cancel from one that came from outside.
 */
unsigned task_cancelling(const struct task *t);

/*
 * Whether a cancel was asked for but not delivered yet: the task's next wait will be
 * cancelled (asyncio keeps this private, as _must_cancel). A timeout scope entered now
 * counts that cancel as one from outside.
 */
bool task_cancel_pending(const struct task *t);

/*
 * Take back one cancel request (Task.uncancel), never below 0; returns the new count.
 * Bringing it to 0 also withdraws a cancel not yet delivered (Python 3.13's rule), so
 * the task's next suspension runs normally. Only whoever called task_cancel() should
 * call it: a timeout scope or a task group undoing its own cancel.
 */
unsigned task_uncancel(struct task *t);

/*
 * End the running task with an error (`raise`): use as `return task_raise(code, ...)`.
 * `code` is a negative errno-style code; the message is printf-style (NULL: strerror's).
 * -ECANCELED ends the task cancelled instead (re-raising CancelledError).
 */
void *task_raise(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The task running now, or NULL outside a task (asyncio.current_task). */
struct task *current_task(void);

/* The task as a future, for anything that waits on futures; the task keeps owning it. */
struct future *task_future(struct task *t);

const char *task_name(const struct task *t);
bool task_done(const struct task *t);
bool task_cancelled(const struct task *t);
/* The error message a failed task ended with, or NULL. */
const char *task_error_message(const struct task *t);

/*
 * The tasks of this thread that have not finished, oldest first (asyncio.all_tasks):
 * up to `cap` of them are stored in `out`; returns how many there are.
 */
size_t all_tasks(struct task **out, size_t cap);

/*
 * asyncio.run(): a new loop (loop_new: LAB_VIRTUAL_CLOCK=1 gives it the virtual clock), `main`
 * run as a task named "main" until it ends, the leftovers dealt with (see the laws),
 * the loop closed. Returns main's outcome as await_task would; an error is also
 * reported on stderr, as an uncaught exception would be.
 */
int async_run(task_fn *main, void *arg, void **result);

/*
 * The same on a loop you made and still own (for the virtual clock, or a loop you
 * configured): it is not closed, and tasks you still hold are yours to release.
 */
int async_run_on(struct loop *loop, task_fn *main, void *arg, void **result);

#endif
