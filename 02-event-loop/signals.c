/*
 * signals.c — Ctrl-C and kill -TERM end the loop cleanly: the signal becomes a callback.
 *
 * Mirrors A1 §8.1 「优雅停机方案」: loop.add_signal_handler(SIGTERM/SIGINT, ...) calls
 * graceful_shutdown, which cancels the running work, then stops the loop.
 * The signal handler itself only sets a flag and writes a byte to the loop's self-pipe
 * (common/loop_wakeup.c); graceful_shutdown runs later as an ordinary callback, where
 * anything is allowed. Watch: the workers stop mid-stride, the cleanup is printed, exit 0.
 * The default run sends itself SIGTERM from a child process, as `kill -TERM` would; a
 * Ctrl-C before that ends the run the same way, and the cleanup stops the child first.
 */
#include "args.h"
#include "check.h"
#include "clock.h"
#include "loop.h"
#include "results.h"
#include "say.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { WORKERS = 3 };

struct worker {
    char name[32];
    int units;
    struct loop_handle next;
};

struct app {
    struct worker workers[WORKERS];
    pthread_t loop_thread;
    int signal_received, cancelled;
    bool in_handler; /* graceful_shutdown found its signal blocked: it ran in the handler */
};

struct shutdown_arg {
    struct app *app;
    int signo;
};

static const double work_every = 0.25;

static void work(struct loop *loop, void *arg)
{
    struct worker *w = arg;
    say_as(w->name, "unit %d done", ++w->units);
    w->next = loop_call_later(loop, work_every, work, w);
}

/*
 * Is this code running inside the handler of `signo`? While a handler runs, the kernel
 * blocks its signal (unless SA_NODEFER), and unblocks it when the handler returns. The
 * loop unblocked both signals before it ran: found blocked here, we would be in a handler.
 * (Comparing threads would not tell: a handler runs in the loop's thread too.)
 */
static bool inside_handler_of(int signo)
{
    sigset_t now;
    CHECK_PT(pthread_sigmask(SIG_BLOCK, NULL, &now));
    return sigismember(&now, signo) == 1;
}

/* Not a signal handler: a callback the loop runs after the handler woke it. */
static void graceful_shutdown(struct loop *loop, void *arg)
{
    struct shutdown_arg *s = arg;
    struct app *app = s->app;
    app->in_handler = inside_handler_of(s->signo);
    say("graceful_shutdown: 收到终止信号 SIG%s... (inside the signal handler: %s — SIG%s is %s; "
        "in the loop's thread: %s)",
        sigabbrev_np(s->signo), app->in_handler ? "YES" : "no", sigabbrev_np(s->signo),
        app->in_handler ? "blocked here, as inside its handler"
                        : "not blocked here, as it would be inside its handler",
        pthread_equal(pthread_self(), app->loop_thread) ? "yes" : "no");
    app->signal_received = s->signo;
    for (int i = 0; i < WORKERS; i++) {
        struct worker *w = &app->workers[i];
        if (loop_cancel(loop, w->next)) {
            app->cancelled++;
            say("graceful_shutdown: cancelled %s after %d units", w->name, w->units);
        }
    }
    loop_stop(loop);
}

/* The child plays the operator: wait, then kill -TERM (or -INT) the parent. */
static pid_t send_later(int signo, double delay, const sigset_t *mask)
{
    pid_t parent = getpid(), child = xfork();
    if (child == 0) {
        /* An ordinary process again: a Ctrl-C at the terminal, or the parent's SIGTERM
         * once its loop has stopped, ends it instead of waiting in its blocked mask. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        sigprocmask(SIG_SETMASK, mask, NULL);
        sleep_sec(delay);
        say_as("kill", "kill -%s %d", sigabbrev_np(signo), (int)parent);
        kill(parent, signo);
        _exit(0);
    }
    return child;
}

int main(int argc, char **argv)
{
    const char *send = "term";
    double delay = 1.0;
    bool quick = false;
    const struct opt opts[] = {
        OPT_STRING("send", "SIG", &send,
                   "the signal the program sends itself: term, int, or none "
                   "(then press Ctrl-C)"),
        OPT_DOUBLE("seconds", "S", &delay, 0, 3600, "when it sends it"),
        OPT_QUICK_DOUBLE(&delay, 0.3),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "SIGINT and SIGTERM delivered into the event loop as ordinary callbacks: the "
               "workers are cancelled, the loop stops, the cleanup runs, exit 0.",
               opts);
    int signo = strcmp(send, "term") == 0   ? SIGTERM
                : strcmp(send, "int") == 0  ? SIGINT
                : strcmp(send, "none") == 0 ? 0
                                            : -1;
    if (signo < 0) {
        fprintf(stderr, "%s: --send must be term, int or none, not '%s'\n",
                program_invocation_short_name, send);
        return 2;
    }

    /* Hold the signals back until the loop handles them: a kill that comes early waits. */
    sigset_t held, before;
    sigemptyset(&held);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGTERM);
    sigprocmask(SIG_BLOCK, &held, &before);
    pid_t sender = signo ? send_later(signo, delay, &before) : 0;

    struct loop *loop = loop_new();
    struct app app = {.loop_thread = pthread_self()};
    struct shutdown_arg on_int = {&app, SIGINT}, on_term = {&app, SIGTERM};
    loop_add_signal_handler(loop, SIGINT, graceful_shutdown, &on_int);
    loop_add_signal_handler(loop, SIGTERM, graceful_shutdown, &on_term);
    sigprocmask(SIG_UNBLOCK, &held, NULL);

    for (int i = 0; i < WORKERS; i++) {
        struct worker *w = &app.workers[i];
        snprintf(w->name, sizeof w->name, "worker-%d", i + 1);
        w->next = loop_call_later(loop, work_every * (i + 1) / WORKERS, work, w);
    }
    say("ready: pid %d; SIGINT and SIGTERM go to graceful_shutdown (press Ctrl-C, or kill "
        "-TERM %d)",
        (int)getpid(), (int)getpid());
    if (signo)
        say("a child process will send SIG%s in %.1f s", sigabbrev_np(signo), delay);

    loop_run_forever(loop);

    say("cleanup: loop stopped with %d workers cancelled", app.cancelled);
    /* Stopped by another signal (a Ctrl-C), the sender would still send its own later, to
     * a process without handlers by then: stop it first, while the handlers are ours. */
    if (sender) {
        kill(sender, SIGTERM);
        CHECK_SYS(waitpid(sender, NULL, 0));
    }
    loop_remove_signal_handler(loop, SIGINT);
    loop_remove_signal_handler(loop, SIGTERM);
    loop_close(loop);
    say("cleanup: signal handlers restored, %s, loop closed; exit 0",
        sender ? "the sender reaped" : "no sender to reap");
    result_record("signals.signal", app.signal_received, "signo");
    result_record("signals.cancelled", app.cancelled, "count");
    result_record("signals.in_handler", app.in_handler, "bool");
    return 0;
}
