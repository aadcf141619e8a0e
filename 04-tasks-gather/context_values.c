/*
 * context_values.c — a request id that follows each request's tasks, and only them.
 *
 * Mirrors A1 「10. 前沿趋势与展望」 (异步上下文变量: contextvars 在协程间的传递). Two requests
 * are handled at once, each by a task that sets request_id and starts helper tasks; every
 * log line shows the id of the request it belongs to, though the lines interleave. A task
 * starts with a copy of its creator's values, taken when it is created: a helper that
 * changes the id changes it for itself only, and the creator's later change does not reach
 * a helper already started. Watch the [request_id=...] tags: r1's lines never say r2.
 */
#include "args.h"
#include "context_var.h"
#include "elapsed.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static double unit = 0.1;
static struct context_var request_id = CONTEXT_VAR("request_id", NULL);
static int mismatches; /* lines whose id was not the one expected */
static int checks;

/* The id this task sees must be `want`: count the lines where it is not. */
static void expect_id(const char *want)
{
    const char *got = context_var_get(&request_id);
    checks++;
    if (!got || strcmp(got, want) != 0) {
        mismatches++;
        say("WRONG request_id: %s, expected %s", got ? got : "(none)", want);
    }
}

static void *query_db(void *arg)
{
    const char *id = arg; /* the id it was started with, to check against */
    say("SELECT ... (started with the id of its creator)");
    expect_id(id);
    int err = async_sleep(unit);
    if (err)
        return task_raise(err, "query_db");
    say("rows back");
    expect_id(id);
    return NULL;
}

static void *retry_cache(void *arg)
{
    const char *id = arg;
    static char retry_ids[2][16];
    char *mine = retry_ids[id[1] - '1'];
    snprintf(mine, sizeof retry_ids[0], "%s/retry", id);
    context_var_set(&request_id, mine); /* this task's copy only */
    say("cache miss: retrying under a new id");
    int err = async_sleep(unit / 2);
    if (err)
        return task_raise(err, "retry_cache");
    expect_id(mine);
    return NULL;
}

static void *handle_request(void *arg)
{
    const char *id = arg;
    context_var_set(&request_id, (void *)id); /* request_id.set(id) in this task */
    say("request received");
    struct task *db = create_task("query_db", query_db, (void *)id);
    struct task *cache = create_task("retry_cache", retry_cache, (void *)id);
    static char later_ids[2][16];
    char *later = later_ids[id[1] - '1'];
    if (async_sleep(unit / 4) == 0) {
        say("still %s here, whatever retry_cache set", (char *)context_var_get(&request_id));
        expect_id(id);
        snprintf(later, sizeof later_ids[0], "%s.v2", id);
        context_var_set(&request_id, later); /* set after the helpers started: query_db */
        say("request_id set to %s; query_db keeps %s", later, id); /* keeps its copy */
    } else { /* cancelled: the helpers go too */
        task_cancel(db);
        task_cancel(cache);
    }
    await_task(db, NULL); /* a cancel arriving here reaches the helper awaited */
    await_task(cache, NULL);
    task_release(db);
    task_release(cache);
    if (task_cancelling(current_task()) > 0)
        return task_raise(-ECANCELED, "request %s", id);
    say("response sent");
    expect_id(later);
    return NULL;
}

static void *main_task(void *arg)
{
    (void)arg;
    elapsed_reset();
    say("main has no request_id: its lines carry no tag");
    struct task *r1 = create_task("handle_request", handle_request, "r1");
    struct task *r2 = create_task("handle_request", handle_request, "r2");
    await_task(r1, NULL);
    await_task(r2, NULL);
    task_release(r1);
    task_release(r2);
    bool main_untouched = context_var_get(&request_id) == NULL;
    printf("\n%d checks of the request id in its own tasks, %d wrong; main still has %s.\n", checks,
           mismatches, main_untouched ? "none: no child's set reached it" : "one (WRONG)");
    result_record("context_values.checks", checks, "count");
    result_record("context_values.mismatches", mismatches, "count");
    result_record("context_values.main_untouched", main_untouched, "bool");
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &unit, 0.001, 10, "how long a database query takes"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&unit, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "Task-local context values: a request id copied into each task when it is "
               "created, shown in its log lines; a child's change is not seen by its parent.",
               opts);
    context_var_show_in_say(&request_id);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
