/*
 * batch_fetch.c — asyncio.wait: which tasks are done, which pending, and each outcome read.
 *
 * Mirrors A1 「3.1 任务编排与错误处理」 (batch_fetch): a map from each task to its url,
 * `done, pending = await asyncio.wait(tasks)`, then every done task's result read in
 * turn, a failure reported with its url. wait() hands back the tasks themselves, not
 * their results, and never reads an error for you: the loop below does, or the error would
 * be reported as never retrieved. Part 2 waits with a timeout: the slow url is left in
 * pending, still running — wait() never cancels — so the caller cancels it.
 * Watch the failing url named, the outcomes in url order, and the slow task pending.
 */
#include "args.h"
#include "elapsed.h"
#include "future.h"
#include "results.h"
#include "say.h"
#include "task.h"
#include "wait.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double unit = 1.0;

/* The site the fetches ask: each url answers after its delay, or fails. */
struct page {
    const char *url;
    double delay; /* in units */
    int error;    /* 0: the page; else the code it fails with */
};

static const struct page site[] = {
    {"http://example.com/", 0.5, 0},
    {"http://example.com/about", 0.3, 0},
    {"http://example.com/missing", 0.2, -ENOENT},
    {"http://example.com/slow", 2.0, 0},
    {"http://example.com/news", 0.8, 0},
};
enum { NURLS = sizeof site / sizeof site[0] };

/* async def fetch(url) */
static void *fetch(void *arg)
{
    const struct page *p = arg;
    int err = async_sleep(p->delay * unit);
    if (err)
        return task_raise(err, "fetch %s", p->url);
    if (p->error)
        return task_raise(p->error, "404 Not Found");
    return (void *)p->url;
}

/* batch_fetch(urls), with wait's timeout; how many outcomes were read and failed. */
static void batch_fetch(double timeout, int *read, int *failed, int *pending_left)
{
    /* tasks = {asyncio.create_task(fetch(url)): url for url in urls} */
    struct task *tasks[NURLS];
    struct future *fs[NURLS];
    for (int i = 0; i < NURLS; i++) {
        tasks[i] = create_task(site[i].url, fetch, (void *)&site[i]);
        fs[i] = task_future(tasks[i]);
    }
    bool done[NURLS];
    int rc = async_wait(fs, NURLS, WAIT_ALL_COMPLETED, timeout, done);
    say("async_wait returned %d at %.2f s", rc, elapsed());
    *read = *failed = *pending_left = 0;
    for (int i = 0; i < NURLS; i++) {
        if (!done[i]) { /* pending: wait() left it running */
            say("pending: %s (still running: %s)", site[i].url, task_done(tasks[i]) ? "no" : "yes");
            *pending_left += !task_done(tasks[i]);
            task_cancel(tasks[i]); /* ours to cancel */
            await_future(fs[i], NULL);
            continue;
        }
        void *page = NULL;
        int err = await_task(tasks[i], &page); /* task.result(): done, so it does not wait */
        ++*read;
        if (err == 0) {
            say("results[%s] = page of %s", site[i].url, (char *)page);
        } else {
            say("获取 %s 失败: %s", site[i].url, task_error_message(tasks[i]));
            ++*failed;
        }
    }
    for (int i = 0; i < NURLS; i++)
        task_release(tasks[i]);
}

static void *main_task(void *arg)
{
    (void)arg;
    int read, failed, pending;
    printf("1. done, pending = await asyncio.wait(tasks)  (every url, no timeout)\n");
    elapsed_reset();
    batch_fetch(INFINITY, &read, &failed, &pending);
    double all_done = elapsed();
    printf("   %d outcomes read, %d failure named, %d pending, at %.2f s: wait returned when the "
           "slowest ended\n",
           read, failed, pending, all_done);
    result_record("batch_fetch.read", read, "count");
    result_record("batch_fetch.failed", failed, "count");
    result_record("batch_fetch.seconds", all_done, "s");

    printf("\n2. the same with timeout=%.1f s\n", 1.0 * unit);
    elapsed_reset();
    batch_fetch(1.0 * unit, &read, &failed, &pending);
    printf("   %d outcomes read, %d pending and still running when wait returned at %.2f s: "
           "wait() %s\n",
           read, pending, elapsed(),
           pending ? "cancels nothing, so the caller cancelled it" : "left nothing pending");
    result_record("batch_fetch.timeout.read", read, "count");
    result_record("batch_fetch.timeout.pending_running", pending, "count");
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &unit, 0.001, 10, "the time unit of the fake site's delays"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&unit, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "batch_fetch: asyncio.wait over a task -> url map, each outcome read in turn, a "
               "failure named by its url; with a timeout, the slow one left pending.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
