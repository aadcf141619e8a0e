/*
 * shield.c — asyncio.shield on two futures and one done callback. See shield.h.
 *
 * The outer future has a done callback on the inner that copies the inner's outcome over,
 * and a cancel hook: cancelling the outer removes that callback from the inner and ends
 * the outer cancelled, touching the inner no further. asyncio's shield does the same with
 * _inner_done_callback and _outer_done_callback.
 */
#include "shield.h"

#include "future.h"

#include <string.h>


struct shielded {
    struct future outer; /* first: the outer is a future (future_new_extended) */
    struct future *inner; /* one reference, until the outer is freed */
};

static void destroy_shielded(struct future *f)
{
    future_unref(((struct shielded *)f)->inner);
}

static void end_outer_cancelled(struct shielded *s)
{
    future_set_cancel_hook(&s->outer, NULL); /* from now on, cancelling is a plain state */
    future_cancel(&s->outer);
}

/* The inner is done: the outer ends the same way. The callback holds a reference on it. */
static void inner_done(struct future *inner, void *arg)
{
    struct shielded *s = arg;
    if (future_done(&s->outer)) {
        /* Cancelled after the inner ended but before this ran: as asyncio 3.13 does, the
         * inner's error counts as retrieved, its result stays in it. */
        future_error(inner);
    } else if (future_cancelled(inner)) {
        end_outer_cancelled(s);
    } else {
        void *result = NULL;
        int code = future_result(inner, &result); /* taken: the outer's outcome now */
        const char *message = future_error_message(inner);
        if (code) /* the inner's error, or -EALREADY: another reader took its outcome first */
            future_set_error(&s->outer, code, "%s", message ? message : strerror(-code));
        else
            future_set_result(&s->outer, result);
    }
    future_unref(&s->outer);
}

/* Cancelling the outer: the inner loses its callback, and only the outer ends. */
static bool cancel_outer_only(struct future *f)
{
    struct shielded *s = (struct shielded *)f;
    if (future_remove_done_callback(s->inner, inner_done, s) > 0)
        future_unref(&s->outer); /* the reference the removed callback held */
    end_outer_cancelled(s);
    return true;
}

struct future *shield(struct future *inner)
{
    if (future_done(inner))
        return future_ref(inner);
    struct shielded *s = (struct shielded *)future_new_extended(
        future_loop(inner), sizeof *s, destroy_shielded);
    future_set_name(&s->outer, "shield");
    s->inner = future_ref(inner);
    future_set_cancel_hook(&s->outer, cancel_outer_only);
    future_add_done_callback(inner, inner_done, future_ref(&s->outer));
    return &s->outer;
}
