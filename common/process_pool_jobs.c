/*
 * process_pool_jobs.c — a process pool's jobs, as futures on the loop: the queue, handing
 * a job to an idle worker, reading its reply, cancelling. See process_pool.h for the laws
 * and process_pool_private.h for how the files of the pool fit together.
 *
 * A worker does one job at a time, so the pool's side is a small state machine per
 * worker: idle, or busy with one job whose reply is being read. While a worker is busy
 * the loop watches its socket and reads the reply in pieces as they come, never blocking;
 * once it is whole, the job's future ends and the next queued job goes to the worker.
 */
#include "process_pool_private.h"

#include "check.h"
#include "full_io.h"
#include "future.h"
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct process_job_future {
    struct future future; /* first: a job is a future (future_new_extended) */
    struct process_pool *pool;
    process_job *fn;
    char *input; /* our copy, until a worker has its own */
    size_t len;
    bool queued;    /* waiting for a worker (not yet sent) */
    bool abandoned; /* cancelled while running: its reply is thrown away */
    struct process_output output;
    struct list_node node; /* in the pool's queue while queued */
};

/* ---- the queue: a list.h FIFO of jobs waiting for a worker ---- */

static struct process_job_future *dequeue(struct process_pool *pool)
{
    struct list_node *n = list_pop_front(&pool->queue);
    return n ? list_entry(n, struct process_job_future, node) : NULL;
}

/* ---- a job's end ---- */

/* The job is out of the pool's hands: the loop may stop waiting for it. */
static void job_over(struct process_job_future *job)
{
    loop_external_end(future_loop(&job->future));
    future_unref(&job->future); /* the pool's reference */
}

static void fail_job(struct process_job_future *job, const char *why)
{
    if (!job->abandoned)
        future_set_error(&job->future, -EPIPE, "%s", why);
    job_over(job);
}

/* Python's BrokenProcessPool: with no worker left, nothing in the queue can ever run. */
static void fail_queue_if_no_worker(struct process_pool *pool)
{
    if (pool->alive > 0)
        return;
    for (struct process_job_future *job; (job = dequeue(pool));)
        fail_job(job, "the process pool has no worker left");
}

static void destroy_job(struct future *f)
{
    struct process_job_future *job = (struct process_job_future *)f;
    free(job->input);
    free((void *)job->output.data);
}

static const char *how_it_ended(int status, char *buf, size_t size)
{
    if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d, %s", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    return buf;
}

/* A worker is gone (its socket closed under a job, or it refused a request): reap it. */
static void worker_died(struct worker *w)
{
    struct process_pool *pool = w->pool;
    if (w->job)
        loop_remove_reader(pool->loop, w->fd);
    close(w->fd);
    w->fd = -1;
    kill(w->pid, SIGKILL); /* in case it only closed its socket: it is of no use now */
    CHECK_SYS(waitpid(w->pid, &w->status, 0));
    char how[64], why[160];
    snprintf(why, sizeof why, "worker pid %d died while running the job (%s)", (int)w->pid,
             how_it_ended(w->status, how, sizeof how));
    w->pid = 0;
    pool->alive--;
    if (w->job) {
        pool->busy--;
        free(w->output);
        w->output = NULL;
        fail_job(w->job, why);
        w->job = NULL;
    }
    fail_queue_if_no_worker(pool);
}

/* ---- handing jobs to workers, reading their replies ---- */

static void on_reply(struct loop *loop, void *arg);

/* Give `job` to the idle worker `w`; if the worker turns out to be dead, the job goes
 * back to the front of the queue. */
static void start_job(struct worker *w, struct process_job_future *job)
{
    struct request req = {job->fn, job->len};
    /* Blocking sends: an idle worker is waiting in recv(), so they take as long as the
     * copy does, and a big input is copied straight into the worker. */
    if (!write_all(w->fd, &req, sizeof req) || !write_all(w->fd, job->input, job->len)) {
        list_push_front(&w->pool->queue, &job->node); /* first in line again */
        worker_died(w);
        return;
    }
    free(job->input); /* the worker has its copy now */
    job->input = NULL;
    job->queued = false;
    w->job = job;
    w->got = 0;
    w->pool->busy++;
    if (loop_add_reader(w->pool->loop, w->fd, on_reply, w) < 0)
        die("process pool: cannot watch worker pid %d's socket", (int)w->pid);
}

/* Give queued jobs to idle workers, oldest job first. */
static void dispatch(struct process_pool *pool)
{
    for (int i = 0; i < pool->size && !list_empty(&pool->queue); i++) {
        struct worker *w = &pool->workers[i];
        if (w->pid != 0 && !w->job)
            start_job(w, dequeue(pool));
    }
}

/* The whole reply is in: end the job's future with it; the worker is free again. */
static void reply_complete(struct worker *w)
{
    struct process_pool *pool = w->pool;
    struct process_job_future *job = w->job;
    loop_remove_reader(pool->loop, w->fd);
    w->job = NULL;
    pool->busy--;
    job->output = (struct process_output){w->output, (size_t)w->reply.len, w->pid,
                                          w->reply.started_ns, w->reply.finished_ns};
    w->output = NULL;
    if (!job->abandoned && w->reply.result >= 0) {
        future_set_result(&job->future, &job->output);
    } else if (!job->abandoned) { /* the job's error: its code, and its message if any */
        int code = (int)w->reply.result;
        const char *message = job->output.len ? job->output.data : strerror(-code);
        int len = job->output.len ? (int)job->output.len : (int)strlen(message);
        future_set_error(&job->future, code, "%.*s (in worker pid %d)", len, message, (int)w->pid);
    }
    job_over(job);
    dispatch(pool);
}

/* The loop's reader on a busy worker's socket: take what has come, never wait. */
static void on_reply(struct loop *loop, void *arg)
{
    (void)loop;
    struct worker *w = arg;
    for (;;) {
        bool in_header = w->got < sizeof w->reply;
        size_t want =
            in_header ? sizeof w->reply - w->got : sizeof w->reply + w->reply.len - w->got;
        if (want == 0) {
            reply_complete(w);
            return;
        }
        char *to = in_header ? (char *)&w->reply + w->got : w->output + (w->got - sizeof w->reply);
        ssize_t n = recv(w->fd, to, want, MSG_DONTWAIT);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; /* the rest comes later: the loop calls again */
        if (n <= 0) {
            worker_died(w);
            dispatch(w->pool);
            return;
        }
        w->got += (size_t)n;
        if (in_header && w->got == sizeof w->reply) {
            if (w->reply.len > PROCESS_JOB_OUTPUT_MAX)
                die("process pool: worker pid %d announced %llu bytes of output", (int)w->pid,
                    (unsigned long long)w->reply.len);
            w->output = xmalloc(w->reply.len ? w->reply.len : 1);
        }
    }
}

/* ---- submitting and cancelling ---- */

/* future_cancel() on a job: a queued one never runs; a running one is abandoned. */
static bool cancel_job(struct future *f)
{
    struct process_job_future *job = (struct process_job_future *)f;
    bool queued = job->queued;
    if (queued)
        list_remove(&job->pool->queue, &job->node);
    else
        job->abandoned = true; /* the worker runs on; its reply will be thrown away */
    future_set_cancel_hook(f, NULL);
    future_cancel(f);
    if (queued)
        job_over(job);
    return true;
}

struct future *run_in_process_pool(struct process_pool *pool, process_job *fn, const void *input,
                                   size_t len)
{
    struct loop *loop = loop_get_running();
    if (!loop) {
        errno = ESRCH; /* asyncio: no running event loop */
        return NULL;
    }
    if (pool->loop != loop) {
        if (pool->busy || !list_empty(&pool->queue)) {
            errno = EXDEV;
            return NULL;
        }
        pool->loop = loop; /* nothing in flight: the pool may serve this loop now */
    }
    struct process_job_future *job =
        (struct process_job_future *)future_new_extended(loop, sizeof *job, destroy_job);
    future_set_name(&job->future, "process job");
    future_set_cancel_hook(&job->future, cancel_job);
    job->pool = pool;
    job->fn = fn;
    job->input = xmalloc(len ? len : 1);
    if (len)
        memcpy(job->input, input, len);
    job->len = len;
    job->queued = true;
    future_ref(&job->future); /* the pool's reference, until job_over */
    loop_external_begin(loop);
    list_push_back(&pool->queue, &job->node);
    dispatch(pool);
    fail_queue_if_no_worker(pool);
    return &job->future;
}

/* ---- at shutdown ---- */

/* Wait for the busy workers' replies here, as the loop would, until no job is left. */
void process_pool_finish_jobs(struct process_pool *pool)
{
    struct pollfd *fds = xcalloc((size_t)pool->size, sizeof *fds);
    struct worker **busy = xcalloc((size_t)pool->size, sizeof *busy);
    while (pool->busy > 0) {
        int n = 0;
        for (int i = 0; i < pool->size; i++)
            if (pool->workers[i].job) {
                busy[n] = &pool->workers[i];
                fds[n++] = (struct pollfd){pool->workers[i].fd, POLLIN, 0};
            }
        if (poll(fds, (nfds_t)n, -1) == -1) {
            if (errno == EINTR)
                continue;
            die_errno(errno, "process_pool_shutdown: poll");
        }
        for (int k = 0; k < n; k++)
            if (fds[k].revents)
                on_reply(pool->loop, busy[k]);
    }
    free(busy);
    free(fds);
}
