/*
 * gather.c — asyncio.gather on futures and done callbacks. See gather.h.
 *
 * A gather is a future with a done callback on each child. Each callback counts the
 * child in, and the gather ends when the first child fails (fail-fast) or when the last
 * one is done. asyncio's _GatheringFuture and its _done_callback work the same way.
 */
#include "gather.h"

#include "check.h"
#include "future.h"
#include "loop.h"

#include <errno.h>
#include <stdbool.h>

struct gathering {
    struct future future; /* first: a gathering is a future (future_new_extended) */
    enum gather_mode mode;
    bool cancel_requested; /* the gather was cancelled: it ends cancelled */
    size_t n, finished;
    struct future *children[]; /* one reference on each */
};

static void destroy_gathering(struct future *f)
{
    struct gathering *g = (struct gathering *)f;
    for (size_t i = 0; i < g->n; i++)
        future_unref(g->children[i]);
}

static struct gathering *as_gathering(struct future *f, const char *call)
{
    if (f->destroy != destroy_gathering)
        die("%s: '%s' is not a future made by gather()", call, future_name(f));
    return (struct gathering *)f;
}

static size_t index_of(const struct gathering *g, const struct future *child)
{
    size_t i = 0;
    while (g->children[i] != child)
        i++;
    return i;
}

static void end_cancelled(struct gathering *g)
{
    future_set_cancel_hook(&g->future, NULL); /* from now on, cancelling is a plain state */
    future_cancel(&g->future);
}

/* Fail-fast: the gather ends as `child` did, at once. */
static void end_with_failure_of(struct gathering *g, struct future *child)
{
    if (g->cancel_requested) {
        end_cancelled(g);
    } else if (future_cancelled(child)) {
        future_set_error(&g->future, -ECANCELED, "child %zu ('%s') was cancelled",
                         index_of(g, child), future_name(child));
    } else {
        int code = future_error(child); /* retrieved: it is the gather's error now */
        future_set_error(&g->future, code, "%s", future_error_message(child));
    }
}

/* Every child is done. Their results stay in them, for gather_result to hand out. */
static void end_with_results(struct gathering *g)
{
    if (g->cancel_requested) {
        end_cancelled(g);
        return;
    }
    for (size_t i = 0; i < g->n; i++)
        future_error(g->children[i]); /* an error is retrieved: it is the caller's now */
    future_set_result(&g->future, NULL);
}

/* A child is done. Each of these callbacks holds a reference on the gather. */
static void child_done(struct future *child, void *arg)
{
    struct gathering *g = arg;
    g->finished++;
    if (future_done(&g->future))
        future_error(child); /* the gather failed fast already: nobody else will read this */
    else if (g->mode == GATHER_FAIL_FAST && future_state(child) != FUTURE_RESULT)
        end_with_failure_of(g, child);
    else if (g->finished == g->n)
        end_with_results(g);
    future_unref(&g->future);
}

/* Cancelling the gather cancels its children; it ends when they have (child_done). */
static bool cancel_children(struct future *f)
{
    struct gathering *g = (struct gathering *)f;
    bool any = false;
    for (size_t i = 0; i < g->n; i++)
        if (!future_done(g->children[i]) && future_cancel(g->children[i]))
            any = true;
    if (any)
        g->cancel_requested = true;
    return any;
}

struct future *gather(struct future *const *children, size_t n, enum gather_mode mode)
{
    struct loop *loop = n ? future_loop(children[0]) : loop_get_running();
    if (!loop) {
        errno = ESRCH;
        return NULL;
    }
    for (size_t i = 1; i < n; i++)
        if (future_loop(children[i]) != loop) {
            errno = EXDEV; /* asyncio: "futures are tied to different event loops" */
            return NULL;
        }
    struct gathering *g = (struct gathering *)future_new_extended(
        loop, sizeof *g + n * sizeof g->children[0], destroy_gathering);
    future_set_name(&g->future, "gather");
    g->mode = mode;
    g->n = n;
    if (n == 0) {
        future_set_result(&g->future, NULL);
        return &g->future;
    }
    future_set_cancel_hook(&g->future, cancel_children);
    for (size_t i = 0; i < n; i++) {
        g->children[i] = future_ref(children[i]);
        future_ref(&g->future);
        future_add_done_callback(children[i], child_done, g);
    }
    return &g->future;
}

static struct future *child(struct future *f, size_t i, const char *call)
{
    struct gathering *g = as_gathering(f, call);
    if (i >= g->n)
        die("%s: child %zu of a gather of %zu", call, i, g->n);
    return g->children[i];
}

int gather_result(struct future *g, size_t i, void **result)
{
    return future_result(child(g, i, "gather_result"), result);
}

int gather_error(struct future *g, size_t i)
{
    return future_error(child(g, i, "gather_error"));
}

const char *gather_error_message(struct future *g, size_t i)
{
    return future_error_message(child(g, i, "gather_error_message"));
}
