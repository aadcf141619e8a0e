/*
 * graceful_shutdown.c — SIGINT and SIGTERM end a service of tasks: every cleanup, exit 0.
 *
 * Mirrors A1 §8.1 「优雅停机方案」: for SIGTERM and SIGINT, loop.add_signal_handler starts
 * graceful_shutdown(sig), which cancels every other task, gathers them with
 * return_exceptions=True, and stops. The signal handler only wakes the loop; the
 * shutdown runs as an ordinary task. Two fixes to the article, shown with python3 in
 * errata/shutdown_bugs.py: each signal is bound by value (its lambda binds `sig` late,
 * so SIGTERM is reported as SIGINT), and main is not cancelled nor the loop stopped
 * under it (loop.stop() inside asyncio.run ends the program with a CancelledError):
 * main waits for a future the shutdown sets, then returns. Watch: every task prints
 * its cleanup, the shutdown names how each ended, exit status 0.
 * The default run sends itself SIGTERM after 1 s (kill(2), a real signal).
 */
#include "args.h"
#include "future.h"
#include "gather.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct role {
    const char *name, *work, *cleanup;
    double every, cleanup_seconds;
};

static const struct role roles[] = {
    {"acceptor", "accepted a connection", "stopped accepting, listening socket closed", 0.2, 0},
    {"worker-1", "finished a job", "finished the job in hand, flushed its results", 0.3, 0.05},
    {"worker-2", "finished a job", "finished the job in hand, flushed its results", 0.3, 0.05},
    {"worker-3", "finished a job", "finished the job in hand, flushed its results", 0.3, 0.05},
    {"metrics", "reported", "wrote the final report", 0.5, 0.02},
};
enum { ROLES = sizeof roles / sizeof roles[0] };

struct service {
    struct task *main, *tasks[ROLES], *shutdown;
    struct future *stopped; /* main awaits it; the shutdown sets it */
    int signo, cleanups, cancelled;
};

/* One per signal, so each handler knows its own signal (the article's lambda did not). */
struct on_signal {
    struct service *svc;
    int signo;
};

static struct service svc;

static void *serve(void *arg)
{
    const struct role *r = arg;
    for (int done = 0;; done++) {
        int rc = async_sleep(r->every);
        if (rc) { /* cancelled: clean up (which may await), then let the cancel go on */
            if (r->cleanup_seconds > 0)
                async_sleep(r->cleanup_seconds);
            svc.cleanups++;
            say("cleanup: %s (%d done before)", r->cleanup, done);
            return task_raise(rc, NULL);
        }
        if (done % 3 == 0)
            say("%s", r->work);
    }
}

static void *graceful_shutdown(void *arg)
{
    struct on_signal *s = arg;
    say("收到终止信号 SIG%s...", sigabbrev_np(s->signo));
    s->svc->signo = s->signo;
    struct task *all[ROLES + 2];
    size_t n = all_tasks(all, ROLES + 2), k = 0;
    struct future *others[ROLES + 2];
    for (size_t i = 0; i < n && i < ROLES + 2; i++) /* 取消所有运行中任务: not this one, not main */
        if (all[i] != current_task() && all[i] != s->svc->main) {
            task_cancel(all[i]);
            others[k++] = task_future(all[i]);
        }
    say("cancelled %zu tasks; gathering them (return_exceptions)", k);
    struct future *g = gather(others, k, GATHER_RETURN_EXCEPTIONS); /* 等待任务处理取消 */
    int rc = await_future(g, NULL);
    for (size_t i = 0; rc == 0 && i < k; i++) {
        int how = gather_error(g, i);
        s->svc->cancelled += how == -ECANCELED;
        say("  %-9s %s", future_name(others[i]),
            how == -ECANCELED ? "ended cancelled"
            : how             ? strerror(-how)
                              : "ended with a result");
    }
    future_unref(g);
    future_set_result(s->svc->stopped, NULL); /* instead of loop.stop(): main returns */
    return rc ? task_raise(rc, NULL) : NULL;
}

/* The loop calls this in its own thread after the handler woke it: anything goes here. */
static void on_signal(struct loop *loop, void *arg)
{
    (void)loop;
    struct on_signal *s = arg;
    if (s->svc->shutdown) {
        say("SIG%s again: already shutting down", sigabbrev_np(s->signo));
        return;
    }
    s->svc->shutdown = create_task("graceful_shutdown", graceful_shutdown, s);
}

/* The default run plays the operator: kill -TERM (or -INT) this process, after a while. */
struct self_signal {
    int signo; /* 0: none, wait for one from outside */
    double delay;
};

static void send_myself(struct loop *loop, void *arg)
{
    (void)loop;
    int signo = ((struct self_signal *)arg)->signo;
    say("kill -%s %d (a real signal, as from a shell)", sigabbrev_np(signo), (int)getpid());
    kill(getpid(), signo);
}

static void *main_task(void *arg)
{
    struct self_signal *send = arg;
    struct loop *loop = loop_get_running();
    struct on_signal on_term = {&svc, SIGTERM}, on_int = {&svc, SIGINT};
    svc.main = current_task();
    svc.stopped = future_new(loop);
    loop_add_signal_handler(loop, SIGTERM, on_signal, &on_term);
    loop_add_signal_handler(loop, SIGINT, on_signal, &on_int);
    for (int i = 0; i < ROLES; i++)
        svc.tasks[i] = create_task(roles[i].name, serve, (void *)&roles[i]);
    say("ready: pid %d; %d tasks serving; Ctrl-C or kill -TERM %d ends it", (int)getpid(), ROLES,
        (int)getpid());
    if (send->signo)
        loop_call_later(loop, send->delay, send_myself, send);

    int rc = await_future(svc.stopped, NULL); /* until the shutdown is done */
    await_task(svc.shutdown, NULL);
    task_release(svc.shutdown);
    for (int i = 0; i < ROLES; i++)
        task_release(svc.tasks[i]);
    future_unref(svc.stopped);
    loop_remove_signal_handler(loop, SIGTERM);
    loop_remove_signal_handler(loop, SIGINT);
    return rc ? task_raise(rc, NULL) : NULL;
}

int main(int argc, char **argv)
{
    const char *send = "term";
    double delay = 1.0;
    bool quick = false;
    const struct opt opts[] = {
        OPT_STRING("send", "SIG", &send,
                   "the signal the program sends itself: term, int, or none (then press Ctrl-C "
                   "or kill -TERM it)"),
        OPT_DOUBLE("seconds", "S", &delay, 0, 3600, "when it sends it"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&delay, 0.4),
        OPT_END,
    };
    args_parse(argc, argv,
               "A service of tasks ended by SIGINT or SIGTERM: the signal starts a shutdown task "
               "that cancels and gathers the others; every cleanup runs; exit 0.",
               opts);
    struct self_signal self = {strcmp(send, "term") == 0   ? SIGTERM
                               : strcmp(send, "int") == 0  ? SIGINT
                               : strcmp(send, "none") == 0 ? 0
                                                           : -1,
                               delay};
    if (self.signo < 0)
        args_error("--send must be term, int or none, not '%s'", send);
    int rc = async_run(main_task, &self, NULL);
    bool all = svc.cleanups == ROLES && svc.cancelled == ROLES;
    printf("\n%s SIG%s: %d of %d tasks cleaned up and ended cancelled; main returned %s\n",
           all ? "stopped by" : "INCOMPLETE after", svc.signo ? sigabbrev_np(svc.signo) : "?",
           svc.cleanups, ROLES, rc == 0 ? "normally: exit 0" : "an error");
    result_record("shutdown.signal", svc.signo, "signo");
    result_record("shutdown.cleanups", svc.cleanups, "count");
    result_record("shutdown.cancelled", svc.cancelled, "count");
    return rc == 0 && all ? 0 : 1;
}
