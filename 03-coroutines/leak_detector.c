/*
 * leak_detector.c — finding leaked coroutines: live tasks counted by name, by a monitor.
 *
 * Mirrors A1 §4.1 「协程泄漏检测」: wrap every coroutine to count the live ones by name,
 * and print the counts periodically from a monitor(). The runtime already keeps every
 * live task (all_tasks(), asyncio.all_tasks()), so the monitor only counts them. The
 * leak is deliberate: each request starts a keepalive helper, and a request that fails
 * returns early and forgets to cancel it. Watch the keepalive count climb by one per
 * failed request while the request count stays flat; with --fixed it stays flat too.
 */
#include "args.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static double tick = 0.1; /* one request arrives per tick */
static bool fixed = false;

/* A helper that pings for as long as its request lives, and no longer (if cancelled). */
static void *keepalive(void *arg)
{
    (void)arg;
    int err;
    while ((err = async_sleep(tick)) == 0)
        ;
    return task_raise(err, "keepalive"); /* cancelled: it ends cancelled, as asyncio's would */
}

static void *handle_request(void *arg)
{
    long n = (long)arg;
    struct task *helper = create_task("keepalive", keepalive, NULL);
    task_release(helper); /* we keep the pointer to cancel it, not a reference */
    int err = async_sleep(2 * tick);
    if (err == 0 && n % 3 == 0) {
        say("request %ld failed", n);
        if (fixed)
            task_cancel(helper);
        return task_raise(-EIO, "request %ld failed", n); /* the leak: helper lives on */
    }
    task_cancel(helper);
    return NULL;
}

/* The counts the article's coro_counts dict holds, from the runtime's own list. */
struct name_count {
    const char *name;
    int count;
};

static int count_by_name(struct name_count *counts, int max)
{
    struct task *live[1024];
    size_t n = all_tasks(live, 1024);
    int distinct = 0;
    for (size_t i = 0; i < n && i < 1024; i++) {
        int j = 0;
        while (j < distinct && strcmp(counts[j].name, task_name(live[i])) != 0)
            j++;
        if (j == distinct && distinct < max)
            counts[distinct++] = (struct name_count){task_name(live[i]), 0};
        if (j < distinct)
            counts[j].count++;
    }
    return distinct;
}

static int count_of(const char *name)
{
    struct name_count counts[16];
    int n = count_by_name(counts, 16);
    for (int i = 0; i < n; i++)
        if (strcmp(counts[i].name, name) == 0)
            return counts[i].count;
    return 0;
}

/* async def monitor(): while True: sleep; print("当前活跃协程:", dict(coro_counts)) */
static void *monitor(void *arg)
{
    double every = *(double *)arg;
    int err;
    while ((err = async_sleep(every)) == 0) {
        struct name_count counts[16];
        int n = count_by_name(counts, 16);
        char line[256] = "";
        for (int i = 0; i < n; i++)
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s'%s': %d", i ? ", " : "",
                     counts[i].name, counts[i].count);
        say("当前活跃协程 (live tasks): {%s}", line);
    }
    return task_raise(err, "monitor");
}

static void *main_task(void *arg)
{
    long requests = *(long *)arg;
    double every = 5 * tick;
    struct task *mon = create_task("monitor", monitor, &every);
    struct task *req[256];
    for (long i = 1; i <= requests; i++) {
        req[i - 1] = create_task("handle_request", handle_request, (void *)i);
        async_sleep(tick);
    }
    int failed = 0;
    for (long i = 0; i < requests; i++) {
        failed += await_task(req[i], NULL) == -EIO;
        task_release(req[i]);
    }
    async_sleep(every); /* one more report, after the last request */
    int leaked = count_of("keepalive");
    say("%d requests, %d failed; keepalive tasks still alive: %d", (int)requests, failed, leaked);
    result_record("leak_detector.failed", failed, "count");
    result_record("leak_detector.leaked", leaked, "count");
    task_cancel(mon);
    result_record("leak_detector.monitor_cancelled", await_task(mon, NULL) == -ECANCELED, "bool");
    task_release(mon);
    return NULL; /* asyncio.run (async_run) will name and cancel what leaked */
}

int main(int argc, char **argv)
{
    long requests = 20;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("requests", "N", &requests, 1, 256, "requests to handle, one per tick"),
        OPT_DOUBLE("seconds", "S", &tick, 0.001, 10, "the tick: a request arrives per tick"),
        OPT_QUICK_DOUBLE(&tick, 0.01),
        OPT_FLAG("fixed", &fixed, "cancel the helper on the error path too: no leak"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Count live tasks by name with a monitor task; a request that fails forgets "
               "its keepalive helper, and the count shows the leak.",
               opts);
    printf("%s: every third request fails%s.\n", fixed ? "fixed" : "leaky",
           fixed ? " and cancels its keepalive helper" : " and forgets its keepalive helper");
    return async_run(main_task, &requests, NULL) == 0 ? 0 : 1;
}
