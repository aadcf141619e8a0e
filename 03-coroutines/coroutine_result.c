/*
 * coroutine_result.c — a coroutine returns a value to whoever awaits it.
 *
 * Mirrors A2 「定义协程」: `async def my_coroutine(): ... return "结果"`. With stackful
 * coroutines `result = await my_coroutine()` is an ordinary call: the callee may suspend
 * (the whole stack waits, caller included) and its return value comes back the usual
 * way. Run it as a task instead and the value travels through the task's future: a
 * void * for a result, or a code and a message for an error (the C face of an
 * exception). Watch the three results arrive, and the error with its message.
 */
#include "args.h"
#include "check.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double pause = 0.5;

/* `async def my_coroutine(): await asyncio.sleep(...); return "结果"` */
static const char *my_coroutine(void)
{
    /* Suspends the task that called us: its whole stack waits, this frame included. */
    return async_sleep(pause) == 0 ? "结果" : NULL;
}

/* The same as a task body: the result must be a void *, here a string it allocated. */
static void *computes(void *arg)
{
    int n = *(int *)arg;
    int err = async_sleep(pause);
    if (err)
        return task_raise(err, NULL);
    char *answer = xmalloc(32);
    snprintf(answer, 32, "%d squared is %d", n, n * n);
    return answer; /* the awaiter owns it now */
}

static void *fails(void *arg)
{
    (void)arg;
    int err = async_sleep(pause);
    if (err)
        return task_raise(err, NULL);
    return task_raise(-ECONNREFUSED, "the database at %s refused us", "127.0.0.1:5432");
}

static void *main_task(void *arg)
{
    int *delivered = arg;
    struct loop *loop = loop_get_running();
    double start = loop_time(loop);

    say("1. result = await my_coroutine()  — in C: a call");
    const char *r = my_coroutine();
    say("   got \"%s\" after %.2f s", r ? r : "-", loop_time(loop) - start);
    *delivered += r && strcmp(r, "结果") == 0;

    say("2. the same as a task: create_task(), then await_task()");
    int n = 12;
    struct task *t = create_task("computes", computes, &n);
    void *answer = NULL;
    int rc = await_task(t, &answer);
    task_release(t);
    say("   await_task returned %d, result \"%s\"", rc, rc == 0 ? (char *)answer : "-");
    *delivered += rc == 0 && strcmp(answer, "12 squared is 144") == 0;
    free(answer);

    say("3. a task that raises: the awaiter gets the code and the message");
    t = create_task("fails", fails, NULL);
    rc = await_task(t, NULL);
    say("   await_task returned %d (%s): %s", rc, strerror(-rc), task_error_message(t));
    *delivered += rc == -ECONNREFUSED;
    task_release(t);
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &pause, 0, 10, "how long each coroutine sleeps first"),
        OPT_QUICK_DOUBLE(&pause, 0.01),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "A coroutine returning a value: awaited as a call, awaited as a task, and "
               "ending with an error instead.",
               opts);
    int delivered = 0;
    int rc = async_run(main_task, &delivered, NULL);
    printf("\n%d of 3 outcomes arrived as expected\n", delivered);
    result_record("coroutine_result.delivered", delivered, "count");
    return rc == 0 ? 0 : 1;
}
