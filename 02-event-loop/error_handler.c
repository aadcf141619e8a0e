/*
 * error_handler.c — the loop-wide handler receives the errors nobody handled.
 *
 * Mirrors A0 §5.3 「错误处理规范」 (loop.set_exception_handler(handle_exception)) and the
 * faulty_task of A0 §2.2 「异常处理陷阱」, whose error nobody awaits.
 * A C callback cannot raise: an error is a value (a code and a message) that someone
 * must read. Watch which errors reach the handler: the one nobody retrieved (when its
 * future is released), and one a callback handed over itself; never the one that was read.
 */
#include "args.h"
#include "future.h"
#include "loop.h"
#include "results.h"
#include "say.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int handled; /* how many errors reached handle_exception */

/* The article's handler: def handle_exception(loop, context): print(...) */
static void handle_exception(struct loop *loop, const struct loop_error *e, void *arg)
{
    (void)loop;
    (void)arg;
    handled++;
    say("handle_exception: 捕获全局异常: %s — %s [%s] in %s", e->message, e->detail,
        strerror(-e->code), e->source);
}

/* async def faulty_task(): raise ValueError("任务出错") */
static void faulty_task(struct loop *loop, void *task)
{
    (void)loop;
    say("faulty_task: fails");
    future_set_error(task, -EINVAL, "ValueError: 任务出错");
}

struct main_state {
    struct future *task, *done;
    bool awaits_task;
};

/* After main's `await asyncio.sleep(0.1)`: read the task's outcome, or forget it. */
static void main_after_sleep(struct loop *loop, void *arg)
{
    (void)loop;
    struct main_state *m = arg;
    if (m->awaits_task && future_result(m->task, NULL) < 0)
        say("safe_main: 捕获异常: %s", future_error_message(m->task));
    else if (!m->awaits_task)
        say("main: returns without awaiting the task");
    future_unref(m->task); /* the last reference: an unread error is reported now */
    future_set_result(m->done, NULL);
}

/* main() creates the task, sleeps 0.1 s, then awaits the task (safe_main) or does not. */
static void run_main(const char *title, bool install_handler, bool awaits_task)
{
    printf("\n%s\n", title);
    struct loop *loop = loop_new();
    if (install_handler)
        loop_set_exception_handler(loop, handle_exception, NULL);
    struct main_state m = {future_new(loop), future_new(loop), awaits_task};
    future_set_name(m.task, "faulty_task");
    loop_call_soon(loop, faulty_task, m.task);
    loop_call_later(loop, 0.1, main_after_sleep, &m);
    loop_run_until_complete(loop, m.done);
    future_unref(m.done);
    loop_close(loop);
}

/* A callback with an error and nobody to return it to hands it to the loop itself. */
static void on_readable(struct loop *loop, void *done)
{
    say("on_readable: the peer reset the connection; no caller to return the error to");
    loop_call_exception_handler(loop, &(struct loop_error){
                                          .message = "Exception in callback",
                                          .code = -ECONNRESET,
                                          .detail = "read() failed",
                                          .source = "on_readable",
                                      });
    future_set_result(done, NULL);
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv,
               "The loop's exception handler receives the errors nobody handled: a failed "
               "future nobody read, a callback's error; not the error that was read.",
               opts);

    run_main("1. No handler installed: the default handler prints the lost error on stderr.", false,
             false);

    handled = 0;
    run_main("2. loop_set_exception_handler(loop, handle_exception): the same lost error.", true,
             false);
    int lost = handled;

    handled = 0;
    run_main("3. safe_main: the task's error is read (await task; except): nothing to report.",
             true, true);
    int read_errors = handled;

    handled = 0;
    printf("\n4. A callback hands its error to loop_call_exception_handler.\n");
    struct loop *loop = loop_new();
    loop_set_exception_handler(loop, handle_exception, NULL);
    struct future *done = future_new(loop);
    loop_call_soon(loop, on_readable, done);
    loop_run_until_complete(loop, done);
    future_unref(done);
    loop_close(loop);
    int from_callback = handled;

    printf("\nhandle_exception received: %d lost error, %d read error, %d callback error\n", lost,
           read_errors, from_callback);
    result_record("error_handler.lost", lost, "count");
    result_record("error_handler.read", read_errors, "count");
    result_record("error_handler.callback", from_callback, "count");
    return 0;
}
