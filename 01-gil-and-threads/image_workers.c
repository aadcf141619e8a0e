/*
 * image_workers.c — the worker processes of image_pool.c. See image_workers.h.
 */
#include "image_workers.h"

#include "check.h"
#include "clock.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void send_message(int fd, int image, char what)
{
    struct message m;
    memset(&m, 0, sizeof m); /* the padding too: every byte of m goes down the pipe */
    m.image = image;
    m.pid = getpid();
    m.what = what;
    struct sigaction now;
    CHECK_SYS(sigaction(SIGINT, NULL, &now));
    m.ignores_sigint = now.sa_handler == SIG_IGN;
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

void pool_start(struct pool *p, int size, double seconds, const int close_in_child[2])
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
            close(close_in_child[0]);
            close(close_in_child[1]);
            /* A fresh worker: the parent's handlers are the parent's business. */
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
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
void pool_map(struct pool *p, int images)
{
    for (int i = 0; i < images; i++)
        if (write(p->tasks, &i, sizeof i) != (ssize_t)sizeof i)
            die_errno(errno, "write");
    CHECK_SYS(close(p->tasks));
}

void pool_read(struct pool *p, struct message *m, int images)
{
    ssize_t n = read(p->results, m, sizeof *m);
    if (n != (ssize_t)sizeof *m || m->image < 0 || m->image >= images)
        die("a worker sent a broken message");
}

void pool_press_ctrl_c(const struct pool *p)
{
    say("pressing Ctrl-C: SIGINT to this process and to its %d workers", p->size);
    for (int i = 0; i < p->size; i++)
        CHECK_SYS(kill(p->pids[i], SIGINT));
    CHECK_SYS(kill(getpid(), SIGINT));
}

/* pool.terminate(): SIGTERM to every worker, whatever it is doing. */
void pool_terminate(struct pool *p)
{
    for (int i = 0; i < p->size; i++)
        if (kill(p->pids[i], SIGTERM) == -1 && errno != ESRCH)
            die_errno(errno, "kill");
}

/*
 * pool.join(): reap every worker and say how it ended. Returns how many ended as they
 * should: exit 0 on an empty queue, or killed by terminate()'s SIGTERM.
 */
int pool_join(struct pool *p, int *by_sigterm)
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

/* Has this process any child left, alive or zombie? waitid(WNOWAIT) looks without reaping. */
bool children_left(void)
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
