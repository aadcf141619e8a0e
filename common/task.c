/*
 * task.c — tasks: coroutines that the event loop steps, built on futures. See task.h.
 *
 * The whole mechanism: a task is a future plus a coroutine. The loop runs a task by
 * calling step(), a plain callback, which resumes the coroutine; the coroutine runs
 * until it must wait for a future, adds a done callback that will step it again, and
 * yields back into step(), which returns to the loop. asyncio's Task.__step and
 * __wakeup do the same with a generator instead of a stack.
 */
#include "task.h"

#include "check.h"
#include "clock.h"
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

struct task {
    struct future future; /* first: a task is a future (future_new_extended) */
    struct coro *coro;    /* NULL once the body has returned and step() has freed it */
    bool returned;        /* the body has returned: the coroutine is finished */
    task_fn *fn;
    void *arg;
    unsigned id;
    char name[32];
    struct future *waiting_on; /* the future its current suspension waits for */
    bool must_cancel;          /* a cancel for its next suspension to deliver */
    bool outcome_taken;        /* an await_task has had the outcome */
    bool released;             /* its creator has let go */
    int raised;                /* task_raise's code */
    char *raised_message;
    bool traced;          /* created while tracing was on */
    char waiting_for[40]; /* for the trace: "sleep 0.1 s", "await fetch" */
    double slice_start;
    struct task *older, *newer; /* every task of this thread not yet freed */
};

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
    return future_loop(&t->future);
}

/* ---- stepping: the loop resumes the coroutine; the coroutine yields back here ---- */

static void step(struct loop *loop, void *arg)
{
    struct task *t = arg;
    double began = 0;
    if (t->traced) {
        began = loop_time(loop);
        trace_slice(t->id, true, t->waiting_for, t->slice_start, began);
    }
    current = t;
    coro_resume(t->coro);
    current = NULL;
    if (t->traced) {
        t->slice_start = loop_time(loop);
        trace_slice(t->id, false, "run", began, t->slice_start);
    }
    if (t->returned) {
        coro_destroy(t->coro);
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
    if (take_cancel(t))
        return -ECANCELED;
    if (future_done(f))
        return 0;
    t->waiting_on = future_ref(f);
    future_add_done_callback_named(f, t->name, wake, t);
    coro_yield();
    t->waiting_on = NULL;
    future_unref(f);
    return take_cancel(t) ? -ECANCELED : 0;
}

static void note_wait(struct task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_wait(struct task *t, const char *fmt, ...)
{
    if (!t->traced)
        return;
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
    void *result = NULL;
    if (take_cancel(t))
        t->raised = -ECANCELED; /* cancelled before it ever ran: it never runs */
    else
        result = t->fn(t->arg);
    end_task(t, result);
    t->returned = true;
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
}

static struct task *new_task(struct loop *loop, const char *name, task_fn *fn, void *arg)
{
    struct task *t = (struct task *)future_new_extended(loop, sizeof *t, destroy_task);
    t->older = newest;
    *(newest ? &newest->newer : &oldest) = t;
    newest = t;
    snprintf(t->name, sizeof t->name, "%s", name ? name : "task");
    t->coro = coro_create(t->name, run_body, t, 0);
    if (!t->coro) {
        int err = errno;
        future_unref(&t->future);
        errno = err;
        return NULL;
    }
    future_set_name(&t->future, t->name);
    future_set_cancel_hook(&t->future, cancel_hook);
    t->fn = fn;
    t->arg = arg;
    t->id = ++last_id;
    future_ref(&t->future); /* its own reference, until its body has returned */
    loop_call_soon_named(loop, t->name, step, t);
    t->traced = trace_on();
    if (t->traced) {
        t->slice_start = loop_time(loop);
        snprintf(t->waiting_for, sizeof t->waiting_for, "start");
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
    return new_task(loop, name, fn, arg);
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
    if (other->outcome_taken)
        return -EALREADY;
    note_wait(t, "await %s", other->name);
    int rc = suspend_until_done(t, &other->future);
    if (rc)
        return rc;
    if (other->outcome_taken) /* another task awaited it too, and was woken first */
        return -EALREADY;
    other->outcome_taken = true;
    return future_result(&other->future, result);
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

int task_cancel(struct task *t)
{
    if (future_done(&t->future))
        return -EINVAL;
    /* Waiting: cancel what it waits for, and the wait ends with -ECANCELED. */
    if (t->waiting_on && future_cancel(t->waiting_on))
        return 0;
    t->must_cancel = true;
    return 0;
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

/* ---- asyncio.run ---- */

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    flockfile(stderr);
    fprintf(stderr, "[%6.3fs] [async_run] ", since_start());
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}

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
        report("%zu task%s still running: %s; cancelling", n, n == 1 ? "" : "s", names);
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

int async_run_on(struct loop *loop, task_fn *main, void *arg, void **result)
{
    if (loop_get_running())
        return -EBUSY; /* asyncio: run() cannot be called from a running event loop */
    struct task *t = new_task(loop, "main", main, arg);
    if (!t)
        return -errno;
    loop_run_until_complete(loop, &t->future);
    cancel_leftovers(loop); /* main too, if a loop_stop() ended the run before it */
    t->outcome_taken = true;
    int rc = future_result(&t->future, result);
    if (rc < 0 && rc != -ECANCELED)
        report("main ended with an error: %s (%s)", task_error_message(t), strerror(-rc));
    task_release(t);
    const char *timeline = getenv("LAB_TIMELINE");
    if (timeline && strcmp(timeline, "1") == 0)
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
    for (struct task *t = oldest, *next; t; t = next) {
        next = t->newer;
        if (future_loop(&t->future) == loop && !t->released) {
            report("task '%s' was never released (task_release): a leak", t->name);
            task_release(t);
        }
    }
    loop_close(loop);
    return rc;
}
