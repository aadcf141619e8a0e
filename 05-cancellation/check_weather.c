/*
 * check_weather.c — wait_for over a gather of four queries, and what is left at the timeout.
 *
 * Mirrors A4 「事件循环」 (check_weather): four cities queried at once,
 * wait_for(gather(*tasks), timeout=5.0), the results printed; on TimeoutError the article
 * loops over the tasks to cancel those not done. First the article's run: 1 s queries, a
 * 5 s limit, four results after 1 s. Then a limit shorter than the queries: at the
 * deadline wait_for cancels the gather, the gather cancels every query, and wait_for
 * returns once the gather has ended. With the article's queries that is when all four
 * have: the loop finds nothing to cancel (its erratum). Give the queries a cleanup that
 * awaits, and the fail-fast gather ends with the first one done: the loop then cancels
 * the others a second time and cuts their cleanups short. gather with return_exceptions
 * waits for every query, so nothing is left to cancel again.
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
    double cleanup; /* how long its cleanup awaits after a cancel (0: none, the article's) */
    bool cleanup_cut;
    char answer[64];
} cities[CITIES] = {{"北京"}, {"上海"}, {"广州"}, {"深圳"}};
static double query_seconds = 1.0;

static void *check_weather(void *arg)
{
    struct city *city = arg;
    say("正在查询%s的天气...", city->name);
    int rc = async_sleep(query_seconds); /* 模拟 API 调用 */
    if (rc == -ECANCELED && city->cleanup > 0) {
        city->cleanup_cut = async_sleep(city->cleanup) != 0; /* closing its connection */
        say("cleanup %s", city->cleanup_cut ? "CUT SHORT by a second cancel" : "done");
    }
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

static void run(const char *name, double limit, double cleanup_step, enum gather_mode mode)
{
    printf("\n%s: wait_for(gather(4 queries of %.2f s%s), timeout=%.2f)%s\n", name, query_seconds,
           mode == GATHER_RETURN_EXCEPTIONS ? ", return_exceptions" : "", limit,
           cleanup_step > 0 ? "; cleanups that await 0, 1, 2, 3 steps" : "");
    double began = loop_time(loop_get_running());
    struct task *tasks[CITIES];
    struct future *futures[CITIES];
    for (int i = 0; i < CITIES; i++) {
        cities[i].cleanup = i * cleanup_step;
        cities[i].cleanup_cut = false;
        tasks[i] = create_task(cities[i].name, check_weather, &cities[i]);
        futures[i] = task_future(tasks[i]);
    }
    struct future *all = gather(futures, CITIES, mode);
    int rc = wait_for(all, limit, NULL);
    double seen = loop_time(loop_get_running()) - began;
    int not_done = 0, manual_cancels = 0, cut = 0;
    if (rc == 0) {
        for (int i = 0; i < CITIES; i++) { /* for result in results: print(result) */
            void *answer;
            if (gather_result(all, i, &answer) == 0)
                say("%s", (char *)answer);
        }
    } else if (rc == -ETIMEDOUT) {
        say("查询超时！ (after %.2f s)", seen);
        for (int i = 0; i < CITIES; i++) /* 取消所有未完成的任务, as the article does */
            if (!task_done(tasks[i])) {
                not_done++;
                manual_cancels += task_cancel(tasks[i]) == 0;
            }
        say("the article's loop: %d of %d tasks not done; it cancelled %d", not_done, CITIES,
            manual_cancels);
    }
    future_unref(all);
    for (int i = 0; i < CITIES; i++) {
        await_future(task_future(tasks[i]), NULL); /* every cleanup ends before counting */
        cut += cities[i].cleanup_cut;
        task_release(tasks[i]);
    }
    if (cut)
        say("%d cleanups were cut short by the loop's second cancel", cut);
    record(name, "seconds", seen, "s");
    record(name, "timed_out", rc == -ETIMEDOUT, "bool");
    record(name, "not_done", not_done, "count");
    record(name, "manual_cancels", manual_cancels, "count");
    record(name, "cleanups_cut", cut, "count");
}

static double short_limit = 0.5;

static void *main_task(void *arg)
{
    (void)arg;
    double step = short_limit / 5; /* the cleanups: 0, 1, 2 and 3 steps */
    run("article", 5.0, 0, GATHER_FAIL_FAST);
    run("short", short_limit, 0, GATHER_FAIL_FAST);
    run("cleanup", short_limit, step, GATHER_FAIL_FAST);
    run("cleanup_return_exceptions", short_limit, step, GATHER_RETURN_EXCEPTIONS);
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &short_limit, 0.001, 60, "the shorter limit (0.5 s)"),
        OPT_DOUBLE("query", "S", &query_seconds, 0.001, 60, "how long a query takes (1 s)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&query_seconds, 0.1),
        OPT_QUICK_DOUBLE(&short_limit, 0.05),
        OPT_END,
    };
    args_parse(argc, argv,
               "A4 check_weather: wait_for(gather(...), 5) over four cities; then a limit "
               "shorter than the queries: the article's cancel loop finds nothing to cancel, "
               "or, when the queries' cleanups await, cuts them short.",
               opts);
    if (short_limit >= query_seconds)
        args_error("--seconds must be shorter than --query, or nothing times out");
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
