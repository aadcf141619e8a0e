/*
 * task.c — tasks: coroutines that the event loop steps, built on futures. See task.h.
 *
 * The whole mechanism: a task is a future plus a coroutine. The loop runs a task by
 * calling step(), a plain callback, which resumes the coroutine; the coroutine runs
 * until it must wait for a future, adds a done callback that will step it again, and
 * yields back into step(), which returns to the loop. asyncio's Task.__step and
 * __wakeup do the same with a generator instead of a stack.
 *
 * asyncio.run, which runs main as a task and deals with what it leaves behind, is in
 * task_run.c; task_private.h holds what the two files share.
 */
#include "task_private.h"

#include "check.h"
#include "context_var.h"
#include "coro.h"
#include "future.h"
#include "loop.h"
#include "say.h"
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local struct task *current;
static _Thread_local struct task *oldest, *newest;
static atomic_uint last_id;

/* say() from inside a task shows the task's name. */
static const char *current_task_name(void)
{
    return current ? current->name : NULL;
}

__attribute__((constructor)) static void name_tasks_in_say(void)
{
    say_set_name_source(current_task_name);
}

static struct loop *loop_of(struct task *t)
{
    return t->future.loop;
}

/* ---- stepping: the loop resumes the coroutine; the coroutine yields back here ---- */

static bool start(struct task *t);

static void step(struct loop *loop, void *arg)
{
    struct task *t = arg;
    double began = 0;
    if (t->traced) {
        began = loop_time(loop);
        trace_slice(t->id, true, t->waiting_for, t->slice_start, began);
    }
    if (t->coro || start(t)) {
        current = t;
        coro_resume(t->coro);
        current = NULL;
    }
    if (t->traced) {
        t->slice_start = loop_time(loop);
        trace_slice(t->id, false, "run", began, t->slice_start);
    }
    if (t->returned) {
        if (t->coro)
            coro_destroy(t->coro); /* its stack goes back for the next task to start */
        t->coro = NULL;
        if (t->traced) {
            const char *outcome = future_cancelled(&t->future)               ? "cancelled"
                                  : future_state(&t->future) == FUTURE_ERROR ? "error"
                                                                             : "result";
            trace_task_finished(t->id, outcome, t->slice_start);
        }
        future_unref(&t->future); /* the reference the task held on itself while it ran */
    }
}

/* The done callback of whatever a task waits for: it is the task's next step. */
static void wake(struct future *f, void *arg)
{
    step(future_loop(f), arg);
}

/* Hand a cancellation to the task, if one is waiting for it: true if there was. */
static bool take_cancel(struct task *t)
{
    bool was = t->must_cancel;
    t->must_cancel = false;
    return was;
}

/*
 * The one way a task waits: until `f` is done. Returns -ECANCELED if this task was
 * cancelled meanwhile (or before), else 0 with `f` done.
 */
static int suspend_until_done(struct task *t, struct future *f)
{
    if (future_done(f))
        return take_cancel(t) ? -ECANCELED : 0;
    /* A cancel that came while this task ran goes to what it is about to wait for, as
     * asyncio's Task.__step does: a task awaited is cancelled in turn, and this task
     * resumes once that one has ended (its cleanup done), as when the cancel came later. */
    if (t->must_cancel && future_cancel(f))
        t->must_cancel = false;
    t->waiting_on = future_ref(f);
    future_add_done_callback_named(f, t->name, wake, t);
    coro_yield();
    t->waiting_on = NULL;
    future_unref(f);
    return take_cancel(t) ? -ECANCELED : 0;
}

/* Only a traced task notes what it waits for; the test is in the macro, since a call
 * to a variadic function costs a task's turn a tenth of its time even when it returns. */
#define note_wait(t, ...) ((t)->traced ? note_wait_traced(t, __VA_ARGS__) : (void)0)
static void note_wait_traced(struct task *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note_wait_traced(struct task *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->waiting_for, sizeof t->waiting_for, fmt, ap);
    va_end(ap);
}

/* ---- the body's life: run it, then end the future the way it ended ---- */

static void end_task(struct task *t, void *result)
{
    future_set_cancel_hook(&t->future, NULL); /* from now on, cancelled is a plain state */
    if (t->raised == -ECANCELED || (t->raised == 0 && t->must_cancel))
        future_cancel(&t->future);
    else if (t->raised)
        future_set_error(&t->future, t->raised, "%s", t->raised_message);
    else
        future_set_result(&t->future, result);
}

static void run_body(void *arg)
{
    struct task *t = arg;
    end_task(t, t->fn(t->arg));
    t->returned = true;
}

/*
 * A task's first step. Its stack is taken now, not when it was created, and given back
 * when its body returns (coro.c keeps it warm for the next task): a task costs a stack
 * only from its first step to its end, so gather() of 10,000 tasks that each finish at
 * once reuses one stack instead of mapping 10,000. True when the body is to run; false
 * when the task ended here: cancelled before it ever ran (it never runs), or no stack to
 * be had (it ends with -ENOMEM, its body never run).
 */
static bool start(struct task *t)
{
    if (!take_cancel(t)) {
        t->coro = coro_create(t->name, run_body, t, 0);
        if (t->coro)
            return true;
        t->raised = -errno;
        t->raised_message = xstrdup("no memory for the task's stack");
    } else {
        t->raised = -ECANCELED;
    }
    end_task(t, NULL);
    t->returned = true;
    return false;
}

static bool cancel_hook(struct future *f)
{
    return task_cancel((struct task *)f) == 0;
}

static void destroy_task(struct future *f)
{
    struct task *t = (struct task *)f;
    *(t->older ? &t->older->newer : &oldest) = t->newer;
    *(t->newer ? &t->newer->older : &newest) = t->older;
    free(t->raised_message);
    context_release(t->context);
}

struct task *task_new(struct loop *loop, const char *name, task_fn *fn, void *arg)
{
    struct task *t = (struct task *)future_new_extended(loop, sizeof *t, destroy_task);
    t->older = newest;
    *(newest ? &newest->newer : &oldest) = t;
    newest = t;
    copy_cut(t->name, sizeof t->name, name ? name : "task");
    future_set_name(&t->future, t->name);
    future_set_kind(&t->future, "Task");
    future_set_cancel_hook(&t->future, cancel_hook);
    t->fn = fn;
    t->arg = arg;
    t->id = ++last_id;
    t->context = context_copy(); /* the creator's context variables (contextvars) */
    future_ref(&t->future); /* its own reference, until its body has returned */
    loop_call_soon_named(loop, t->name, step, t);
    t->traced = trace_on();
    if (t->traced) {
        t->slice_start = loop_time(loop);
        copy_cut(t->waiting_for, sizeof t->waiting_for, "start");
        trace_task_created(t->id, t->name, t->slice_start);
    }
    return t;
}

/* ---- the public calls ---- */

struct task *create_task(const char *name, task_fn *fn, void *arg)
{
    struct loop *loop = loop_get_running();
    if (!loop) {
        errno = ESRCH; /* asyncio: RuntimeError: no running event loop */
        return NULL;
    }
    return task_new(loop, name, fn, arg);
}

void task_release(struct task *t)
{
    if (!t)
        return;
    if (t->released)
        die("task_release: task '%s' was already released", t->name);
    t->released = true;
    future_unref(&t->future);
}

int await_future(struct future *f, void **result)
{
    struct task *t = current;
    if (!t)
        return -EPERM;
    if (f == &t->future)
        return -EDEADLK;
    if (future_loop(f) != loop_of(t))
        return -EXDEV;
    note_wait(t, "await %s", future_name(f));
    int rc = suspend_until_done(t, f);
    return rc ? rc : future_result(f, result);
}

int await_task(struct task *other, void **result)
{
    struct task *t = current;
    if (!t)
        return -EPERM;
    if (other == t)
        return -EDEADLK;
    note_wait(t, "await %s", other->name);
    int rc = suspend_until_done(t, &other->future);
    if (rc)
        return rc;
    void *unwanted;
    /* Taken even when the caller wants no result: a task's outcome goes to one await_task
     * (a second, or another task woken after this one, gets -EALREADY). */
    return future_result(&other->future, result ? result : &unwanted);
}

static void end_sleep(struct loop *loop, void *arg)
{
    (void)loop;
    future_set_result(arg, NULL);
}

int async_sleep(double seconds)
{
    struct task *t = current;
    if (!t)
        return -EPERM;
    struct loop *loop = loop_of(t);
    if (!(seconds > 0)) {
        /* sleep(0): no timer and no future, only a turn at the back of the ready queue. */
        if (take_cancel(t))
            return -ECANCELED;
        note_wait(t, "sleep 0");
        loop_call_soon_named(loop, t->name, step, t);
        coro_yield();
        return take_cancel(t) ? -ECANCELED : 0;
    }
    struct future *f = future_new(loop);
    future_set_name(f, "sleep");
    struct loop_handle timer = loop_call_later_named(loop, seconds, t->name, end_sleep, f);
    note_wait(t, "sleep %g s", seconds);
    int rc = suspend_until_done(t, f);
    if (rc == 0)
        rc = future_result(f, NULL); /* -ECANCELED if the task's cancel cancelled f */
    loop_cancel(loop, timer);        /* woken early: the timer must not outlive f */
    future_unref(f);
    return rc;
}

int task_park(enum park_state *state, const char *what)
{
    struct task *t = current;
    if (!t)
        return -EPERM;
    if (take_cancel(t)) {
        *state = PARK_CANCELLED;
        return -ECANCELED;
    }
    *state = PARK_WAITING;
    t->parked = state;
    note_wait(t, "await %s", what);
    coro_yield();
    t->parked = NULL;
    /* A cancel that found it woken already could not stop the wake: it is delivered now. */
    return take_cancel(t) || *state == PARK_CANCELLED ? -ECANCELED : 0;
}

bool task_unpark(struct task *t, enum park_state *state)
{
    if (*state != PARK_WAITING)
        return false;
    *state = PARK_WOKEN;
    loop_call_soon_named(loop_of(t), t->name, step, t);
    return true;
}

int task_cancel(struct task *t)
{
    if (future_done(&t->future)) {
        future_cancel(&t->future); /* refused, but it silences a "never retrieved" report */
        return -EINVAL;
    }
    t->cancel_requests++;
    /* Waiting: cancel what it waits for, and the wait ends with -ECANCELED. */
    if (t->waiting_on && future_cancel(t->waiting_on))
        return 0;
    if (t->parked && *t->parked == PARK_WAITING) {
        *t->parked = PARK_CANCELLED; /* no unpark falls on it from now on */
        loop_call_soon_named(loop_of(t), t->name, step, t);
        return 0;
    }
    t->must_cancel = true;
    return 0;
}

unsigned task_cancelling(const struct task *t)
{
    return t->cancel_requests;
}

bool task_cancel_pending(const struct task *t)
{
    return t->must_cancel;
}

unsigned task_uncancel(struct task *t)
{
    if (t->cancel_requests > 0 && --t->cancel_requests == 0)
        t->must_cancel = false; /* 3.13: the last uncancel withdraws a cancel not yet delivered */
    return t->cancel_requests;
}

void *task_raise(int code, const char *fmt, ...)
{
    struct task *t = current;
    if (!t)
        die("task_raise: called outside a task");
    if (code >= 0)
        die("task_raise: the code must be negative (-EIO, -ECANCELED...), not %d", code);
    free(t->raised_message);
    t->raised_message = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&t->raised_message, fmt, ap) == -1)
            die("task_raise: out of memory");
        va_end(ap);
    } else {
        t->raised_message = xstrdup(strerror(-code));
    }
    t->raised = code;
    return NULL;
}

struct task *current_task(void)
{
    return current;
}

struct future *task_future(struct task *t)
{
    return &t->future;
}

const char *task_name(const struct task *t)
{
    return t->name;
}

bool task_done(const struct task *t)
{
    return future_done(&t->future);
}

bool task_cancelled(const struct task *t)
{
    return future_cancelled(&t->future);
}

const char *task_error_message(const struct task *t)
{
    return future_error_message(&t->future);
}

size_t all_tasks(struct task **out, size_t cap)
{
    size_t n = 0;
    for (struct task *t = oldest; t; t = t->newer)
        if (!future_done(&t->future)) {
            if (n < cap)
                out[n] = t;
            n++;
        }
    return n;
}

struct task *task_oldest(void)
{
    return oldest;
}
