/*
 * testing.c — testing async code: a fresh loop per test, a fake client, a test timeout.
 *
 * Mirrors A1 「7. 测试策略与Mock技巧」: a new event loop for each test (the event_loop
 * fixture), an AsyncMock client injected into the code under test, `assert_awaited_once`,
 * and a timeout for tests that hang. Here the code under test, fetch_data(), takes its
 * client as an argument; the fake client records every call (how many awaits, with which
 * path). Each test gets its own loop on the virtual clock, so a test that hangs is stopped
 * by the 30 s timeout at exactly 30 s of loop time, in no real time at all.
 * Watch the second test fail (a fetch_data that retries calls get twice: the check must
 * catch it) and the third stop at 30.000 s of loop time after a few microseconds.
 */
#include "args.h"
#include "clock.h"
#include "future.h"
#include "loop.h"
#include "results.h"
#include "task.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double test_timeout = 30; /* pytest --asyncio-timeout, in loop seconds */

/* What fetch_data needs from a client: one call that may suspend. */
struct client {
    int (*get)(struct client *c, const char *path, const char **status);
};

/* The code under test: result = await client.get("/api/data"). */
static int fetch_data(struct client *client, const char **status)
{
    return client->get(client, "/api/data", status);
}

/* A wrong fetch_data, for the check to catch: it asks twice "to be safe". */
static int fetch_data_twice(struct client *client, const char **status)
{
    int rc = client->get(client, "/api/data", status);
    return rc ? rc : client->get(client, "/api/data", status);
}

/* The AsyncMock: answers "OK" after a short wait (or never), and records each await. */
struct fake_client {
    struct client client;
    bool hangs;
    int awaited;        /* mock.get.await_count */
    char last_path[64]; /* mock.get.await_args */
};

static int fake_get(struct client *c, const char *path, const char **status)
{
    struct fake_client *fake = (struct fake_client *)c;
    fake->awaited++;
    snprintf(fake->last_path, sizeof fake->last_path, "%s", path);
    if (!fake->hangs) {
        int err = async_sleep(0.05);
        *status = "OK";
        return err;
    }
    struct future *never = future_new(loop_get_running()); /* an answer that never comes */
    int err = await_future(never, NULL);
    future_unref(never);
    return err;
}

/* ---- a small test runner: one fresh loop per test, a timeout, checks ---- */

struct test {
    const char *name;
    int (*fetch)(struct client *, const char **);
    bool hangs;
    const char *expected; /* "PASS", "FAIL" or "TIMEOUT" */
    int failed_checks;
    struct task *task;
    bool timed_out;
};

static void expect(struct test *t, bool ok, const char *what)
{
    printf("    %s - %s\n", ok ? "ok" : "not ok", what);
    t->failed_checks += !ok;
}

/* async def test_api_call(): the article's test, with the fake injected. */
static void *test_body(void *arg)
{
    struct test *t = arg;
    struct fake_client mock = {{fake_get}, t->hangs, 0, ""};
    const char *status = NULL;
    int rc = t->fetch(&mock.client, &status);
    if (rc)
        return task_raise(rc, "fetch_data");
    char what[128];
    expect(t, status && strcmp(status, "OK") == 0, "result[\"status\"] == \"OK\"");
    snprintf(what, sizeof what, "mock_client.get.assert_awaited_once() (awaited %d time%s)",
             mock.awaited, mock.awaited == 1 ? "" : "s");
    expect(t, mock.awaited == 1, what);
    snprintf(what, sizeof what, "awaited with \"/api/data\" (got \"%s\")", mock.last_path);
    expect(t, strcmp(mock.last_path, "/api/data") == 0, what);
    return NULL;
}

/* The runner's watchdog: a test still running at its deadline is cancelled. */
static void time_is_up(struct loop *loop, void *arg)
{
    (void)loop;
    struct test *t = arg;
    t->timed_out = true;
    task_cancel(t->task);
}

static void *run_one(void *arg)
{
    struct test *t = arg;
    struct loop *loop = loop_get_running();
    t->task = create_task(t->name, test_body, t);
    struct loop_handle watchdog = loop_call_later(loop, test_timeout, time_is_up, t);
    int rc = await_task(t->task, NULL);
    loop_cancel(loop, watchdog);
    task_release(t->task);
    return rc == 0 ? NULL : task_raise(rc, "%s", t->name);
}

/* @pytest.fixture event_loop: a new loop, used for one test, then closed. */
static bool run_test(struct test *t, int number)
{
    struct loop *loop = loop_new(); /* 为每个测试用例创建新事件循环 */
    loop_set_virtual_clock(loop, true);
    printf("%s (loop #%d, its clock at %.3f s)\n", t->name, number, loop_time(loop));
    double wall = now_sec();
    int rc = async_run_on(loop, run_one, t, NULL);
    double on_loop = loop_time(loop);
    wall = now_sec() - wall;
    loop_close(loop);
    const char *verdict = t->timed_out                       ? "TIMEOUT"
                          : rc == 0 && t->failed_checks == 0 ? "PASS"
                                                             : "FAIL";
    printf("  %s after %.3f s on the loop's clock, %.6f s of real time (expected: %s)\n\n", verdict,
           on_loop, wall, t->expected);
    if (t->timed_out) {
        result_record("testing.timeout.loop_seconds", on_loop, "s");
        result_record("testing.timeout.real_seconds", wall, "s");
    }
    return strcmp(verdict, t->expected) == 0;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("timeout", "S", &test_timeout, 1, 86400, "the test timeout, in loop seconds"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Testing async code: a fresh loop per test, a fake client whose awaits are "
               "recorded and checked, and a 30 s test timeout that takes no real time.",
               opts);
    (void)quick; /* every run is quick: the virtual clock makes waiting free */
    struct test tests[] = {
        {"test_api_call", fetch_data, false, "PASS", 0, NULL, false},
        {"test_api_call_on_a_retrying_fetch_data", fetch_data_twice, false, "FAIL", 0, NULL, false},
        {"test_api_call_when_the_server_hangs", fetch_data, true, "TIMEOUT", 0, NULL, false},
    };
    int as_expected = 0;
    for (int i = 0; i < 3; i++)
        as_expected += run_test(&tests[i], i + 1);
    printf("%d of 3 tests ended as expected: the checks %s the retrying fetch_data, and the "
           "hung test %s.\n",
           as_expected, tests[1].failed_checks ? "caught" : "MISSED",
           tests[2].timed_out ? "was stopped by the timeout" : "was NOT stopped");
    result_record("testing.as_expected", as_expected, "count");
    return as_expected == 3 ? 0 : 1;
}
