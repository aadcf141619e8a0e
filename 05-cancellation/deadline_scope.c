/*
 * deadline_scope.c — one deadline around several awaits, and scopes inside scopes.
 *
 * Mirrors A0 §5.2 「性能优化策略」 (合理设置超时: "使用 asyncio.wait_for 避免长时间阻塞").
 * A wait_for on every await gives each its own limit, and three of them can add up to
 * three times what the caller meant. A timeout scope (asyncio.timeout) puts one deadline
 * over the whole request, however many awaits it makes. Scopes nest; when one expires,
 * it cancels the task, the awaits unwind as for any cancel, and only the scope that
 * expired turns the -ECANCELED into -ETIMEDOUT: an inner scope that did not expire passes
 * the cancel on. Watch which scope each run names as expired, and when.
 */
#include "args.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"
#include "timeout.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static double step = 0.3; /* connect, query and fetch take one step each */
static double began;

static double now(void)
{
    return loop_time(loop_get_running()) - began;
}

static int await_step(const char *what, double seconds)
{
    int rc = async_sleep(seconds);
    say("%-7s %s at %.2f s", what, rc == 0 ? "done" : "CUT (-ECANCELED)", now());
    return rc;
}

static const char *outcome(int rc)
{
    return rc == 0            ? "ok"
           : rc == -ETIMEDOUT ? "-ETIMEDOUT"
           : rc == -ECANCELED ? "-ECANCELED"
                              : strerror(-rc);
}

/* Leave a scope, saying whether it expired and what its body's outcome became. */
static int leave(struct timeout *to, const char *name, int rc)
{
    bool expired = timeout_expired(to);
    int out = timeout_exit(to, rc);
    say("scope '%s' %s: %s -> %s", name, expired ? "EXPIRED" : "did not expire", outcome(rc),
        outcome(out));
    char key[64];
    snprintf(key, sizeof key, "deadline.%s.expired", name);
    result_record(key, expired, "bool");
    return out;
}

static void begin(const char *title)
{
    printf("\n%s\n", title);
    began = loop_time(loop_get_running());
}

static void *main_task(void *arg)
{
    (void)arg;
    begin("1. one scope of 2.5 steps around connect + query + fetch (3 steps)");
    struct timeout *request = timeout(2.5 * step);
    int rc = timeout_enter(request);
    for (const char **s = (const char *[]){"connect", "query", "fetch", NULL}; rc == 0 && *s; s++)
        rc = await_step(*s, step);
    rc = leave(request, "request", rc);
    result_record("deadline.request.ended_at", now() / step, "steps");

    begin("2. nested: 'outer' of 4 steps around 'inner' of 1.5 steps (a 3-step query) and a fetch");
    struct timeout *outer = timeout(4 * step), *inner = timeout(1.5 * step);
    rc = timeout_enter(outer);
    if (rc == 0) {
        int q = timeout_enter(inner);
        q = leave(inner, "inner", q ? q : await_step("query", 3 * step));
        if (q == -ETIMEDOUT)
            say("query timed out: using the cached answer"); /* handled: outer goes on */
        rc = await_step("fetch", step);
    }
    rc = leave(outer, "outer", rc);
    result_record("deadline.nested.ended_at", now() / step, "steps");

    begin("3. nested, the outer first: 'outer2' of 1 step around 'inner2' of 3 steps");
    outer = timeout(1 * step);
    inner = timeout(3 * step);
    rc = timeout_enter(outer);
    if (rc == 0) {
        rc = timeout_enter(inner);
        rc = leave(inner, "inner2", rc ? rc : await_step("query", 2 * step));
    }
    rc = leave(outer, "outer2", rc);
    result_record("deadline.outer_first.ended_at", now() / step, "steps");
    result_record("deadline.cancelling_after", task_cancelling(current_task()), "count");
    say("task_cancelling() is %u again: each scope took back its own cancel",
        task_cancelling(current_task()));
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &step, 0.001, 60, "how long one step takes (0.3 s)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&step, 0.02),
        OPT_END,
    };
    args_parse(argc, argv,
               "A0 §5.2: one timeout scope around several awaits, and nested scopes: only the "
               "scope that expired turns the cancel into -ETIMEDOUT.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
