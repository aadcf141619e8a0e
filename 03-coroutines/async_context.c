/*
 * async_context.c — an asynchronous context manager: the exit runs however the body ends.
 *
 * Mirrors A4 「异步上下文管理器」 (class AsyncDatabase: __aenter__ connects, query(),
 * __aexit__ closes) and A2 「异步上下文管理器」. C has no `async with`, so the pattern is
 * a function, with_database(): enter (which may await), run the body, then exit (which
 * may await too) on every path. Three tasks use it at once: one succeeds, one fails, one
 * is cancelled in the middle of its query. Watch "关闭数据库连接" three times: the exit
 * runs on success, on error and on cancellation, and the cancelled one can still await
 * its close, because a cancellation is delivered once.
 */
#include "args.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static double scale = 1.0; /* the article's times: connect 1 s, query 1 s, close 0.5 s */

/*
 * How many connections were closed after a body that succeeded, failed, was cancelled:
 * counted when the close's await completed, not when it began; a close cut short by a
 * second cancel is counted apart.
 */
static int closed_after[3], closes_interrupted;
static bool cancel_close; /* --cancel-close: cancel the cancelled client again while it closes */
enum { SUCCESS, ERROR, CANCELLED };

struct async_database {
    bool connected;
};

/* __aenter__: connect. */
static int db_enter(struct async_database *db)
{
    say("连接数据库... (connecting)");
    int err = async_sleep(1.0 * scale); /* 模拟连接过程 */
    if (err)
        return err;
    db->connected = true;
    return 0;
}

/* __aexit__: close if connected; `outcome` is how the body ended (0 or its error code). */
static int db_exit(struct async_database *db, int outcome)
{
    if (!db->connected)
        return 0;
    say("关闭数据库连接... (closing; the body ended with %s)", outcome == 0 ? "success"
                                                               : outcome == -ECANCELED
                                                                   ? "a cancellation"
                                                                   : "an error");
    int err = async_sleep(0.5 * scale); /* 模拟关闭过程 */
    db->connected = false;
    if (err) {
        closes_interrupted++;
        say("close interrupted: %s", err == -ECANCELED ? "cancelled again" : strerror(-err));
    } else {
        closed_after[outcome == 0 ? SUCCESS : outcome == -ECANCELED ? CANCELLED : ERROR]++;
    }
    return err;
}

static int db_query(struct async_database *db, const char *sql, char *result, size_t size)
{
    if (!db->connected)
        return -ENOTCONN;               /* RuntimeError("数据库未连接") */
    int err = async_sleep(1.0 * scale); /* 模拟查询 */
    if (err)
        return err;
    if (strstr(sql, "missing"))
        return -ENOENT;
    snprintf(result, size, "查询结果：%s", sql);
    return 0;
}

typedef int database_body(struct async_database *db, void *arg);

/* `async with AsyncDatabase() as db: body(db)`: exit runs whatever the body returned. */
static int with_database(database_body *body, void *arg)
{
    struct async_database db = {.connected = false};
    int rc = db_enter(&db);
    if (rc)
        return rc; /* no connection, nothing to close: Python skips __aexit__ too */
    rc = body(&db, arg);
    int exit_rc = db_exit(&db, rc);
    return rc ? rc : exit_rc;
}

static int run_query(struct async_database *db, void *sql)
{
    char result[128];
    int rc = db_query(db, sql, result, sizeof result);
    if (rc == 0)
        say("%s", result);
    return rc;
}

static void *client(void *sql)
{
    int rc = with_database(run_query, sql);
    if (rc)
        return task_raise(rc, "%s", rc == -ENOENT ? "no such table" : strerror(-rc));
    return "ok";
}

static void *main_task(void *arg)
{
    (void)arg;
    struct task *ok = create_task("success", client, "SELECT * FROM users");
    struct task *bad = create_task("error", client, "SELECT * FROM missing");
    struct task *cut = create_task("cancelled", client, "SELECT * FROM huge_table");
    async_sleep(1.5 * scale); /* the three are connected and in their queries now */
    say("cancelling 'cancelled' in the middle of its query");
    task_cancel(cut);
    if (cancel_close) {
        async_sleep(0.25 * scale); /* it is closing now */
        say("cancelling 'cancelled' again, in the middle of its close");
        task_cancel(cut);
    }

    struct task *all[] = {ok, bad, cut};
    for (int i = 0; i < 3; i++) {
        void *r = NULL;
        int rc = await_task(all[i], &r);
        if (rc == 0)
            say("%s: result %s", task_name(all[i]), (char *)r);
        else if (task_cancelled(all[i]))
            say("%s: cancelled", task_name(all[i]));
        else
            say("%s: 数据库操作失败 (failed): %s", task_name(all[i]), task_error_message(all[i]));
        task_release(all[i]);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("scale", "X", &scale, 0.001, 10, "multiply the article's sleeps by X"),
        OPT_QUICK_DOUBLE(&scale, 0.02),
        OPT_FLAG("cancel-close", &cancel_close,
                 "cancel the third client a second time, while it awaits its close"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "AsyncDatabase as an enter/exit pattern: the exit runs on success, on error "
               "and on cancellation.",
               opts);
    int rc = async_run(main_task, NULL, NULL);
    printf("\nconnections closed after a success: %d, an error: %d, a cancellation: %d; closes "
           "cut short: %d\n",
           closed_after[SUCCESS], closed_after[ERROR], closed_after[CANCELLED], closes_interrupted);
    result_record("async_context.closed.success", closed_after[SUCCESS], "count");
    result_record("async_context.closed.error", closed_after[ERROR], "count");
    result_record("async_context.closed.cancelled", closed_after[CANCELLED], "count");
    result_record("async_context.closes_interrupted", closes_interrupted, "count");
    return rc == 0 ? 0 : 1;
}
