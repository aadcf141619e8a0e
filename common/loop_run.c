/*
 * loop_run.c — running the loop until a future is done (asyncio's run_until_complete),
 * and loop_run, the asyncio.run of callbacks. It sits above both the loop and futures:
 * loop.c knows nothing of futures, future.c is built on the loop, and this file on both.
 */
#include "check.h"
#include "future.h"
#include "loop.h"

#include <errno.h>

static void stop_when_done(struct future *f, void *arg)
{
    (void)arg;
    loop_stop(future_loop(f));
}

int loop_run_until_complete(struct loop *loop, struct future *f)
{
    if (future_loop(f) != loop)
        die("loop_run_until_complete: the future belongs to another loop");
    future_add_done_callback_named(f, "run_until_complete", stop_when_done, NULL);
    loop_run_forever(loop);
    future_remove_done_callback(f, stop_when_done, NULL);
    return future_done(f) ? 0 : -EINTR;
}

int loop_run(loop_main *main, void *arg)
{
    struct loop *loop = loop_new();
    struct future *f = main(loop, arg);
    if (!f)
        die("loop_run: main returned no future");
    int rc = loop_run_until_complete(loop, f);
    if (rc == 0)
        rc = future_result(f, NULL);
    future_unref(f);
    loop_close(loop);
    return rc;
}
