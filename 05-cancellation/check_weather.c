/*
 * check_weather.c — wait_for over a gather of four queries; on timeout, nothing is left.
 *
 * Mirrors A4 「事件循环」 (check_weather): four cities queried at once,
 * wait_for(gather(*tasks), timeout=5.0), the results printed; on TimeoutError the article
 * loops over the tasks to cancel those not done. First the article's run: 1 s queries, a
 * 5 s limit, four results after 1 s. Then a limit shorter than the queries: at the
 * deadline wait_for cancels the gather, the gather cancels every query, and wait_for
 * returns only once that is done. So when 查询超时！ is printed, every task is already
 * done and cancelled, and the article's loop finds nothing to cancel (its erratum).
 */
#include "args.h"
#include "future.h"
#include "gather.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"
#include "wait_for.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum { CITIES = 4 };
static struct city {
    const char *name;
    char answer[64];
} cities[CITIES] = {{"北京"}, {"上海"}, {"广州"}, {"深圳"}};
static double query_seconds = 1.0;

static void *check_weather(void *arg)
{
    struct city *city = arg;
    say("正在查询%s的天气...", city->name);
    int rc = async_sleep(query_seconds); /* 模拟 API 调用 */
    if (rc)
        return task_raise(rc, NULL);
    snprintf(city->answer, sizeof city->answer, "%s的天气晴朗", city->name);
    return city->answer;
}

static void record(const char *run, const char *what, double value, const char *unit)
{
    char name[64];
    snprintf(name, sizeof name, "check_weather.%s.%s", run, what);
    result_record(name, value, unit);
}

static int run(const char *name, double limit)
{
    printf("\n%s: wait_for(gather(4 queries of %.1f s), timeout=%.1f)\n", name, query_seconds,
           limit);
    double began = loop_time(loop_get_running());
    struct task *tasks[CITIES];
    struct future *futures[CITIES];
    for (int i = 0; i < CITIES; i++) {
        tasks[i] = create_task(cities[i].name, check_weather, &cities[i]);
        futures[i] = task_future(tasks[i]);
    }
    struct future *all = gather(futures, CITIES, GATHER_FAIL_FAST);
    char **results = NULL;
    int rc = wait_for(all, limit, (void **)&results);
    double seen = loop_time(loop_get_running()) - began;
    int not_done = 0, cancelled = 0, manual_cancels = 0;
    if (rc == 0) {
        for (int i = 0; i < CITIES; i++)
            say("%s", results[i]);
    } else if (rc == -ETIMEDOUT) {
        say("查询超时！ (after %.2f s)", seen);
        for (int i = 0; i < CITIES; i++) { /* 取消所有未完成的任务, as the article does */
            not_done += !task_done(tasks[i]);
            cancelled += task_cancelled(tasks[i]);
            if (!task_done(tasks[i]) && task_cancel(tasks[i]) == 0)
                manual_cancels++;
        }
        say("then the article's loop: %d of %d tasks not done, %d cancelled already; it "
            "cancelled %d",
            not_done, CITIES, cancelled, manual_cancels);
    } else {
        say("发生错误：%s", strerror(-rc));
    }
    record(name, "seconds", seen, "s");
    record(name, "timed_out", rc == -ETIMEDOUT, "bool");
    record(name, "not_done", not_done, "count");
    record(name, "cancelled", cancelled, "count");
    record(name, "manual_cancels", manual_cancels, "count");
    future_unref(all);
    for (int i = 0; i < CITIES; i++)
        task_release(tasks[i]);
    return rc;
}

static double short_limit = 0.5;

static void *main_task(void *arg)
{
    (void)arg;
    run("article", 5.0);
    run("short", short_limit);
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &short_limit, 0, 60, "the second run's limit (0.5 s)"),
        OPT_DOUBLE("query", "S", &query_seconds, 0.001, 60, "how long a query takes (1 s)"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "A4 check_weather: wait_for(gather(...), 5) over four cities; then a limit "
               "shorter than the queries: every task is cancelled and done before the timeout "
               "is seen, so the article's cancel loop finds nothing.",
               opts);
    if (quick && !args_given(&query_seconds))
        query_seconds = 0.1;
    if (quick && !args_given(&short_limit))
        short_limit = 0.05;
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
