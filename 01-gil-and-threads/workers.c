/*
 * workers.c — run one job in N workers: sequentially, in threads, in processes, in tasks
 * on an event loop, or in tasks that offload it to a thread or a process pool. See
 * workers.h.
 */
#include "workers.h"

#include "check.h"
#include "clock.h"
#include "full_io.h"
#include "future.h"
#include "gather.h"
#include "process_pool.h"
#include "say.h"
#include "task.h"
#include "thread_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct worker {
    struct interp *in;
    const struct job *job;
    pthread_barrier_t *start_line; /* threads: wait here until every thread exists */
    int who;
    uint64_t value;   /* what the job returned */
    uint64_t done_ns; /* when it returned */
};

static void work(struct worker *w)
{
    w->value = w->job->fn(w->in, w->who, w->job->arg);
    w->done_ns = now_ns();
}

/* One thread does every job in turn, as the article's "单线程执行" calls the task twice. */
static void run_sequential(struct worker *ws, int n)
{
    interp_enter(ws[0].in, ws[0].who);
    for (int i = 0; i < n; i++) {
        ws[i].who = ws[0].who;
        work(&ws[i]);
    }
    interp_leave(ws[0].in, ws[0].who);
}

static void *thread_main(void *arg)
{
    struct worker *w = arg;
    char name[32];
    snprintf(name, sizeof name, "thread-%d", w->who);
    say_my_name(name);
    int err = pthread_barrier_wait(w->start_line);
    if (err != 0 && err != PTHREAD_BARRIER_SERIAL_THREAD)
        die_errno(err, "pthread_barrier_wait");
    interp_enter(w->in, w->who);
    work(w);
    interp_leave(w->in, w->who);
    return NULL;
}

/* The threads leave a start line together: the first one does not run alone meanwhile. */
static void run_threads(struct worker *ws, int n)
{
    pthread_barrier_t start_line;
    CHECK_PT(pthread_barrier_init(&start_line, NULL, (unsigned)n));
    pthread_t threads[WORKERS_MAX];
    for (int i = 0; i < n; i++) {
        ws[i].start_line = &start_line;
        CHECK_PT(pthread_create(&threads[i], NULL, thread_main, &ws[i]));
    }
    for (int i = 0; i < n; i++)
        CHECK_PT(pthread_join(threads[i], NULL));
    CHECK_PT(pthread_barrier_destroy(&start_line));
}

/* What a child sends back through the pipe: small enough to be written in one piece. */
struct report {
    int index;
    uint64_t value, done_ns;
};

/* Read one report; false at end of file (every child has closed its end). */
static bool read_report(int fd, struct report *r)
{
    ssize_t got = read_all(fd, r, sizeof *r);
    if (got == -1)
        die_errno(errno, "read");
    if (got != 0 && got != (ssize_t)sizeof *r)
        die("a worker process sent half a report");
    return got != 0;
}

/*
 * Each child is a copy of this process: its own interpreter, its own GIL, nobody to
 * share it with. The result comes back through a pipe, as multiprocessing sends it.
 * (The workers live on the stack, not the heap: a child that _exit()s while holding a
 * copy of the parent's heap blocks would leave them for valgrind to call leaks.)
 */
static void run_processes(struct worker *ws, int n)
{
    int fds[2];
    CHECK_SYS(pipe(fds));
    pid_t pids[WORKERS_MAX];
    for (int i = 0; i < n; i++) {
        pids[i] = xfork();
        if (pids[i] == 0) {
            CHECK_SYS(close(fds[0]));
            char name[32];
            snprintf(name, sizeof name, "process-%d", ws[i].who);
            say_my_name(name);
            interp_enter(ws[i].in, ws[i].who);
            work(&ws[i]);
            interp_leave(ws[i].in, ws[i].who);
            struct report r;
            memset(&r, 0, sizeof r); /* the padding too: every byte of r goes down the pipe */
            r.index = i;
            r.value = ws[i].value;
            r.done_ns = ws[i].done_ns;
            if (!write_all(fds[1], &r, sizeof r))
                die_errno(errno, "write");
            CHECK_SYS(close(fds[1]));
            _exit(0); /* not exit(): the parent's stdio buffers and atexit work are not ours */
        }
    }
    CHECK_SYS(close(fds[1]));
    struct report r;
    while (read_report(fds[0], &r)) {
        ws[r.index].value = r.value;
        ws[r.index].done_ns = r.done_ns;
    }
    CHECK_SYS(close(fds[0]));
    for (int i = 0; i < n; i++) {
        int status;
        CHECK_SYS(waitpid(pids[i], &status, 0));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            die("worker process %d (pid %d) failed (wait status %#x)", i + 1, (int)pids[i],
                (unsigned)status);
    }
}

/* ---- tasks on an event loop ---- */

/*
 * The loop's thread is the only thread running Python code, so it holds the GIL the
 * whole time, and the tasks share it as they share the thread: a task lets the others
 * run only where it awaits. Each task counts as the same thread to the interpreter.
 */
static void *task_main(void *arg)
{
    struct worker *w = arg;
    job_fn *fn = w->job->on_loop ? w->job->on_loop : w->job->fn;
    w->value = fn(w->in, w->who, w->job->arg);
    w->done_ns = now_ns();
    return NULL;
}

/* What a pool's worker process finds in its copy of this process's memory, as it was
 * at the fork: the workers' table (with the job and the interpreter it points to). */
static struct worker *forked_workers;
static struct process_pool *pool;

/* In a worker process: run worker `index`'s job, under that process's own GIL. */
static ssize_t job_in_process(const void *in, size_t len, void *out, size_t cap)
{
    (void)len, (void)cap;
    int index;
    memcpy(&index, in, sizeof index);
    struct worker *w = &forked_workers[index];
    interp_enter(w->in, w->who);
    uint64_t value = w->job->fn(w->in, w->who, w->job->arg);
    interp_leave(w->in, w->who);
    memcpy(out, &value, sizeof value);
    return sizeof value;
}

/* A task that awaits its job from the pool: loop.run_in_executor(pool, job). */
static void *pool_task_main(void *arg)
{
    struct worker *w = arg;
    int index = (int)(w - forked_workers);
    struct future *f = run_in_process_pool(pool, job_in_process, &index, sizeof index);
    void *result;
    int err = await_future(f, &result);
    struct process_output *out = result;
    if (err == 0) {
        memcpy(&w->value, out->data, sizeof w->value);
        w->done_ns = out->finished_ns;
    }
    future_unref(f);
    return err ? task_raise(err, "worker %d: %s", w->who, strerror(-err)) : NULL;
}

/* In a thread of the thread pool: a Python thread, so it takes the GIL to run the job. */
static void *job_in_thread(void *arg)
{
    struct worker *w = arg;
    interp_enter(w->in, w->who);
    w->value = w->job->fn(w->in, w->who, w->job->arg);
    interp_leave(w->in, w->who);
    w->done_ns = now_ns();
    return NULL;
}

static struct thread_pool *threads;

/* A task that awaits its job from the thread pool: loop.run_in_executor(None, job). */
static void *thread_task_main(void *arg)
{
    struct worker *w = arg;
    struct future *f = run_in_thread_pool(threads, job_in_thread, w);
    int err = await_future(f, NULL);
    future_unref(f);
    return err ? task_raise(err, "worker %d: %s", w->who, strerror(-err)) : NULL;
}

struct tasks {
    struct worker *ws;
    int n;
    task_fn *body;
};

/* The main task: one task per worker, gathered. */
static void *gather_workers(void *arg)
{
    struct tasks *p = arg;
    struct task *t[WORKERS_MAX];
    struct future *f[WORKERS_MAX];
    for (int i = 0; i < p->n; i++) {
        char name[24];
        snprintf(name, sizeof name, "task-%d", p->ws[i].who);
        t[i] = create_task(name, p->body, &p->ws[i]);
        f[i] = task_future(t[i]);
    }
    struct future *all = gather(f, (size_t)p->n, GATHER_FAIL_FAST);
    int err = await_future(all, NULL);
    if (err)
        die("a task failed: %s", future_error_message(all));
    future_unref(all);
    for (int i = 0; i < p->n; i++)
        task_release(t[i]);
    return NULL;
}

static void run_tasks(struct worker *ws, int n)
{
    for (int i = 0; i < n; i++)
        ws[i].who = ws[0].who;
    interp_enter(ws[0].in, ws[0].who);
    struct tasks p = {ws, n, task_main};
    async_run(gather_workers, &p, NULL);
    interp_leave(ws[0].in, ws[0].who);
}

static void run_tasks_in_threads(struct worker *ws, int n)
{
    threads = thread_pool_new(n);
    struct tasks p = {ws, n, thread_task_main};
    async_run(gather_workers, &p, NULL);
    thread_pool_shutdown(threads);
    threads = NULL;
}

static void run_tasks_in_pool(struct worker *ws, int n)
{
    forked_workers = ws;
    pool = process_pool_new(n);
    struct tasks p = {ws, n, pool_task_main};
    async_run(gather_workers, &p, NULL);
    int unclean = process_pool_shutdown(pool);
    if (unclean)
        die("%d worker process(es) of the pool did not end cleanly", unclean);
    pool = NULL;
    forked_workers = NULL;
}

struct run run_workers(enum way way, struct interp *in, const struct job *job, int workers)
{
    if (workers < 1 || workers > WORKERS_MAX)
        die("run_workers: %d workers, not 1..%d", workers, WORKERS_MAX);
    struct worker ws[WORKERS_MAX];
    for (int i = 0; i < workers; i++)
        ws[i] = (struct worker){.in = in, .job = job, .who = i + 1};

    uint64_t start = now_ns();
    switch (way) {
    case WAY_SEQUENTIAL:
        run_sequential(ws, workers);
        break;
    case WAY_THREADS:
        run_threads(ws, workers);
        break;
    case WAY_PROCESSES:
        run_processes(ws, workers);
        break;
    case WAY_TASKS:
        run_tasks(ws, workers);
        break;
    case WAY_TASKS_THREADS:
        run_tasks_in_threads(ws, workers);
        break;
    case WAY_TASKS_POOL:
        run_tasks_in_pool(ws, workers);
        break;
    }
    uint64_t end = now_ns();

    struct run r = {.workers = workers, .seconds = (double)(end - start) / 1e9};
    uint64_t first = end;
    for (int i = 0; i < workers; i++) {
        r.correct += ws[i].value == job->expected;
        if (ws[i].done_ns < first)
            first = ws[i].done_ns;
    }
    r.first_done = end > start ? (double)(first - start) / (double)(end - start) : 1.0;
    return r;
}
