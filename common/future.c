/* future.c — asyncio.Future in C, with reference counting. See future.h. */
#include "future.h"

#include "check.h"
#include "loop.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct future *future_new_extended(struct loop *loop, size_t size, future_destroy *destroy)
{
    if (size < sizeof(struct future))
        die("future_new_extended: %zu bytes cannot hold a struct future", size);
    /* malloc and memset, not calloc: glibc's calloc bypasses its per-thread cache of freed
     * blocks, and a future is made and freed at every wait. */
    struct future *f = memset(xmalloc(size), 0, size);
    f->loop = loop;
    f->refs = 1;
    f->state = FUTURE_PENDING;
    f->name = "future";
    f->kind = "Future";
    f->destroy = destroy;
    loop_future_born(loop);
    return f;
}

struct future *future_new(struct loop *loop)
{
    return future_new_extended(loop, sizeof(struct future), NULL);
}

struct future *future_ref(struct future *f)
{
    f->refs++;
    return f;
}

void future_unref(struct future *f)
{
    if (f->refs == 0)
        die("future_unref: %s released more times than it was referenced", f->name);
    if (--f->refs > 0)
        return;
    if (f->state == FUTURE_ERROR && !f->error_retrieved) {
        /* Nobody can ever read this error now: say so, as asyncio does when it collects one. */
        char message[64];
        snprintf(message, sizeof message, "%s exception was never retrieved", f->kind);
        struct loop_error e = {
            .message = message,
            .code = f->error_code,
            .detail = f->error_message,
            .source = f->name,
        };
        loop_call_exception_handler(f->loop, &e);
    }
    if (f->destroy)
        f->destroy(f);
    struct loop *loop = f->loop;
    free(f->more);
    free(f->error_message);
    free(f);
    loop_future_died(loop);
}

void future_set_name(struct future *f, const char *name)
{
    f->name = name;
}

void future_set_kind(struct future *f, const char *kind)
{
    f->kind = kind;
}

const char *future_name(const struct future *f)
{
    return f->name;
}

struct loop *future_loop(const struct future *f)
{
    return f->loop;
}

enum future_state future_state(const struct future *f)
{
    return f->state;
}

bool future_done(const struct future *f)
{
    return f->state != FUTURE_PENDING;
}

bool future_cancelled(const struct future *f)
{
    return f->state == FUTURE_CANCELLED;
}

/* ---- done callbacks: each one scheduled on the loop, holding a reference ---- */

struct scheduled_callback {
    struct future *future;
    future_callback *fn;
    void *arg;
};

static void run_done_callback(struct loop *loop, void *arg)
{
    (void)loop;
    struct scheduled_callback *c = arg;
    c->fn(c->future, c->arg);
    future_unref(c->future);
    free(c);
}

/* loop_close dropped it without running it: give back the reference all the same. */
static void drop_done_callback(struct loop *loop, void *arg)
{
    (void)loop;
    struct scheduled_callback *c = arg;
    future_unref(c->future);
    free(c);
}

static void schedule(struct future *f, const struct future_done_callback *cb)
{
    struct scheduled_callback *c = xmalloc(sizeof *c);
    *c = (struct scheduled_callback){future_ref(f), cb->fn, cb->arg};
    struct loop_handle h = loop_call_soon_named(f->loop, cb->name, run_done_callback, c);
    loop_handle_on_drop(f->loop, h, drop_done_callback);
}

/* The first callback runs from the future itself: nothing to allocate. */
static void run_first_callback(struct loop *loop, void *arg)
{
    (void)loop;
    struct future *f = arg;
    f->first.fn(f, f->first.arg);
    future_unref(f);
}

static void drop_first_callback(struct loop *loop, void *arg)
{
    (void)loop;
    future_unref(arg);
}

static int finish(struct future *f, enum future_state state)
{
    if (f->state != FUTURE_PENDING)
        return -EINVAL;
    f->state = state;
    if (f->has_first) {
        struct loop_handle h = loop_call_soon_named(f->loop, f->first.name, run_first_callback,
                                                    future_ref(f));
        loop_handle_on_drop(f->loop, h, drop_first_callback);
        f->has_first = false; /* done now: what is added later is scheduled at once */
    }
    for (size_t i = 0; i < f->nmore; i++)
        schedule(f, &f->more[i]);
    f->nmore = 0;
    return 0;
}

void future_add_done_callback_named(struct future *f, const char *name, future_callback *fn,
                                    void *arg)
{
    struct future_done_callback cb = {fn, arg, name};
    if (future_done(f)) {
        schedule(f, &cb);
        return;
    }
    if (!f->has_first) { /* then `more` is empty too: the order is first, then more */
        f->first = cb;
        f->has_first = true;
        return;
    }
    if (f->nmore == f->more_cap)
        f->more = grow_array(f->more, &f->more_cap, f->nmore + 1, sizeof *f->more,
                             "future_add_done_callback");
    f->more[f->nmore++] = cb;
}

static bool same_callback(const struct future_done_callback *cb, future_callback *fn, void *arg)
{
    return cb->fn == fn && cb->arg == arg;
}

size_t future_remove_done_callback(struct future *f, future_callback *fn, void *arg)
{
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < f->nmore; i++)
        if (same_callback(&f->more[i], fn, arg))
            removed++;
        else
            f->more[kept++] = f->more[i];
    f->nmore = kept;
    if (f->has_first && same_callback(&f->first, fn, arg)) {
        removed++;
        f->has_first = f->nmore > 0; /* the next one moves up, keeping the order */
        if (f->has_first) {
            f->first = f->more[0];
            memmove(f->more, f->more + 1, --f->nmore * sizeof *f->more);
        }
    }
    return removed;
}

size_t future_done_callbacks(const struct future *f)
{
    return f->has_first + f->nmore;
}

/* ---- ending a future, and reading how it ended ---- */

int future_set_result(struct future *f, void *result)
{
    if (future_done(f))
        return -EINVAL;
    f->result = result;
    return finish(f, FUTURE_RESULT);
}

int future_set_error(struct future *f, int code, const char *fmt, ...)
{
    if (code >= 0)
        die("future_set_error: the code must be negative (-EIO, -ETIMEDOUT...), not %d", code);
    if (future_done(f))
        return -EINVAL;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    f->error_message = xmalloc((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(f->error_message, (size_t)len + 1, fmt, ap);
    va_end(ap);
    f->error_code = code;
    return finish(f, FUTURE_ERROR);
}

bool future_cancel(struct future *f)
{
    /* Even when refused: asking to cancel a failed future shows someone cared how it ended,
     * so its error is no longer "never retrieved" (asyncio's cancel() clears the flag first). */
    if (f->state == FUTURE_ERROR)
        f->error_retrieved = true;
    if (f->cancel_hook)
        return future_done(f) ? false : f->cancel_hook(f);
    return finish(f, FUTURE_CANCELLED) == 0;
}

void future_set_cancel_hook(struct future *f, future_cancel_hook *hook)
{
    f->cancel_hook = hook;
}

int future_result(struct future *f, void **result)
{
    if (result && f->state != FUTURE_PENDING) {
        if (f->taken)
            return -EALREADY; /* handed out already: a result pointer has one owner */
        f->taken = true;
    }
    switch (f->state) {
    case FUTURE_PENDING:
        return -EAGAIN;
    case FUTURE_RESULT:
        if (result)
            *result = f->result;
        return 0;
    case FUTURE_ERROR:
        f->error_retrieved = true;
        return f->error_code;
    case FUTURE_CANCELLED:
        break;
    }
    return -ECANCELED;
}

bool future_taken(const struct future *f)
{
    return f->taken;
}

int future_error(struct future *f)
{
    return f->state == FUTURE_RESULT ? 0 : future_result(f, NULL);
}

const char *future_error_message(const struct future *f)
{
    return f->state == FUTURE_ERROR ? f->error_message : NULL;
}
