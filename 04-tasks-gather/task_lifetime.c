/*
 * task_lifetime.c — who owns a fire-and-forget task, and a done callback that reads it.
 *
 * Mirrors A1 「9.2 内存优化技巧」: `task.add_done_callback(lambda t: t.exception())`.
 * asyncio keeps only weak references to tasks, so a task nobody holds can be collected
 * while it waits ("Task was destroyed but it is pending!"). This lab differs on purpose:
 * the loop holds every task until it ends, so a released task runs on — but then nobody
 * reads its outcome: its error is reported as never retrieved, its result is lost.
 * Part 2 gives the tasks an owner: a set, and a done callback that reads each outcome
 * (result, error or cancelled), frees the result and lets the task go. Watch part 1 end
 * with a report on stderr, part 2 with every outcome read and none reported.
 */
#include "args.h"
#include "elapsed.h"
#include "future.h"
#include "gather.h"
#include "reports.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static double unit = 0.5;

/* Background work: a metrics upload that is accepted or refused. */
static void *send_metrics(void *arg)
{
    bool refused = arg != NULL;
    int err = async_sleep(unit);
    if (err)
        return task_raise(err, "send_metrics");
    if (refused)
        return task_raise(-ECONNREFUSED, "the metrics server refused us");
    return "202 Accepted";
}

/* Background work that runs until it is cancelled. */
static void *heartbeat(void *arg)
{
    (void)arg;
    int err;
    while ((err = async_sleep(unit / 2)) == 0)
        ;
    return task_raise(err, "heartbeat");
}

/* ---- the owner: background_tasks = set(); task.add_done_callback(on_done) ---- */

struct owner {
    struct task *tasks[8];
    int count;
    int results, errors, cancelled; /* outcomes read */
};

static void on_done(struct future *f, void *arg)
{
    struct owner *o = arg;
    struct task *t = NULL;
    for (int i = 0; i < o->count; i++)
        if (task_future(o->tasks[i]) == f) {
            t = o->tasks[i];
            o->tasks[i] = o->tasks[--o->count]; /* background_tasks.discard(task) */
        }
    void *result = NULL;
    int rc = future_result(f, &result); /* reads the error too: it counts as retrieved */
    if (rc == 0) {
        say("owner: %s finished: %s", task_name(t), (char *)result);
        o->results++;
    } else if (rc == -ECANCELED) {
        say("owner: %s was cancelled", task_name(t));
        o->cancelled++;
    } else {
        say("owner: %s failed: %s", task_name(t), future_error_message(f));
        o->errors++;
    }
    task_release(t);
}

static void spawn(struct owner *o, const char *name, task_fn *fn, void *arg)
{
    struct task *t = create_task(name, fn, arg);
    o->tasks[o->count++] = t;
    future_add_done_callback(task_future(t), on_done, o);
}

/* At shutdown the owner cancels what still runs and waits for each to end. */
static void owner_shutdown(struct owner *o)
{
    struct future *left[8];
    int n = o->count;
    for (int i = 0; i < n; i++) {
        left[i] = task_future(o->tasks[i]);
        task_cancel(o->tasks[i]);
    }
    struct future *all = gather(left, (size_t)n, GATHER_RETURN_EXCEPTIONS);
    await_future(all, NULL);
    future_unref(all); /* on_done ran for each before the gather ended */
}

/* How many tasks whose name starts with `prefix` have not finished (asyncio.all_tasks). */
static int still_running(const char *prefix)
{
    struct task *live[16];
    size_t n = all_tasks(live, 16);
    int count = 0;
    for (size_t i = 0; i < n && i < 16; i++)
        count += strncmp(task_name(live[i]), prefix, strlen(prefix)) == 0;
    return count;
}

static void *main_task(void *arg)
{
    (void)arg;
    elapsed_reset();
    printf("1. fire and forget: create_task(...), then let go of the task at once\n");
    reports_count();
    task_release(create_task("metrics-ok", send_metrics, NULL));
    task_release(create_task("metrics-refused", send_metrics, "refused"));
    task_release(create_task("heartbeat", heartbeat, NULL));
    int err = async_sleep(2 * unit);
    if (err)
        return task_raise(err, "main");
    int released_reports = reports_counted(), uploads_left = still_running("metrics");
    say("at %.2f s, %d of the 2 uploads nobody held still run%s; %d 'never retrieved' "
        "report%s; nobody read the 202 Accepted",
        elapsed(), uploads_left, uploads_left ? "" : ": both ran to their end", released_reports,
        released_reports == 1 ? "" : "s");

    printf("\n2. an owner: a set of tasks, and a done callback that reads every outcome\n");
    reports_count();
    struct owner owner = {.count = 0};
    spawn(&owner, "metrics-ok", send_metrics, NULL);
    spawn(&owner, "metrics-refused", send_metrics, "refused");
    spawn(&owner, "heartbeat", heartbeat, NULL);
    err = async_sleep(2 * unit);
    say("owner: %d task%s still running at %.2f s: cancelling and waiting", owner.count,
        owner.count == 1 ? "" : "s", elapsed());
    owner_shutdown(&owner);
    if (err)
        return task_raise(err, "main");
    int owned_reports = reports_counted();
    printf("\nwithout an owner: %d report%s on stderr, a result nobody read, a heartbeat left "
           "for async_run to cancel at the end;\nwith one: %d result, %d error, %d cancelled read, "
           "%d report%s.\n",
           released_reports, released_reports == 1 ? "" : "s", owner.results, owner.errors,
           owner.cancelled, owned_reports, owned_reports == 1 ? "" : "s");
    result_record("task_lifetime.released.reports", released_reports, "count");
    result_record("task_lifetime.released.left", uploads_left, "count");
    result_record("task_lifetime.owned.reports", owned_reports, "count");
    result_record("task_lifetime.owned.read", owner.results + owner.errors + owner.cancelled,
                  "count");
    result_record("task_lifetime.owned.left", owner.count, "count");
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &unit, 0.001, 10, "how long an upload takes"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&unit, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "A task's lifetime: a fire-and-forget task runs on but nobody reads its "
               "outcome; an owner with a done callback reads every one.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
