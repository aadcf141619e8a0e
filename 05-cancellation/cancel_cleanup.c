/*
 * cancel_cleanup.c — a cancelled task still runs its cleanup, and the cancel goes on.
 *
 * Mirrors A0 §2.3 「任务取消不当」: task_with_resource() takes a resource, awaits a 10 s
 * sleep, and main cancels it after 0.1 s. The article says its 反例's `finally` does not
 * run on a cancel; it does (errata/finally_runs.py shows it with python3). A cancel is a
 * value returned at the suspension point, so the code after the await runs like any other.
 * Both of the article's versions, in C:
 *   finally  the release runs after the await whatever it returned, then the error goes on
 *   except   the release runs on -ECANCELED, then return task_raise(-ECANCELED): `raise`
 * Watch: the release starts at the cancel, awaits its own goodbye (a cancel is delivered
 * once), closes the pipe; only then does main's await return -ECANCELED.
 */
#include "args.h"
#include "check.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static double work = 10, patience = 0.1, goodbye = 0.05; /* the article's 10 s and 0.1 s */

/* What each version did, in loop time since it was created. */
struct run {
    const char *name;
    double started, cancelled, cleanup_began, cleanup_ended, awaiter_resumed;
    bool fds_closed;
};

struct resource {
    int fds[2];
};

static void resource_acquire(struct resource *r)
{
    CHECK_SYS(pipe(r->fds));
    say("获取资源 (a pipe: fds %d and %d)", r->fds[0], r->fds[1]);
}

/* The release may await (a goodbye to the other side): after a cancel it still can. */
static int resource_release(struct resource *r, struct run *run)
{
    run->cleanup_began = running_loop_time() - run->started;
    int rc = async_sleep(goodbye);
    close(r->fds[0]);
    close(r->fds[1]);
    run->fds_closed = fcntl(r->fds[0], F_GETFD) == -1 && fcntl(r->fds[1], F_GETFD) == -1;
    run->cleanup_ended = running_loop_time() - run->started;
    say("资源已释放: after a %.2f s goodbye (%s), fds %d and %d are %s", goodbye,
        rc == 0 ? "it ran to the end" : "it was cut short", r->fds[0], r->fds[1],
        run->fds_closed ? "closed (fcntl: EBADF)" : "STILL OPEN");
    return rc;
}

/* 反例, as the article wrote it: try: await asyncio.sleep(10) finally: release. */
static void *with_finally(void *arg)
{
    struct resource r;
    resource_acquire(&r);
    int rc = async_sleep(work); /* try: */
    say("finally: the await returned %d (%s)", rc, rc == -ECANCELED ? "cancelled" : "done");
    resource_release(&r, arg); /* finally: every path comes here */
    if (rc)
        return task_raise(rc, NULL); /* the CancelledError goes on after the finally */
    return "done";
}

/* 正例: except asyncio.CancelledError: release; raise. The article's version releases only
 * on a cancel, never after a success; the last release below is what it lacks (without it
 * the pipe would leak). `finally` was the right tool all along. */
static void *with_except(void *arg)
{
    struct resource r;
    resource_acquire(&r);
    int rc = async_sleep(work);
    if (rc == -ECANCELED) {
        say("任务取消，释放资源");
        resource_release(&r, arg);
        return task_raise(-ECANCELED, NULL); /* raise  # 重新抛出取消异常 */
    }
    resource_release(&r, arg);
    return rc ? task_raise(rc, NULL) : "done";
}

static void record(const struct run *r, const char *what, double value, const char *unit)
{
    char name[64];
    snprintf(name, sizeof name, "cancel_cleanup.%s.%s", r->name, what);
    result_record(name, value, unit);
}

static void run_version(struct run *run, task_fn *body)
{
    run->started = running_loop_time();
    struct task *t = create_task(run->name, body, run);
    async_sleep(patience); /* await asyncio.sleep(0.1) */
    say("task.cancel()");
    run->cancelled = running_loop_time() - run->started;
    task_cancel(t);
    int rc = await_task(t, NULL); /* await task */
    run->awaiter_resumed = running_loop_time() - run->started;
    say("await task → %s; task_cancelled() = %s",
        rc == -ECANCELED ? "-ECANCELED (CancelledError)" : "no cancellation",
        task_cancelled(t) ? "true" : "false");
    task_release(t);
}

static void *main_task(void *runs)
{
    struct run *r = runs;
    run_version(&r[0], with_finally);
    run_version(&r[1], with_except);
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &work, 0.01, 3600, "how long the task means to work (10 s)"),
        OPT_DOUBLE("cancel-after", "S", &patience, 0, 3600, "when main cancels it (0.1 s)"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "A task holding a resource is cancelled: its cleanup runs (and may await), then "
               "the cancellation reaches the awaiter. Both of A0 §2.3's versions.",
               opts);
    (void)quick; /* the default run is already short: the cancel comes after 0.1 s */
    if (patience >= work)
        args_error("--cancel-after must come before the work ends (--seconds)");
    struct run runs[2] = {{.name = "finally"}, {.name = "except"}};
    async_run(main_task, runs, NULL);

    printf("\n%-8s  %-9s  %-13s  %-13s  %-12s  %s\n", "version", "cancelled", "cleanup began",
           "cleanup ended", "main resumed", "resource");
    bool right = true;
    for (int i = 0; i < 2; i++) {
        struct run *r = &runs[i];
        printf("%-8s  %8.3fs  %12.3fs  %12.3fs  %11.3fs  %s\n", r->name, r->cancelled,
               r->cleanup_began, r->cleanup_ended, r->awaiter_resumed,
               r->fds_closed ? "released" : "LEAKED");
        record(r, "cancelled", r->cancelled, "s");
        record(r, "cleanup_began", r->cleanup_began, "s");
        record(r, "cleanup_ended", r->cleanup_ended, "s");
        record(r, "awaiter_resumed", r->awaiter_resumed, "s");
        record(r, "released", r->fds_closed, "bool");
        right = right && r->fds_closed && r->cleanup_ended <= r->awaiter_resumed;
    }
    printf("\n%s\n", right ? "verdict: in both versions the cleanup ran, and ended before main saw "
                             "the cancellation."
                           : "verdict: a cleanup did not run, or ended after main resumed.");
    return right ? 0 : 1;
}
