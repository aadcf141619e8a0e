/*
 * exception_trap.c — a task's error that nobody awaits: reported, and nothing crashes.
 *
 * Mirrors A0 「2.2 异常处理陷阱」. The article says an uncaught exception in a task makes
 * the event loop crash. It does not: the error stays in the task, the loop and main run
 * on, and when the task is let go with its error still unread the loop's exception
 * handler reports "Task exception was never retrieved" (on stderr). Awaiting the task, as
 * the article's 正例 does, hands the error to the awaiter and there is no report.
 * Watch main go on after the failure, the report appear when the task is released, and
 * the handled version catch "任务出错".
 */
#include "args.h"
#include "elapsed.h"
#include "reports.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>

static double pause = 0.1; /* the article's asyncio.sleep(0.1) */

/* async def faulty_task(): raise ValueError("任务出错") */
static void *faulty_task(void *arg)
{
    (void)arg;
    say("raise ValueError(\"任务出错\") (at %.2f s)", elapsed());
    return task_raise(-EINVAL, "任务出错");
}

/* 反例: the task is created, main sleeps, nobody awaits it. */
static int main_unhandled(void)
{
    struct task *task = create_task("faulty_task", faulty_task, NULL);
    int err = async_sleep(pause); /* 未等待任务，异常未捕获 */
    if (err) {
        task_release(task);
        return err;
    }
    say("main is still running at %.2f s; the task is %s: the loop did not crash", elapsed(),
        task_done(task) ? "done, with its error unread" : "not done");
    say("main lets go of the task (end of main: its last reference goes)");
    fflush(stdout);
    task_release(task); /* the report comes here, on stderr */
    say("the loop runs on after the report");
    return 0;
}

/* 正例: try: await task / except ValueError as e: print(f"捕获异常: {e}") */
static void safe_main(void)
{
    struct task *task = create_task("faulty_task", faulty_task, NULL);
    int rc = await_task(task, NULL);
    if (rc == -EINVAL)
        say("捕获异常: %s", task_error_message(task));
    task_release(task);
}

static void *main_task(void *arg)
{
    (void)arg;
    reports_count();
    elapsed_reset();

    printf("1. 反例: create_task(faulty_task()), sleep %.1f s, never await it\n", pause);
    int err = main_unhandled();
    if (err)
        return task_raise(err, "main");
    int unhandled_reports = reports_counted();

    printf("\n2. 正例: create_task(faulty_task()), then try: await task\n");
    reports_count();
    safe_main();
    int handled_reports = reports_counted();

    printf(
        "\n\"never retrieved\" reports: %d for the task nobody awaited, %d for the awaited one.\n"
        "The article says the loop crashes; here %s.\n",
        unhandled_reports, handled_reports,
        unhandled_reports == 1 && handled_reports == 0
            ? "it ran on, and the unread error was reported once"
            : "the reports are not what asyncio gives (1 and 0)");
    result_record("exception_trap.reports.unhandled", unhandled_reports, "count");
    result_record("exception_trap.reports.handled", handled_reports, "count");
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &pause, 0, 10, "how long main sleeps instead of awaiting"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&pause, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "The exception trap: a failing task nobody awaits does not crash the loop; its "
               "error is reported as never retrieved. Awaiting it catches the error.",
               opts);
    int rc = async_run(main_task, NULL, NULL);
    printf("asyncio.run() returned normally: %s\n", rc == 0 ? "yes" : "no");
    return rc == 0 ? 0 : 1;
}
