/*
 * process_pool_worker.c — what runs in a process pool's worker: a fork() of the program
 * that reads a request from its socket, runs the job, writes the reply, and waits for the
 * next, until the pool closes the socket. See process_pool.h for what the pool promises
 * and process_pool_private.h for how the files of the pool fit together.
 *
 * Everything here is blocking, and may be: the worker has nothing else to do. Only the
 * pool's side (process_pool_jobs.c) must never wait for a reply: it runs on the loop.
 */
#include "process_pool_private.h"

#include "check.h"
#include "clock.h"
#include "full_io.h"
#include "say.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the worker inherited but must not keep: the parent's signal handlers and fds. */
static void become_worker(int fd, int number, const sigset_t *mask)
{
    for (int signo = 1; signo < NSIG; signo++) {
        struct sigaction sa;
        if (sigaction(signo, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL &&
            sa.sa_handler != SIG_IGN)
            signal(signo, SIG_DFL); /* a handler of the loop's would write to its pipe */
    }
    signal(SIGINT, SIG_IGN); /* the article's init_worker: Ctrl-C is the parent's business */
    CHECK_SYS(sigprocmask(SIG_SETMASK, mask, NULL));

    /* Keep only stdio and our socket. Above all, close the other workers' sockets: a
     * copy of worker 1's socket held open here would keep worker 1 from ever seeing the
     * end of its input, and the pool's shutdown would wait for it forever. */
    if (fd != 3) {
        CHECK_SYS(dup2(fd, 3));
        close(fd);
    }
    CHECK_SYS(close_range(4, ~0U, 0));

    char name[24];
    snprintf(name, sizeof name, "worker-%d", number);
    say_set_name_source(NULL); /* no task runs here, whatever this thread ran before */
    say_my_name(name);
}

noreturn void process_pool_worker_main(int fd, int number, const sigset_t *mask)
{
    become_worker(fd, number, mask);
    fd = 3;
    char *out = xmalloc(PROCESS_JOB_OUTPUT_MAX);
    struct request req;
    /* A short read is the pool closing the socket: the end of the worker's input. */
    while (read_all(fd, &req, sizeof req) == (ssize_t)sizeof req) {
        char *in = xmalloc(req.len ? req.len : 1);
        if (read_all(fd, in, req.len) != (ssize_t)req.len) {
            free(in);
            break;
        }
        out[0] = '\0'; /* a failing job that writes no message sends an empty one */
        struct reply rep = {.started_ns = now_ns()};
        ssize_t result = req.job(in, req.len, out, PROCESS_JOB_OUTPUT_MAX);
        rep.finished_ns = now_ns();
        free(in);
        if (result > PROCESS_JOB_OUTPUT_MAX) {
            snprintf(out, PROCESS_JOB_OUTPUT_MAX, "the job says it wrote %zd bytes, more than %d",
                     result, PROCESS_JOB_OUTPUT_MAX);
            result = -EMSGSIZE;
        }
        rep.result = result;
        rep.len = result >= 0 ? (size_t)result : strnlen(out, PROCESS_JOB_OUTPUT_MAX - 1);
        if (!write_all(fd, &rep, sizeof rep) || !write_all(fd, out, rep.len))
            break;
    }
    free(out);
    close(fd);
    _exit(0); /* not exit(): the parent's atexit work and stdio buffers are not ours */
}
