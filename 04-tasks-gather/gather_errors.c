/*
 * gather_errors.c — gather's two ways with an error: fail fast, or return the errors.
 *
 * Mirrors A2 「多个任务的错误处理」: task1 raises ValueError("任务1出错") after 1 s, task2
 * returns "任务2完成" after 2 s. Way 1 (fail fast) hands the first error over at once;
 * way 2 (return_exceptions=True) waits for both and returns the error in task1's slot.
 * The article says of way 1 "一个任务出错会导致所有任务失败" (one error fails every task).
 * Watch way 1's task2 say "任务2完成" at 2 s, a second after gather raised: it was neither
 * failed nor cancelled, it ran on to the end.
 */
#include "args.h"
#include "elapsed.h"
#include "future.h"
#include "gather.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static double unit = 1.0; /* the article's second */

static void *task1(void *arg)
{
    (void)arg;
    int err = async_sleep(1 * unit);
    if (err)
        return task_raise(err, "task1");
    say("raise ValueError(\"任务1出错\") (at %.2f s)", elapsed());
    return task_raise(-EINVAL, "任务1出错"); /* ValueError: EINVAL is C's "invalid value" */
}

static void *task2(void *arg)
{
    double *finished = arg;
    int err = async_sleep(2 * unit);
    if (err) {
        say("stopped: %s (at %.2f s)", strerror(-err), elapsed());
        return task_raise(err, "task2");
    }
    *finished = elapsed();
    say("任务2完成 (at %.2f s)", *finished);
    return "任务2完成";
}

/* gather(task1(), task2(), return_exceptions=...): the gather, and task2 kept to look at. */
static struct future *start(const char *prefix, enum gather_mode mode, double *task2_finished,
                            struct task **task2_out)
{
    char name1[32], name2[32];
    snprintf(name1, sizeof name1, "%s.task1", prefix);
    snprintf(name2, sizeof name2, "%s.task2", prefix);
    struct task *t1 = create_task(name1, task1, NULL);
    struct task *t2 = create_task(name2, task2, task2_finished);
    struct future *children[] = {task_future(t1), task_future(t2)};
    struct future *g = gather(children, 2, mode);
    task_release(t1); /* the gather holds the children now */
    *task2_out = t2;
    return g;
}

static void *main_task(void *arg)
{
    (void)arg;
    elapsed_reset();
    double way1_task2_finished = -1, way2_task2_finished = -1;
    struct task *way1_task2, *way2_task2;

    printf("方式1: results = await asyncio.gather(task1(), task2())\n");
    struct future *g = start("way1", GATHER_FAIL_FAST, &way1_task2_finished, &way1_task2);
    int rc = await_future(g, NULL);
    double caught_at = elapsed();
    if (rc == 0)
        say("print(results): gather returned without an error (at %.2f s)", caught_at);
    else
        say("捕获到异常: %s (at %.2f s); way1.task2 is %s", future_error_message(g), caught_at,
            task_done(way1_task2) ? "done" : "still running");
    future_unref(g);

    printf("\n方式2: results = await asyncio.gather(task1(), task2(), return_exceptions=True)\n");
    g = start("way2", GATHER_RETURN_EXCEPTIONS, &way2_task2_finished, &way2_task2);
    rc = await_future(g, NULL);
    void *second = NULL;
    if (rc == 0 && gather_result(g, 1, &second) == 0) /* print(results), in argument order: */
        say("results (at %.2f s) = [%s %s, \"%s\"]", elapsed(), /* [ValueError(...), "任务2完成"] */
            gather_error(g, 0) == -EINVAL ? "ValueError" : "?", gather_error_message(g, 0),
            (char *)second);
    int slot0 = gather_error(g, 0), slot1 = gather_error(g, 1);
    future_unref(g);
    task_release(way2_task2);

    bool ran_on =
        task_done(way1_task2) && !task_cancelled(way1_task2) && way1_task2_finished > caught_at;
    printf("\n方式1's task2: %s, finished at %.2f s, %.2f s after gather raised at %.2f s.\n"
           "The article says one error fails every task; here task2 %s.\n",
           !task_done(way1_task2)       ? "still running"
           : task_cancelled(way1_task2) ? "cancelled"
                                        : "completed",
           way1_task2_finished, way1_task2_finished - caught_at, caught_at,
           ran_on ? "ran on and completed" : "did NOT run on");
    task_release(way1_task2);
    result_record("gather_errors.way1.caught_at", caught_at, "s");
    result_record("gather_errors.way1.task2_finished", way1_task2_finished, "s");
    result_record("gather_errors.way1.task2_ran_on", ran_on, "bool");
    result_record("gather_errors.way2.slots_in_order", slot0 == -EINVAL && slot1 == 0, "bool");
    result_record("gather_errors.way2.task2_finished", way2_task2_finished, "s");
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &unit, 0.001, 10, "the article's one second (task1 1, task2 2)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&unit, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "gather's two error modes: fail fast (the other task runs on) and "
               "return_exceptions (errors and results in argument order).",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
