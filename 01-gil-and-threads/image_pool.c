/*
 * image_pool.c — a pool of worker processes over a list of "images" that always ends
 * cleanly: when the batch is done, when it times out, and on Ctrl-C.
 *
 * Mirrors A4 「多进程编程」: mp.Pool(initializer=init_worker) whose workers ignore SIGINT,
 * map_async(...).get(timeout=30), pool.terminate() on a timeout or a KeyboardInterrupt.
 * Three batches run: one that finishes, one that hits its timeout, one cut short by
 * Ctrl-C — which the program presses itself, sending SIGINT to itself and to every
 * worker as a terminal does. Watch which images finish, how each worker ends (by the
 * SIGTERM of terminate, never by the SIGINT it ignores: each says it found SIGINT
 * ignored), and the last line of each batch: no child left behind, not even a zombie.
 * A kill -TERM of the parent terminates and reaps the pool too, then ends by SIGTERM.
 */
#include "args.h"
#include "check.h"
#include "clock.h"
#include "image_workers.h"
#include "results.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double DEFAULT_SECONDS = 0.4, QUICK_SECONDS = 0.1;

/*
 * ---- Ctrl-C and kill -TERM, the async-signal-safe way: the handler only writes one byte
 * to a pipe ('C' or 'T'). Either way the pool is terminated and reaped: a SIGTERM that
 * killed the parent alone would leave its workers running, orphaned.
 */

static int sigint_pipe[2] = {-1, -1};

static void on_sigint(int sig)
{
    int saved = errno; /* the interrupted code may be about to read errno */
    char byte = sig == SIGTERM ? 'T' : 'C';
    /* Non-blocking: if the pipe is full, a Ctrl-C is already waiting to be seen. */
    if (write(sigint_pipe[1], &byte, 1) == -1) {
        /* nothing else is safe to do in a handler */
    }
    errno = saved;
}

static void catch_sigint(void)
{
    CHECK_SYS(pipe2(sigint_pipe, O_NONBLOCK | O_CLOEXEC));
    /* SA_RESTART: a second Ctrl-C must not fail a waitpid() with EINTR. poll() is never
     * restarted on Linux: it returns EINTR, and the loop goes round to read the pipe. */
    struct sigaction sa = {.sa_handler = on_sigint, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    CHECK_SYS(sigaction(SIGINT, &sa, NULL));
    CHECK_SYS(sigaction(SIGTERM, &sa, NULL));
}

/* ---- The parent: wait for the batch, with a timeout, listening for Ctrl-C. */

enum state { PENDING, PROCESSING, DONE };
struct image {
    enum state state;
    pid_t pid;
    double done_at;
};

enum outcome { ALL_DONE, TIMED_OUT, INTERRUPTED, TERMINATED };

static int reports, reports_ignoring_sigint; /* how many found SIGINT ignored in their worker */

static void read_message(struct pool *p, struct image *images, int count, double start, int *done)
{
    struct message m;
    pool_read(p, &m, count);
    images[m.image].pid = m.pid;
    reports++;
    reports_ignoring_sigint += m.ignores_sigint;
    if (m.what == 'S') {
        images[m.image].state = PROCESSING;
    } else {
        images[m.image].state = DONE;
        images[m.image].done_at = now_sec() - start;
        ++*done;
    }
}

/* results.get(timeout): wait for every image, the deadline, or Ctrl-C. */
static enum outcome pool_wait(struct pool *p, struct image *images, int count, double timeout,
                              double ctrl_c_after)
{
    double start = now_sec(), deadline = start + timeout;
    double press_at = ctrl_c_after >= 0 ? start + ctrl_c_after : INFINITY;
    int done = 0;
    while (done < count) {
        double now = now_sec();
        if (now >= deadline)
            return TIMED_OUT;
        if (now >= press_at) {
            pool_press_ctrl_c(p);
            press_at = INFINITY;
        }
        double wake = fmin(deadline, press_at);
        struct pollfd fds[] = {{.fd = sigint_pipe[0], .events = POLLIN},
                               {.fd = p->results, .events = POLLIN}};
        int ready = poll(fds, 2, (int)ceil((wake - now) * 1e3));
        if (ready == -1 && errno == EINTR)
            continue; /* the handler ran: its byte is in the pipe, seen on the next turn */
        if (ready == -1)
            die_errno(errno, "poll");
        if (fds[0].revents & POLLIN) {
            char byte, last = 'C';
            while (read(sigint_pipe[0], &byte, 1) == 1)
                last = last == 'T' ? last : byte; /* a SIGTERM wins over a Ctrl-C */
            return last == 'T' ? TERMINATED : INTERRUPTED;
        }
        if (fds[1].revents & POLLIN)
            read_message(p, images, count, start, &done);
        else if (fds[1].revents & (POLLHUP | POLLERR))
            die("every worker is gone and %d images are not done", count - done);
    }
    return ALL_DONE;
}

struct batch {
    const char *name, *what;
    int images;
    double timeout, ctrl_c_after; /* ctrl_c_after < 0: nobody presses Ctrl-C */
};

static enum outcome run_batch(const struct batch *b, int workers, double seconds)
{
    printf("\n== batch \"%s\": %d images, %d worker processes, %.2f s per image, timeout %.2f s"
           "\n   (%s)\n",
           b->name, b->images, workers, seconds, b->timeout, b->what);
    fflush(stdout);
    struct image images[MAX_IMAGES] = {0};
    struct pool pool;
    pool_start(&pool, workers, seconds, sigint_pipe);
    reports = reports_ignoring_sigint = 0;
    say("使用 %d 个进程进行处理: the pool is up", pool.size);
    pool_map(&pool, b->images);
    enum outcome outcome = pool_wait(&pool, images, b->images, b->timeout, b->ctrl_c_after);
    if (outcome == TIMED_OUT)
        say("处理超时！ The timeout passed: terminate() the pool");
    else if (outcome == INTERRUPTED)
        say("检测到中断信号，正在优雅关闭... Ctrl-C: terminate() the pool");
    else if (outcome == TERMINATED)
        say("SIGTERM: terminate() the pool, reap it, then end by SIGTERM as asked");
    else
        say("all %d images done; the workers find the queue empty and exit", b->images);
    if (outcome != ALL_DONE)
        pool_terminate(&pool);

    int done = 0;
    for (int i = 0; i < b->images; i++) {
        const struct image *im = &images[i];
        printf("  image_%d.jpg  ", i);
        if (im->state == DONE) {
            printf("done by pid %d at %.2f s\n", (int)im->pid, im->done_at);
            done++;
        } else if (im->state == PROCESSING) {
            printf("NOT done: pid %d was processing it\n", (int)im->pid);
        } else {
            printf("NOT done: never started\n");
        }
    }
    printf("  workers' reports that found SIGINT ignored in their own process: %d of %d\n",
           reports_ignoring_sigint, reports);
    int by_sigterm;
    int fine = pool_join(&pool, &by_sigterm);
    bool left = children_left();

    char name[64];
    const char *figures[] = {"done",          "unfinished", "timed_out",
                             "interrupted",   "by_sigterm", "children_left",
                             "reports",       "reports_ignoring_sigint"};
    double values[] = {done,      b->images - done, outcome == TIMED_OUT, outcome == INTERRUPTED,
                       by_sigterm, left,            reports,              reports_ignoring_sigint};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        snprintf(name, sizeof name, "pool.%s.%s", figures[i], b->name);
        result_record(name, values[i], "count");
    }
    if (left)
        die("a child process was left behind");
    if (fine != pool.size)
        die("%d of %d workers failed", pool.size - fine, pool.size);
    return outcome;
}

int main(int argc, char **argv)
{
    long workers = 0;
    double seconds = DEFAULT_SECONDS;
    const char *which = "all";
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("workers", "N", &workers, 0, MAX_WORKERS,
                "worker processes (0: the article's min(4 images, cores, 4))"),
        OPT_DOUBLE("seconds", "S", &seconds, 0.01, 60, "processing time of one image"),
        OPT_QUICK_DOUBLE(&seconds, QUICK_SECONDS),
        OPT_STRING("batch", "NAME", &which, "done, timeout, interrupt or all"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "A process pool over a list of images: a batch that finishes, one that times\n"
               "out, one cut by Ctrl-C; workers ignore SIGINT; no child is left behind.\n"
               "Press Ctrl-C yourself during a long batch: --batch done --seconds 5",
               opts);
    char word[64];
    snprintf(word, sizeof word, " %s ", which);
    if (strchr(which, ' ') || !strstr(" all done timeout interrupt ", word))
        args_error("--batch: '%s' is not done, timeout, interrupt or all", which);
    if (workers == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        workers = cores < 1 ? 1 : cores < 4 ? cores : 4;
    }
    /* Two rounds of images, and the timeout or the Ctrl-C in the middle of the second. */
    const int two_rounds = 2 * (int)workers;
    const struct batch batches[] = {
        {"done", "the article's run: 4 images, get(timeout=30)", 4, 30, -1},
        {"timeout", "the timeout in the second round of images", two_rounds, 1.5 * seconds, -1},
        {"interrupt", "Ctrl-C in the second round of images", two_rounds, 30, 1.5 * seconds},
    };
    catch_sigint();
    const size_t count = sizeof batches / sizeof batches[0];
    for (size_t i = 0; i < count; i++) {
        if (strcmp(which, "all") != 0 && strcmp(which, batches[i].name) != 0)
            continue;
        enum outcome outcome = run_batch(&batches[i], (int)workers, seconds);
        if (outcome == TERMINATED) { /* cleaned up: end as asked, the status says SIGTERM */
            fflush(stdout);
            signal(SIGTERM, SIG_DFL);
            raise(SIGTERM);
        }
        if (outcome == INTERRUPTED) {
            if (i + 1 < count && strcmp(which, "all") == 0)
                printf("\nCtrl-C: the remaining batches are not run.\n");
            break;
        }
    }
    CHECK_SYS(close(sigint_pipe[0]));
    CHECK_SYS(close(sigint_pipe[1]));
    return 0;
}
