/*
 * wait_for_timeout.c — wait_for gives up after its timeout, once the work's cleanup is done.
 *
 * Mirrors A2 「超时处理」: wait_for(long_running_task(), timeout=3) on a task that needs
 * 5 s prints 任务超时 after 3 s. What the article does not show: at the deadline wait_for
 * cancels the task and then waits for it, so the task's cleanup (here a 0.2 s rollback
 * that awaits) has finished before the caller sees -ETIMEDOUT, at 3.2 s, not 3.0.
 * Then the same with a 6 s timeout (the result, 任务完成, at 5 s), and the form asyncio
 * uses for a coroutine: no new task, a timeout scope around the call in the caller's task.
 */
#include "args.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"
#include "timeout.h"
#include "wait_for.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static double scale = 0.3; /* real seconds per article second: the run takes 3.4 s */
static double began, cleanup_ended;

static double now(void)
{
    return (loop_time(loop_get_running()) - began) / scale;
}

/* async def long_running_task(): await asyncio.sleep(5); return "任务完成" */
static int long_running(void)
{
    int rc = async_sleep(5 * scale);
    if (rc == -ECANCELED) {
        say("cancelled at %.2f s: rolling back (an await of 0.2 s)", now());
        async_sleep(0.2 * scale); /* a cancel is delivered once: the rollback can await */
        cleanup_ended = now();
        say("rollback done at %.2f s", cleanup_ended);
    }
    return rc;
}

static void *long_running_task(void *arg)
{
    (void)arg;
    int rc = long_running();
    return rc ? task_raise(rc, NULL) : "任务完成";
}

static void report(const char *what, int rc, const char *result)
{
    if (rc == 0)
        say("结果: %s (at %.2f s)", result, now());
    else if (rc == -ETIMEDOUT)
        say("任务超时 (-ETIMEDOUT at %.2f s)", now());
    else
        say("%s ended with %s", what, strerror(-rc));
}

static void with_task(const char *name, double limit)
{
    printf("\n%s: wait_for(long_running_task(), timeout=%g)\n", name, limit);
    began = loop_time(loop_get_running());
    cleanup_ended = -1;
    struct task *t = create_task("long_running_task", long_running_task, NULL);
    void *result = NULL;
    int rc = wait_for(task_future(t), limit * scale, &result);
    double seen = now();
    report("wait_for", rc, result);
    char key[64];
    snprintf(key, sizeof key, "wait_for.%s.returned_at", name);
    result_record(key, seen, "s");
    snprintf(key, sizeof key, "wait_for.%s.timed_out", name);
    result_record(key, rc == -ETIMEDOUT, "bool");
    if (rc == -ETIMEDOUT) {
        say("the task: done %s, cancelled %s; its rollback ended at %.2f s, the caller saw the "
            "timeout at %.2f s: %s",
            task_done(t) ? "yes" : "no", task_cancelled(t) ? "yes" : "no", cleanup_ended, seen,
            cleanup_ended >= 0 && cleanup_ended <= seen ? "cleanup first" : "CLEANUP NOT DONE");
        snprintf(key, sizeof key, "wait_for.%s.cleanup_ended_at", name);
        result_record(key, cleanup_ended, "s");
    }
    task_release(t);
}

static void *main_task(void *arg)
{
    (void)arg;
    printf("Times \"at\" are in the article's seconds; the run goes at %.2f real seconds each "
           "(--scale).\n",
           scale);
    with_task("timeout3", 3);
    with_task("timeout6", 6);

    printf("\ncoroutine form: a timeout scope around the call, in main's own task\n");
    began = loop_time(loop_get_running());
    struct timeout *to = timeout(3 * scale);
    int rc = timeout_enter(to);
    if (rc == 0)
        rc = long_running(); /* a plain call: its awaits are cut at the deadline */
    rc = timeout_exit(to, rc);
    report("the scope", rc, "任务完成");
    result_record("wait_for.scope.returned_at", now(), "s");
    result_record("wait_for.scope.timed_out", rc == -ETIMEDOUT, "bool");
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("scale", "X", &scale, 0.001, 10,
                   "real seconds per article second (times are printed in the article's)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&scale, 0.05),
        OPT_END,
    };
    args_parse(argc, argv,
               "A2 超时处理: wait_for(long_running_task(), 3) on a 5 s task times out after 3 s, "
               "and only once the task's cleanup has finished.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
