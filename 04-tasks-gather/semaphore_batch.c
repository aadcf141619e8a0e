/*
 * semaphore_batch.c — a batch behind a semaphore: never more than max_concurrent at once.
 *
 * Mirrors A3 「高并发网络请求处理」, 「编码规范与设计模式」 (AsyncService.execute_batch):
 * every task is started at once and gathered with return_exceptions=True, and each holds
 * `async with self.semaphore` while it works (0.1 s), so at most max_concurrent are
 * inside. The program
 * counts the tasks inside the semaphore and keeps the largest count it sees. The article's
 * own batch (3 tasks, max_concurrent=5) never reaches the limit; a batch of 20 does, and
 * takes 20 / 5 x 0.1 s = 0.4 s instead of 0.1 s.
 * Watch "inside: 5" never become 6, and the results in the order of the tasks.
 */
#include "args.h"
#include "check.h"
#include "elapsed.h"
#include "future.h"
#include "gather.h"
#include "results.h"
#include "say.h"
#include "semaphore.h"
#include "task.h"

#include <stdio.h>
#include <stdlib.h>

static double work = 0.1; /* await asyncio.sleep(0.1)  # 模拟处理时间 */

struct service {
    struct semaphore *semaphore; /* asyncio.Semaphore(max_concurrent) */
    int inside, peak;            /* tasks holding a permit now, and the most ever */
};

struct task_spec {
    struct service *service;
    int id;
    char name[24];
    char url[48];
    char result[160];
};

/* async def _process_task(self, task): async with self.semaphore: ... */
static void *process_task(void *arg)
{
    struct task_spec *t = arg;
    struct service *s = t->service;
    int err = semaphore_acquire(s->semaphore);
    if (err)
        return task_raise(err, "task %d: waiting for the semaphore", t->id);
    if (++s->inside > s->peak)
        s->peak = s->inside;
    say("in at %.2f s (inside: %d)", elapsed(), s->inside);
    err = async_sleep(work);
    s->inside--;
    semaphore_release(s->semaphore); /* async with: released on every way out */
    if (err)
        return task_raise(err, "task %d", t->id);
    snprintf(t->result, sizeof t->result,
             "{'task_id': %d, 'status': 'success', 'result': '处理完成: %s'}", t->id, t->url);
    return t->result;
}

/* async def execute_batch(self, tasks): gather(*..., return_exceptions=True) */
static int execute_batch(struct service *s, struct task_spec *specs, int n, bool print)
{
    struct task **tasks = xcalloc((size_t)n, sizeof *tasks);
    struct future **fs = xcalloc((size_t)n, sizeof *fs);
    for (int i = 0; i < n; i++) {
        specs[i].service = s;
        tasks[i] = create_task(specs[i].name, process_task, &specs[i]);
        fs[i] = task_future(tasks[i]);
    }
    struct future *all = gather(fs, (size_t)n, GATHER_RETURN_EXCEPTIONS);
    int rc = await_future(all, NULL);
    int in_order = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        void *result = NULL;
        int err = gather_result(all, (size_t)i, &result);
        in_order += err == 0 && result == specs[i].result;
        if (print)
            printf("   %s\n", err == 0 ? (char *)result : gather_error_message(all, (size_t)i));
    }
    future_unref(all);
    for (int i = 0; i < n; i++)
        task_release(tasks[i]);
    free(tasks);
    free(fs);
    return in_order;
}

static void run(const char *title, int n, int max_concurrent, const char *name)
{
    printf("%s\n", title);
    struct service s = {semaphore_new(max_concurrent), 0, 0};
    struct task_spec *specs = xcalloc((size_t)n, sizeof *specs);
    for (int i = 0; i < n; i++) {
        specs[i].id = i + 1;
        snprintf(specs[i].name, sizeof specs[i].name, "task-%d", i + 1);
        snprintf(specs[i].url, sizeof specs[i].url, "http://example%d.com", i + 1);
    }
    elapsed_reset();
    int in_order = execute_batch(&s, specs, n, n <= 5);
    double took = elapsed();
    printf("   %d tasks, max_concurrent=%d: at most %d inside at once (%s), %d results in order, "
           "%.2f s\n\n",
           n, max_concurrent, s.peak,
           s.peak <= max_concurrent ? "within the limit" : "OVER THE LIMIT", in_order, took);
    char key[64];
    snprintf(key, sizeof key, "semaphore_batch.%s.peak", name);
    result_record(key, s.peak, "count");
    snprintf(key, sizeof key, "semaphore_batch.%s.seconds", name);
    result_record(key, took, "s");
    snprintf(key, sizeof key, "semaphore_batch.%s.in_order", name);
    result_record(key, in_order, "count");
    semaphore_free(s.semaphore);
    free(specs);
}

static void *main_task(void *arg)
{
    long *tasks = arg;
    run("1. the article's batch: 3 tasks, AsyncService(max_concurrent=5)", 3, 5, "article");
    run("2. a batch that meets the limit: 20 tasks, max_concurrent=5", (int)*tasks, 5, "large");
    return NULL;
}

int main(int argc, char **argv)
{
    long tasks = 20;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("tasks", "N", &tasks, 1, 10000, "tasks in the second batch"),
        OPT_DOUBLE("seconds", "S", &work, 0.001, 10, "how long each task works inside"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&work, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "A semaphore-limited batch (execute_batch): the most tasks seen inside the "
               "semaphore at once, measured, never above max_concurrent.",
               opts);
    return async_run(main_task, &tasks, NULL) == 0 ? 0 : 1;
}
