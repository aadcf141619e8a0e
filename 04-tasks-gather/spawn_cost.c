/*
 * spawn_cost.c — what a task costs: gather, or a task group, over 10,000 tasks, per task.
 *
 * Mirrors A2 「并发执行多个任务」 at scale: `await asyncio.gather(*(job() for _ in range(N)))`,
 * and A1 「10. 前沿趋势与展望」's TaskGroup doing the same (`tg.create_task(job())` N times).
 * Each task is a coroutine with its own stack, a future, a turn through the loop's ready
 * queue and a done callback into the gather (or the group); the figure is the whole life of one
 * task, from create_task to its release, divided out over N. Best of several rounds, so one noisy
 * round does not decide. `make bench` prints it beside asyncio doing the same.
 * A task takes its stack at its first step and gives it back when it ends, so these tasks,
 * each ending at its first step, share one warm stack; what is left is heap and the loop.
 */
#include "args.h"
#include "check.h"
#include "clock.h"
#include "future.h"
#include "gather.h"
#include "results.h"
#include "task.h"
#include "task_group.h"

#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>

static long ntasks = 10000;

/* async def job(): return None — the task itself is what is measured. */
static void *job(void *arg)
{
    return arg;
}

/* One round: N tasks created, gathered, awaited and released; ns per task. */
static double gather_round(void)
{
    struct task **tasks = xcalloc((size_t)ntasks, sizeof *tasks);
    struct future **futures = xcalloc((size_t)ntasks, sizeof *futures);
    uint64_t start = now_ns();
    for (long i = 0; i < ntasks; i++) {
        tasks[i] = create_task("job", job, NULL);
        if (!tasks[i])
            die("create_task: task %ld of %ld: out of memory", i, ntasks);
        futures[i] = task_future(tasks[i]);
    }
    struct future *all = gather(futures, (size_t)ntasks, GATHER_FAIL_FAST);
    int rc = await_future(all, NULL);
    future_unref(all);
    for (long i = 0; i < ntasks; i++)
        task_release(tasks[i]);
    double ns = (double)(now_ns() - start) / (double)ntasks;
    free(tasks);
    free(futures);
    if (rc != 0)
        die("the gather of %ld tasks failed: %d", ntasks, rc);
    return ns;
}

/* One round: N children in a task group, the group's exit waiting for them; ns per task. */
static double task_group_round(void)
{
    uint64_t start = now_ns();
    struct task_group *g = task_group();
    for (long i = 0; i < ntasks; i++)
        if (!task_group_create_task(g, "job", job, NULL))
            die("task_group_create_task: task %ld of %ld: out of memory", i, ntasks);
    int rc = task_group_exit(g, 0);
    task_group_free(g);
    double ns = (double)(now_ns() - start) / (double)ntasks;
    if (rc != 0)
        die("the task group of %ld tasks failed: %d", ntasks, rc);
    return ns;
}

/* Minor page faults so far: memory the kernel had to hand this process, page by page. */
static long page_faults(void)
{
    struct rusage ru;
    CHECK_SYS(getrusage(RUSAGE_SELF, &ru));
    return ru.ru_minflt;
}

/* The best of `rounds` rounds of one way, printed and recorded. The page faults say why
 * rounds differ: glibc gives freed heap back to the kernel, and the next round that grows
 * the heap again faults each page in (on a virtual machine, dearer than the tasks). */
static void measure(const char *way, double (*round)(void), long rounds, const char *name)
{
    double best = 0;
    for (long r = 0; r < rounds; r++) {
        long faults = page_faults();
        double ns = round();
        printf("round %ld: %s over %ld tasks, %.0f ns per task, %ld page faults\n", r + 1, way,
               ntasks, ns, page_faults() - faults);
        if (r == 0 || ns < best)
            best = ns;
    }
    printf("%s, best of %ld: %.0f ns per task (create, run, wait, release)\n\n", way, rounds, best);
    result_record(name, best, "ns");
}

static void *main_task(void *arg)
{
    long rounds = *(long *)arg;
    measure("gather", gather_round, rounds, "tasks.ns_per_task.gather");
    measure("a task group", task_group_round, rounds, "tasks.ns_per_task.task_group");
    return NULL;
}

int main(int argc, char **argv)
{
    long rounds = 2;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("tasks", "N", &ntasks, 1, 1000000, "tasks per gather"),
        OPT_INT("iterations", "N", &rounds, 1, 1000, "rounds (the best one counts)"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&ntasks, 200),
        OPT_QUICK_INT(&rounds, 2),
        OPT_END,
    };
    args_parse(argc, argv,
               "What a task costs: gather, and a task group, over 10,000 tasks that return at "
               "once, in ns per task, best of several rounds.",
               opts);
    return async_run(main_task, &rounds, NULL) == 0 ? 0 : 1;
}
