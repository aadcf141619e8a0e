/*
 * image_pool.c — a pool of worker processes over a list of "images" that always ends
 * cleanly: when the batch is done, when it times out, and on Ctrl-C.
 *
 * Mirrors A4 「多进程编程」: mp.Pool(initializer=init_worker) whose workers ignore SIGINT,
 * map_async(...).get(timeout=30), pool.terminate() on a timeout or a KeyboardInterrupt.
 * Three batches run: one that finishes, one that hits its timeout, one cut short by
 * Ctrl-C — which the program presses itself, sending SIGINT to itself and to every
 * worker as a terminal does. Watch which images finish, how each worker ends (by the
 * SIGTERM of terminate, never by the SIGINT it ignores), and the last line of each
 * batch: no child process left behind, not even a zombie.
 */
#include "args.h"
#include "check.h"
#include "clock.h"
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
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_WORKERS = 64, MAX_IMAGES = 2 * MAX_WORKERS };
static const double DEFAULT_SECONDS = 0.4, QUICK_SECONDS = 0.1;

/* ---- Ctrl-C, the async-signal-safe way: the handler only writes one byte to a pipe. */

static int sigint_pipe[2] = {-1, -1};

static void on_sigint(int sig)
{
    (void)sig;
    int saved = errno; /* the interrupted code may be about to read errno */
    char byte = 'C';
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
}

/* ---- The workers. */

struct message {
    int image;
    pid_t pid;
    char what; /* 'S': started it, 'D': done with it */
};

static void send_message(int fd, int image, char what)
{
    struct message m;
    memset(&m, 0, sizeof m); /* the padding too: every byte of m goes down the pipe */
    m.image = image;
    m.pid = getpid();
    m.what = what;
    /* Smaller than PIPE_BUF: written in one piece, never mixed with another worker's. */
    if (write(fd, &m, sizeof m) != (ssize_t)sizeof m)
        die_errno(errno, "worker: write");
}

/* A worker takes image numbers from `tasks` until there are none left (end of file). */
static noreturn void worker_main(int tasks, int results, double seconds, const sigset_t *mask)
{
    /* The article's init_worker(): Ctrl-C is the parent's business, not ours. */
    signal(SIGINT, SIG_IGN);
    CHECK_SYS(sigprocmask(SIG_SETMASK, mask, NULL));
    int image;
    ssize_t n;
    while ((n = read(tasks, &image, sizeof image)) == (ssize_t)sizeof image) {
        send_message(results, image, 'S');
        say("pid %d starts image_%d.jpg", (int)getpid(), image);
        sleep_sec(seconds); /* the article's time.sleep(processing_time): "processing" */
        send_message(results, image, 'D');
    }
    if (n == -1)
        die_errno(errno, "worker: read");
    CHECK_SYS(close(tasks));
    CHECK_SYS(close(results));
    _exit(0);
}

struct pool {
    int size;
    pid_t pids[MAX_WORKERS];
    int tasks;   /* write end: image numbers still to process */
    int results; /* read end: what the workers report */
};

static void pool_start(struct pool *p, int size, double seconds)
{
    int tasks[2], results[2];
    CHECK_SYS(pipe2(tasks, O_CLOEXEC));
    CHECK_SYS(pipe2(results, O_CLOEXEC));
    /*
     * A Ctrl-C pressed while the pool starts stays pending until every worker exists
     * and ignores SIGINT: the handler never runs while the pool is half made, and no
     * worker can be killed by it before its init_worker() has run.
     */
    sigset_t sigint, old;
    sigemptyset(&sigint);
    sigaddset(&sigint, SIGINT);
    CHECK_SYS(sigprocmask(SIG_BLOCK, &sigint, &old));
    p->size = 0;
    for (int i = 0; i < size; i++) {
        pid_t pid = xfork();
        if (pid == 0) {
            char name[32];
            snprintf(name, sizeof name, "worker-%d", i + 1);
            say_my_name(name);
            close(tasks[1]); /* or the end of file never comes */
            close(results[0]);
            close(sigint_pipe[0]);
            close(sigint_pipe[1]);
            worker_main(tasks[0], results[1], seconds, &old);
        }
        p->pids[p->size++] = pid;
    }
    CHECK_SYS(close(tasks[0]));
    CHECK_SYS(close(results[1])); /* so the read end reports when every worker is gone */
    p->tasks = tasks[1];
    p->results = results[0];
    CHECK_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
}

/* map_async: hand out every image, then close the queue so workers stop when it is empty. */
static void pool_map(struct pool *p, int images)
{
    for (int i = 0; i < images; i++)
        if (write(p->tasks, &i, sizeof i) != (ssize_t)sizeof i)
            die_errno(errno, "write");
    CHECK_SYS(close(p->tasks));
}

/* pool.terminate(): SIGTERM to every worker, whatever it is doing. */
static void pool_terminate(struct pool *p)
{
    for (int i = 0; i < p->size; i++)
        if (kill(p->pids[i], SIGTERM) == -1 && errno != ESRCH)
            die_errno(errno, "kill");
}

/*
 * pool.join(): reap every worker and say how it ended. Returns how many ended as they
 * should: exit 0 on an empty queue, or killed by terminate()'s SIGTERM.
 */
static int pool_join(struct pool *p, int *by_sigterm)
{
    int fine = 0;
    *by_sigterm = 0;
    for (int i = 0; i < p->size; i++) {
        int status;
        CHECK_SYS(waitpid(p->pids[i], &status, 0));
        if (WIFEXITED(status)) {
            printf("  worker pid %d: exited %d\n", (int)p->pids[i], WEXITSTATUS(status));
            fine += WEXITSTATUS(status) == 0;
        } else if (WIFSIGNALED(status)) {
            printf("  worker pid %d: killed by SIG%s\n", (int)p->pids[i],
                   sigabbrev_np(WTERMSIG(status)));
            *by_sigterm += WTERMSIG(status) == SIGTERM;
            fine += WTERMSIG(status) == SIGTERM;
        }
    }
    CHECK_SYS(close(p->results));
    return fine;
}

/* ---- The parent: wait for the batch, with a timeout, listening for Ctrl-C. */

enum state { PENDING, PROCESSING, DONE };
struct image {
    enum state state;
    pid_t pid;
    double done_at;
};

enum outcome { ALL_DONE, TIMED_OUT, INTERRUPTED };

/* What a terminal does on Ctrl-C: SIGINT to every process of the job, workers included. */
static void press_ctrl_c(const struct pool *p)
{
    say("pressing Ctrl-C: SIGINT to this process and to its %d workers", p->size);
    for (int i = 0; i < p->size; i++)
        CHECK_SYS(kill(p->pids[i], SIGINT));
    CHECK_SYS(kill(getpid(), SIGINT));
}

static void read_message(struct pool *p, struct image *images, int count, double start, int *done)
{
    struct message m;
    ssize_t n = read(p->results, &m, sizeof m);
    if (n != (ssize_t)sizeof m || m.image < 0 || m.image >= count)
        die("a worker sent a broken message");
    images[m.image].pid = m.pid;
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
            press_ctrl_c(p);
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
            char byte;
            while (read(sigint_pipe[0], &byte, 1) == 1)
                ;
            return INTERRUPTED;
        }
        if (fds[1].revents & POLLIN)
            read_message(p, images, count, start, &done);
        else if (fds[1].revents & (POLLHUP | POLLERR))
            die("every worker is gone and %d images are not done", count - done);
    }
    return ALL_DONE;
}

/* Has this process any child left, alive or zombie? waitid(WNOWAIT) looks without reaping. */
static bool children_left(void)
{
    siginfo_t info = {0};
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == -1) {
        if (errno == ECHILD) {
            printf("  children left: none (waitid says ECHILD)\n");
            return false;
        }
        die_errno(errno, "waitid");
    }
    printf("  children left: YES — %s\n",
           info.si_pid ? "a zombie nobody reaped" : "a child still running");
    return true;
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
    pool_start(&pool, workers, seconds);
    say("使用 %d 个进程进行处理: the pool is up", pool.size);
    pool_map(&pool, b->images);
    enum outcome outcome = pool_wait(&pool, images, b->images, b->timeout, b->ctrl_c_after);
    if (outcome == TIMED_OUT)
        say("处理超时！ The timeout passed: terminate() the pool");
    else if (outcome == INTERRUPTED)
        say("检测到中断信号，正在优雅关闭... Ctrl-C: terminate() the pool");
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
    int by_sigterm;
    int fine = pool_join(&pool, &by_sigterm);
    bool left = children_left();

    char name[64];
    const char *figures[] = {"done", "unfinished", "timed_out", "interrupted", "by_sigterm",
                             "children_left"};
    double values[] = {done, b->images - done, outcome == TIMED_OUT, outcome == INTERRUPTED,
                       by_sigterm, left};
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
    if (strcmp(which, "all") != 0 && strcmp(which, "done") != 0 && strcmp(which, "timeout") != 0 &&
        strcmp(which, "interrupt") != 0) {
        fprintf(stderr, "image_pool: --batch: '%s' is not done, timeout, interrupt or all\n",
                which);
        return 2;
    }
    if (workers == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        workers = cores < 1 ? 1 : cores < 4 ? cores : 4;
    }
    /* Two rounds of images, and the timeout or the Ctrl-C in the middle of the second. */
    const int two_rounds = 2 * (int)workers;
    const struct batch batches[] = {
        {"done", "the article's run: 4 images, get(timeout=30)", 4, 30, -1},
        {"timeout", "the timeout falls in the second round of images", two_rounds, 1.5 * seconds,
         -1},
        {"interrupt", "Ctrl-C comes in the second round of images", two_rounds, 30,
         1.5 * seconds},
    };
    catch_sigint();
    const size_t count = sizeof batches / sizeof batches[0];
    for (size_t i = 0; i < count; i++) {
        if (strcmp(which, "all") != 0 && strcmp(which, batches[i].name) != 0)
            continue;
        if (run_batch(&batches[i], (int)workers, seconds) == INTERRUPTED) {
            if (i + 1 < count && strcmp(which, "all") == 0)
                printf("\nCtrl-C: the remaining batches are not run.\n");
            break;
        }
    }
    CHECK_SYS(close(sigint_pipe[0]));
    CHECK_SYS(close(sigint_pipe[1]));
    return 0;
}
