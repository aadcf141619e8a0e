/*
 * task_memory.c — what a waiting task costs in memory: a stackless state machine, a
 * stackful coroutine, a thread.
 *
 * Mirrors A2 「协程」: "协程（Coroutine）是一种轻量级的线程" (a coroutine is a
 * lightweight thread). How light? Each form here keeps N sleepers waiting at once, and
 * the program measures how much memory the process touched for them: the growth of its
 * resident set (RSS, /proc/self/statm) divided by N, each form in a fresh child process
 * so none inherits another's freed memory. Watch the bytes per task: tens to hundreds
 * for a state machine, about a page for a coroutine (the stack page it touched), more
 * for a thread, plus its kernel stack, which RSS does not show.
 */
#include "args.h"
#include "check.h"
#include "coro.h"
#include "loop.h"
#include "proc.h"
#include "results.h"
#include "table.h"
#include "task.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const double FOREVER = 3600; /* the sleepers' sleep: they are measured, then cancelled */

static long resident_bytes(void)
{
    long rss = proc_self_rss_bytes();
    if (rss < 0)
        die("cannot read /proc/self/statm");
    return rss;
}

/* KernelStack in /proc/meminfo, in bytes: every thread has one, outside any RSS. */
static long kernel_stack_bytes(void)
{
    long kib = proc_meminfo_kib("KernelStack");
    return kib < 0 ? -1 : kib * 1024;
}

/* ---- stackless: a small struct and a timer on the loop ---- */

struct sleeper_gen {
    int resume_at; /* the whole of its state: where to continue when the timer fires */
};

static void sleeper_step(struct loop *loop, void *arg)
{
    (void)loop;
    ((struct sleeper_gen *)arg)->resume_at = 1; /* never reached: measured, then dropped */
}

static long measure_stackless(long n)
{
    struct loop *loop = loop_new();
    struct sleeper_gen **gens = xcalloc((size_t)n, sizeof *gens);
    long before = resident_bytes();
    for (long i = 0; i < n; i++) {
        gens[i] = xmalloc(sizeof *gens[i]);
        gens[i]->resume_at = 0;
        loop_call_later(loop, FOREVER, sleeper_step, gens[i]);
    }
    long grown = resident_bytes() - before;
    loop_close(loop); /* drops the timers */
    for (long i = 0; i < n; i++)
        free(gens[i]);
    free(gens);
    return grown;
}

/* ---- stackful: tasks asleep in async_sleep ---- */

struct stackful_run {
    long n;
    long grown;
};

static void *sleeper_task(void *arg)
{
    (void)arg;
    int err = async_sleep(FOREVER);
    return err ? task_raise(err, NULL) : NULL;
}

static void *stackful_main(void *arg)
{
    struct stackful_run *run = arg;
    struct task **tasks = xcalloc((size_t)run->n, sizeof *tasks);
    long before = resident_bytes();
    for (long i = 0; i < run->n; i++) {
        tasks[i] = create_task("sleeper", sleeper_task, NULL);
        if (!tasks[i])
            die_errno(errno, "create_task number %ld", i + 1);
    }
    async_sleep(0); /* every sleeper has had its first turn, and sleeps now */
    run->grown = resident_bytes() - before;
    for (long i = 0; i < run->n; i++) {
        task_cancel(tasks[i]);
        await_task(tasks[i], NULL);
        task_release(tasks[i]);
    }
    free(tasks);
    return NULL;
}

static long measure_stackful(long n)
{
    struct stackful_run run = {n, 0};
    async_run(stackful_main, &run, NULL);
    return run.grown;
}

/* ---- threads: each blocked on a condition variable ---- */

struct gate {
    pthread_mutex_t lock;
    pthread_cond_t open_cond;
    bool open;
    long waiting;
};

static void *sleeper_thread(void *arg)
{
    struct gate *g = arg;
    CHECK_PT(pthread_mutex_lock(&g->lock));
    g->waiting++;
    CHECK_PT(pthread_cond_broadcast(&g->open_cond));
    while (!g->open)
        CHECK_PT(pthread_cond_wait(&g->open_cond, &g->lock));
    CHECK_PT(pthread_mutex_unlock(&g->lock));
    return NULL;
}

static long kernel_grown; /* the threads' kernel stacks (system-wide figure, so approximate) */

static long measure_threads(long n)
{
    struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};
    pthread_t *threads = xcalloc((size_t)n, sizeof *threads);
    long before = resident_bytes(), kernel_before = kernel_stack_bytes();
    for (long i = 0; i < n; i++)
        CHECK_PT(pthread_create(&threads[i], NULL, sleeper_thread, &g));
    CHECK_PT(pthread_mutex_lock(&g.lock));
    while (g.waiting < n)
        CHECK_PT(pthread_cond_wait(&g.open_cond, &g.lock));
    long grown = resident_bytes() - before;
    kernel_grown = kernel_stack_bytes() - kernel_before;
    g.open = true;
    CHECK_PT(pthread_cond_broadcast(&g.open_cond));
    CHECK_PT(pthread_mutex_unlock(&g.lock));
    for (long i = 0; i < n; i++)
        CHECK_PT(pthread_join(threads[i], NULL));
    free(threads);
    return grown;
}

/* ---- each measurement in a fresh child, reported back through a pipe ---- */

typedef long measurer(long n);

struct measured {
    long grown, kernel;
};

static struct measured in_child(measurer *measure, long n)
{
    int fds[2];
    CHECK_SYS(pipe(fds));
    pid_t pid = xfork();
    if (pid == 0) {
        close(fds[0]);
        struct measured m = {measure(n), kernel_grown};
        ssize_t put = write(fds[1], &m, sizeof m);
        close(fds[1]);
        _exit(put == (ssize_t)sizeof m ? 0 : 1);
    }
    close(fds[1]);
    struct measured m = {-1, -1};
    ssize_t got = read(fds[0], &m, sizeof m);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (got != (ssize_t)sizeof m || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("the measuring child failed");
    return m;
}

int main(int argc, char **argv)
{
    long tasks = 100000, threads = 10000;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("tasks", "N", &tasks, 1, 1000000, "sleepers for the stackless and stackful forms"),
        OPT_QUICK_INT(&tasks, 2000),
        OPT_INT("threads", "N", &threads, 1, 30000, "sleeping threads"),
        OPT_QUICK_INT(&threads, 200),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Bytes of memory per waiting task: a stackless state machine, a stackful "
               "coroutine, a thread (RSS growth divided by their number).",
               opts);
    /* A guard page splits a stack's mapping in two, and Linux caps the maps per process. */
    long max_maps = proc_read_long("/proc/sys/vm/max_map_count", 65530);
    if (2 * tasks + 1000 > max_maps) {
        coro_set_stack(0, false);
        printf("Stacks without guard pages: %ld guarded stacks need %ld memory maps, more than\n"
               "vm.max_map_count (%ld). A guard page costs a map, not memory, so the figures\n"
               "below are the same either way.\n\n",
               tasks, 2 * tasks, max_maps);
    }
    printf("Measuring %ld stackless sleepers, %ld stackful, %ld threads...\n\n", tasks, tasks,
           threads);
    struct measured stackless = in_child(measure_stackless, tasks);
    struct measured stackful = in_child(measure_stackful, tasks);
    struct measured thread = in_child(measure_threads, threads);

    double per_stackless = (double)stackless.grown / (double)tasks;
    double per_stackful = (double)stackful.grown / (double)tasks;
    double per_thread = (double)thread.grown / (double)threads;
    double kernel_per_thread = (double)thread.kernel / (double)threads;

    struct table *t =
        table_new("form|sleepers|bytes per sleeper (RSS)|what it keeps while waiting");
    table_row(t, "stackless state machine|%ld|%.0f|a %zu-byte struct and a timer", tasks,
              per_stackless, sizeof(struct sleeper_gen));
    table_row(t, "stackful coroutine (task)|%ld|%.0f|the task, its sleep future, a stack page",
              tasks, per_stackful);
    table_row(t, "thread|%ld|%.0f|its stack pages and thread block, in user space", threads,
              per_thread);
    table_print(t);
    table_free(t);
    printf("\nEach thread also holds a kernel stack, outside RSS: about %.0f bytes per thread\n"
           "by /proc/meminfo's KernelStack (system-wide, so other programs blur it).\n",
           kernel_per_thread);

    result_record("tasks.bytes_per_task.stackless", per_stackless, "B");
    result_record("tasks.bytes_per_task.stackful", per_stackful, "B");
    result_record("tasks.bytes_per_task.thread", per_thread, "B");
    result_record("tasks.kernel_bytes_per_thread", kernel_per_thread, "B");
    return 0;
}
