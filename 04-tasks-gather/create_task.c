/*
 * create_task.c — a task starts on its own and runs while its creator does other work.
 *
 * Mirrors A2 「创建和执行任务」 (task_func, "等待任务完成...") and A3 「任务(Task)」
 * (slow_operation A with a delay of 2, B with a delay of 1). create_task() only schedules
 * the task: it first runs when its creator gives the loop a turn, at its first await.
 * Watch "等待任务完成..." come before the task's first line, then B finish before A
 * although A was created and awaited first, and the whole of part 2 take 2 s, not 3.
 */
#include "args.h"
#include "elapsed.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <stdio.h>
#include <string.h>

static double unit = 1.0; /* the article's second */

/* async def task_func(): await asyncio.sleep(1); return "任务完成" */
static void *task_func(void *arg)
{
    (void)arg;
    say("task_func 开始 (at %.2f s)", elapsed());
    int err = async_sleep(1 * unit);
    if (err)
        return task_raise(err, "task_func");
    return "任务完成";
}

struct slow_operation {
    const char *name;
    double delay;
    const char *result;
    double finished_at;
};

/* async def slow_operation(name, delay): print 开始, sleep(delay), print 完成, return 结果 */
static void *slow_operation(void *arg)
{
    struct slow_operation *op = arg;
    say("任务 %s 开始 (at %.2f s)", op->name, elapsed());
    int err = async_sleep(op->delay * unit);
    if (err)
        return task_raise(err, "slow_operation %s", op->name);
    op->finished_at = elapsed();
    say("任务 %s 完成 (at %.2f s)", op->name, op->finished_at);
    return (void *)op->result;
}

/* A2: create the task, do something else, then await it. */
static void part1(void)
{
    printf("1. A2 创建和执行任务: create_task(task_func()), other work, then await task\n");
    elapsed_reset();
    struct task *task = create_task("task_func", task_func, NULL);
    say("等待任务完成...  (the task exists, but has not run yet)");
    void *result = NULL;
    int rc = await_task(task, &result);
    task_release(task);
    double total = elapsed();
    say("任务结果: %s (at %.2f s)", rc == 0 ? (char *)result : "-", total);
    result_record("create_task.a2.seconds", total, "s");
}

/* A3: two tasks, awaited in creation order; the shorter one finishes first all the same. */
static void part2(void)
{
    printf("\n2. A3 任务(Task): slow_operation(\"A\", 2) and slow_operation(\"B\", 1) as tasks\n");
    elapsed_reset();
    struct slow_operation a = {"A", 2, "结果 A", 0}, b = {"B", 1, "结果 B", 0};
    struct task *task1 = create_task("A", slow_operation, &a);
    struct task *task2 = create_task("B", slow_operation, &b);
    void *result1 = NULL, *result2 = NULL;
    int rc1 = await_task(task1, &result1);
    say("await task1 returned (at %.2f s): task2 is %s", elapsed(),
        task_done(task2) ? "already done" : "still running");
    int rc2 = await_task(task2, &result2);
    task_release(task1);
    task_release(task2);
    double total = elapsed();
    say("结果: %s, %s (at %.2f s)", rc1 == 0 ? (char *)result1 : "-",
        rc2 == 0 ? (char *)result2 : "-", total);

    bool b_first = rc1 == 0 && rc2 == 0 && b.finished_at < a.finished_at;
    double one_after_another = (a.delay + b.delay) * unit;
    printf("\n   B finished %s A, and the two took %.2f s: %s (one after another: %.2f s)\n",
           b_first ? "before" : "after", total,
           total < one_after_another - unit / 2 ? "they overlapped" : "they did NOT overlap",
           one_after_another);
    result_record("create_task.b_before_a", b_first, "bool");
    result_record("create_task.a3.seconds", total, "s");
}

static void *main_task(void *arg)
{
    (void)arg;
    part1();
    part2();
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &unit, 0.001, 10,
                   "the article's one second (delays are 1, 2 of these)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&unit, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "create_task: a task runs while its creator does other work; the shorter of two "
               "tasks finishes first even when awaited second.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
