/*
 * gather.c — gather runs its tasks together and hands back their results in order.
 *
 * Mirrors A2 「并发执行多个任务」 (task_func("任务1", 1) ... ("任务3", 3) gathered) and
 * A3 「协程(Coroutine)」 (fetch_data of three urls, one second each). The tasks wait at
 * the same time, so the gather lasts as long as the longest (3 s), not the sum (6 s).
 * Watch the total, and in part 3 the results come back in the order they were passed
 * although the tasks finished in another order. --sequential awaits part 1's tasks one
 * after another too, for comparison.
 */
#include "args.h"
#include "check.h"
#include "elapsed.h"
#include "future.h"
#include "gather.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double unit = 1.0; /* the article's second */
static bool sequential = false;

struct job {
    const char *name;
    double delay;    /* in the article's seconds */
    double finished; /* when it finished, on the loop's clock */
};

/* async def task_func(name, delay): sleep(delay); return f"{name} 完成，延迟 {delay} 秒" */
static void *task_func(void *arg)
{
    struct job *job = arg;
    int err = async_sleep(job->delay * unit);
    if (err)
        return task_raise(err, "%s", job->name);
    job->finished = elapsed();
    say("done (at %.2f s)", job->finished);
    char *result;
    if (asprintf(&result, "%s 完成，延迟 %g 秒", job->name, job->delay) < 0)
        die("out of memory");
    return result;
}

/* async def fetch_data(url): print 开始获取; sleep(1); print 完成获取; return 数据来自 url */
static void *fetch_data(void *arg)
{
    struct job *job = arg;
    say("开始获取 %s", job->name);
    int err = async_sleep(job->delay * unit);
    if (err)
        return task_raise(err, "fetch_data %s", job->name);
    job->finished = elapsed();
    say("完成获取 %s (at %.2f s)", job->name, job->finished);
    char *result;
    if (asprintf(&result, "数据来自 %s", job->name) < 0)
        die("out of memory");
    return result;
}

/* results = await asyncio.gather(*(fn(job) for job in jobs)); print each; the time taken. */
static double gather_and_print(task_fn *fn, struct job *jobs, size_t n)
{
    elapsed_reset();
    struct task *tasks[8];
    struct future *children[8];
    for (size_t i = 0; i < n; i++) {
        tasks[i] = create_task(jobs[i].name, fn, &jobs[i]);
        children[i] = task_future(tasks[i]);
    }
    struct future *all = gather(children, n, GATHER_FAIL_FAST);
    int rc = await_future(all, NULL);
    double took = elapsed();
    say("gather returned (at %.2f s): %s", took,
        rc == 0 ? "every result, in argument order" : "an error");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        void *result = NULL; /* results[i]: tasks[i]'s, taken from the gather */
        if (gather_result(all, i, &result) == 0)
            printf("   results[%zu] = %s\n", i, (char *)result);
        free(result);
    }
    future_unref(all);
    for (size_t i = 0; i < n; i++)
        task_release(tasks[i]);
    return rc == 0 ? took : -1;
}

/* The same tasks, awaited one after another. */
static double one_after_another(struct job *jobs, size_t n)
{
    elapsed_reset();
    for (size_t i = 0; i < n; i++) {
        struct task *t = create_task(jobs[i].name, task_func, &jobs[i]);
        void *result = NULL;
        if (await_task(t, &result) == 0)
            free(result);
        task_release(t);
    }
    say("one after another: done (at %.2f s)", elapsed());
    return elapsed();
}

static void *main_task(void *arg)
{
    (void)arg;
    printf("1. A2 并发执行多个任务: gather(task_func(\"任务1\", 1), (\"任务2\", 2), (\"任务3\", "
           "3))\n");
    struct job a2[] = {{"任务1", 1, 0}, {"任务2", 2, 0}, {"任务3", 3, 0}};
    double took = gather_and_print(task_func, a2, 3);
    double sum = (1 + 2 + 3) * unit, longest = 3 * unit;
    printf("   took %.2f s: the longest task is %.2f s, the sum %.2f s -> %s\n", took, longest, sum,
           took >= 0 && took < sum - unit / 2 ? "the tasks overlapped"
                                              : "the tasks did NOT overlap");
    result_record("gather.seconds", took, "s");
    result_record("gather.sum_of_delays", sum, "s");

    printf("\n2. A3 协程: gather(fetch_data(\"http://api1.com\"), ... api2, api3), 1 s each\n");
    struct job a3[] = {
        {"http://api1.com", 1, 0}, {"http://api2.com", 1, 0}, {"http://api3.com", 1, 0}};
    result_record("gather.fetch_data.seconds", gather_and_print(fetch_data, a3, 3), "s");

    printf("\n3. the results keep the arguments' order, not the finishing order (delays 0.3, 0.1, "
           "0.2)\n");
    struct job mixed[] = {{"任务1", 0.3, 0}, {"任务2", 0.1, 0}, {"任务3", 0.2, 0}};
    gather_and_print(task_func, mixed, 3);
    bool finished_out_of_order =
        mixed[1].finished < mixed[2].finished && mixed[2].finished < mixed[0].finished;
    printf("   finishing order: %s; results: 任务1, 任务2, 任务3\n",
           finished_out_of_order ? "任务2, 任务3, 任务1" : "not the expected 2, 3, 1");
    result_record("gather.finished_out_of_order", finished_out_of_order, "bool");

    if (sequential) {
        printf("\n4. part 1's tasks awaited one after another (--sequential)\n");
        result_record("gather.sequential.seconds", one_after_another(a2, 3), "s");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &unit, 0.001, 10,
                   "the article's one second (delays are 1, 2, 3 of these)"),
        OPT_FLAG("sequential", &sequential, "also await part 1's tasks one after another"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&unit, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "gather: three tasks of 1, 2 and 3 s take 3 s together, and the results come "
               "back in the order the tasks were passed.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
