/*
 * wait.c — asyncio.wait and asyncio.as_completed, built from done callbacks. See wait.h.
 *
 * async_wait puts one done callback on each future (each distinct one: a future listed
 * twice is waited for once) and awaits a future of its own, the "waiting" future, which a
 * callback completes when the condition is met, or a timer when the time is up. Then it
 * takes back the callbacks that have not run, and reads done[] from the futures. asyncio's
 * _wait does exactly this with a closure and loop.create_future().
 *
 * A callback that was already scheduled when async_wait returned still runs later, so it
 * must not point into async_wait's stack: the waiting future is on the heap, and each
 * callback holds a reference on it, as gather's callbacks hold one on the gather.
 */
#include "wait.h"

#include "check.h"
#include "future.h"
#include "loop.h"
#include "task.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- duplicates: a future listed twice counts once, at its first position ---- */

struct position {
    uintptr_t future;
    size_t index;
};

static int by_future_then_index(const void *a, const void *b)
{
    const struct position *p = a, *q = b;
    if (p->future != q->future)
        return p->future < q->future ? -1 : 1;
    return p->index < q->index ? -1 : p->index > q->index;
}

/* first[i] = the first position of fs[i] in fs: i itself, unless it was listed before. */
static void first_positions(struct future *const *fs, size_t n, size_t *first)
{
    struct position *p = xmalloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = (struct position){(uintptr_t)fs[i], i};
    qsort(p, n, sizeof *p, by_future_then_index); /* sorting: n log n, even for 10,000 tasks */
    for (size_t k = 0; k < n; k++)
        first[p[k].index] = k > 0 && p[k].future == p[k - 1].future ? first[p[k - 1].index]
                                                                    : p[k].index;
    free(p);
}

/* 0, or why fs cannot be waited for on `loop`. */
static int check_futures(struct future *const *fs, size_t n, const struct loop *loop)
{
    if (n > 0 && !fs)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!fs[i])
            return -EINVAL;
        if (future_loop(fs[i]) != loop)
            return -EXDEV;
    }
    return 0;
}

/* ---- async_wait ---- */

struct waiting {
    struct future future; /* first: what the waiting task awaits (future_new_extended) */
    enum wait_when when;
    size_t left; /* distinct futures whose callback has not run yet */
};

static void on_completion(struct future *f, void *arg)
{
    struct waiting *w = arg;
    w->left--;
    bool met = w->left == 0 || w->when == WAIT_FIRST_COMPLETED ||
               (w->when == WAIT_FIRST_EXCEPTION && future_state(f) == FUTURE_ERROR);
    if (met && !future_done(&w->future))
        future_set_result(&w->future, NULL);
    future_unref(&w->future); /* the reference this callback held */
}

static void time_is_up(struct loop *loop, void *arg)
{
    (void)loop;
    struct waiting *w = arg;
    if (!future_done(&w->future))
        future_set_result(&w->future, NULL);
}

int async_wait(struct future *const *fs, size_t n, enum wait_when when, double timeout,
               bool *done)
{
    if (n == 0 || isnan(timeout) ||
        (when != WAIT_FIRST_COMPLETED && when != WAIT_FIRST_EXCEPTION && when != WAIT_ALL_COMPLETED))
        return -EINVAL;
    struct task *self = current_task();
    if (!self)
        return -EPERM;
    struct loop *loop = loop_get_running();
    int err = check_futures(fs, n, loop);
    if (err)
        return err;
    for (size_t i = 0; i < n; i++)
        if (fs[i] == task_future(self))
            return -EDEADLK; /* it would wait for its own end */

    size_t *first = xmalloc(n * sizeof *first);
    first_positions(fs, n, first);
    struct waiting *w = (struct waiting *)future_new_extended(loop, sizeof *w, NULL);
    future_set_name(&w->future, "wait");
    w->when = when;
    for (size_t i = 0; i < n; i++)
        if (first[i] == i) {
            w->left++;
            future_ref(&w->future);
            future_add_done_callback(fs[i], on_completion, w); /* done already: next turn */
        }
    struct loop_handle timer = {0};
    if (timeout < INFINITY)
        timer = loop_call_later(loop, timeout, time_is_up, w);

    int rc = await_future(&w->future, NULL); /* 0, or -ECANCELED: this task was cancelled */

    /* Nothing is cancelled: only what this wait added is taken back. */
    loop_cancel(loop, timer);
    for (size_t i = 0; i < n; i++)
        if (first[i] == i)
            for (size_t k = future_remove_done_callback(fs[i], on_completion, w); k > 0; k--)
                future_unref(&w->future);
    future_unref(&w->future);
    free(first);
    if (done)
        for (size_t i = 0; i < n; i++)
            done[i] = future_done(fs[i]);
    return rc;
}

/* ---- as_completed ---- */

struct entry {
    struct as_completed *it;
    struct future *future; /* a reference, held until the iteration is gone */
    size_t index;          /* its first position in the caller's array */
};

struct as_completed {
    struct loop *loop;
    unsigned refs;   /* the owner's, and one per done callback that has not run */
    bool closed;     /* the owner has freed it: callbacks only drop their reference */
    bool timed_out;  /* the deadline passed: nothing finishing later is handed out */
    size_t n;        /* distinct futures */
    size_t finished; /* order[0..finished): the entries that finished, in that order */
    size_t handed;   /* order[0..handed): those already handed out */
    size_t *order;
    struct loop_handle timer;
    struct future *waiter; /* what as_completed_next awaits while none is ready */
    struct entry entries[];
};

static void release(struct as_completed *it)
{
    if (--it->refs > 0)
        return;
    for (size_t k = 0; k < it->n; k++)
        future_unref(it->entries[k].future);
    free(it->order);
    free(it);
}

static void wake_waiter(struct as_completed *it)
{
    if (it->waiter && !future_done(it->waiter))
        future_set_result(it->waiter, NULL);
}

static void on_finished(struct future *f, void *arg)
{
    (void)f;
    struct entry *e = arg;
    struct as_completed *it = e->it;
    if (!it->closed && !it->timed_out) {
        it->order[it->finished++] = (size_t)(e - it->entries);
        if (it->finished == it->n)
            loop_cancel(it->loop, it->timer);
        wake_waiter(it);
    }
    release(it);
}

static void deadline_passed(struct loop *loop, void *arg)
{
    (void)loop;
    struct as_completed *it = arg;
    it->timed_out = true;
    wake_waiter(it);
}

struct as_completed *as_completed(struct future *const *fs, size_t n, double timeout)
{
    struct loop *loop = loop_get_running();
    if (!loop) {
        errno = ESRCH;
        return NULL;
    }
    int err = isnan(timeout) ? -EINVAL : check_futures(fs, n, loop);
    if (err) {
        errno = -err;
        return NULL;
    }
    size_t *first = xmalloc((n ? n : 1) * sizeof *first);
    if (n)
        first_positions(fs, n, first);
    struct as_completed *it = xcalloc(1, sizeof *it + n * sizeof it->entries[0]);
    it->loop = loop;
    it->refs = 1;
    it->order = xmalloc((n ? n : 1) * sizeof *it->order);
    for (size_t i = 0; i < n; i++)
        if (first[i] == i) { /* in the caller's order: futures already done come back in it */
            struct entry *e = &it->entries[it->n++];
            *e = (struct entry){it, future_ref(fs[i]), i};
            it->refs++;
            future_add_done_callback(fs[i], on_finished, e);
        }
    free(first);
    if (it->n > 0 && timeout < INFINITY)
        it->timer = loop_call_later(loop, timeout, deadline_passed, it);
    return it;
}

int as_completed_next(struct as_completed *it, struct future **next, size_t *index)
{
    if (!current_task())
        return -EPERM;
    if (it->waiter)
        return -EBUSY;
    while (it->handed == it->finished) {
        if (it->handed == it->n)
            return -ENODATA;
        if (it->timed_out)
            return -ETIMEDOUT;
        it->waiter = future_new(it->loop);
        future_set_name(it->waiter, "as_completed");
        int rc = await_future(it->waiter, NULL);
        future_unref(it->waiter);
        it->waiter = NULL;
        if (rc)
            return rc; /* -ECANCELED: nothing was handed out, the next call goes on */
    }
    const struct entry *e = &it->entries[it->order[it->handed++]];
    *next = e->future;
    if (index)
        *index = e->index;
    return 0;
}

void as_completed_free(struct as_completed *it)
{
    if (!it)
        return;
    if (it->waiter)
        die("as_completed_free: a task is still waiting in as_completed_next");
    loop_cancel(it->loop, it->timer);
    it->closed = true;
    for (size_t k = 0; k < it->n; k++)
        it->refs -= (unsigned)future_remove_done_callback(it->entries[k].future, on_finished,
                                                          &it->entries[k]);
    release(it);
}
