/*
 * async_pool.c — the event loop hands two CPU jobs to worker processes and awaits both
 * with gather: about half the time of running them one after the other.
 *
 * Mirrors A0 §1.2 「异步编程如何规避 GIL 限制」: cpu_task() awaits
 * loop.run_in_executor(ProcessPoolExecutor(), cpu_intensive_task), and main awaits
 * asyncio.gather(task1, task2). The loop is one thread, so CPU work must leave it: each
 * job goes to a worker process with a core (in Python, an interpreter and a GIL) of its
 * own. Watch the speedup column, the two jobs' spans in their workers (at the same time,
 * in two pids), and the price of the article's new pool per call: a fork of every worker,
 * every time.
 */
#include "args.h"
#include "burn.h"
#include "clock.h"
#include "future.h"
#include "gather.h"
#include "process_pool.h"
#include "results.h"
#include "say.h"
#include "table.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { JOBS = 2 };
static const double DEFAULT_SECONDS = 1.0, QUICK_SECONDS = 0.15;

/* The three ways of the table: the job on the loop, and in a pool made once or per call. */
enum way { ON_THE_LOOP, SHARED_POOL, POOL_PER_CALL, WAYS };
static const char *const way_key[WAYS] = {"sequential", "shared_pool", "pool_per_call"};
static const char *const way_name[WAYS] = {
    "one after another, on the loop",
    "gather, one pool made at start",
    "gather, a new pool per call (as written)",
};

/* The article's cpu_intensive_task: count to n. Bytes in (n), bytes out (the count). */
static ssize_t cpu_intensive_task(const void *in, size_t len, void *out, size_t cap)
{
    (void)len, (void)cap;
    uint64_t n, count;
    memcpy(&n, in, sizeof n);
    count = burn(n);
    memcpy(out, &count, sizeof count);
    return sizeof count;
}

/* One call of cpu_task(): what it was given, and what came back. */
struct cpu_call {
    uint64_t n;
    struct process_pool *shared; /* NULL: make a pool for this call, as the article does */
    int workers;                 /* the size of that pool */
    uint64_t count;
    pid_t worker;
    double started, finished; /* in the worker, seconds since the program started */
    double pool_start;        /* seconds spent making this call's pool */
    int unclean;              /* workers of this call's pool that did not end cleanly */
};

static double since_start_of(uint64_t ns)
{
    return since_start() - (double)(now_ns() - ns) / 1e9;
}

/* async def cpu_task(): result = await loop.run_in_executor(pool, cpu_intensive_task) */
static void *cpu_task(void *arg)
{
    struct cpu_call *call = arg;
    struct process_pool *pool = call->shared;
    if (!pool) {
        double t0 = now_sec();
        pool = process_pool_new(call->workers); /* ProcessPoolExecutor() */
        call->pool_start = now_sec() - t0;
    }
    struct future *f = run_in_process_pool(pool, cpu_intensive_task, &call->n, sizeof call->n);
    void *result;
    int err = await_future(f, &result);
    struct process_output *out = result;
    if (err == 0) {
        memcpy(&call->count, out->data, sizeof call->count);
        call->worker = out->worker;
        call->started = since_start_of(out->started_ns);
        call->finished = since_start_of(out->finished_ns);
    }
    future_unref(f);
    if (!call->shared) /* the article never shuts its pools down: we do (see the errata) */
        call->unclean = process_pool_shutdown(pool);
    return err ? task_raise(err, "cpu_task: %s", strerror(-err)) : call;
}

struct plan {
    uint64_t n;
    struct process_pool *shared;
    int workers;
    enum way way;
    struct cpu_call calls[JOBS];
    int failed;
};

/* async def main(): await asyncio.gather(cpu_task(), cpu_task()) — or, ON_THE_LOOP, the
 * job called twice right here, with nothing to await: the loop can run nothing else. */
static void *main_task(void *arg)
{
    struct plan *p = arg;
    for (int i = 0; i < JOBS; i++)
        p->calls[i] = (struct cpu_call){.n = p->n,
                                        .shared = p->way == SHARED_POOL ? p->shared : NULL,
                                        .workers = p->workers,
                                        .worker = getpid()};
    if (p->way == ON_THE_LOOP) {
        for (int i = 0; i < JOBS; i++) {
            p->calls[i].started = since_start();
            p->calls[i].count = burn(p->n);
            p->calls[i].finished = since_start();
        }
        return NULL;
    }
    struct task *tasks[JOBS];
    struct future *futures[JOBS];
    for (int i = 0; i < JOBS; i++) {
        char name[24];
        snprintf(name, sizeof name, "cpu_task-%d", i + 1);
        tasks[i] = create_task(name, cpu_task, &p->calls[i]);
        futures[i] = task_future(tasks[i]);
    }
    struct future *both = gather(futures, JOBS, GATHER_FAIL_FAST);
    int err = await_future(both, NULL);
    if (err)
        say("gather failed: %s", future_error_message(both));
    p->failed += err != 0;
    future_unref(both);
    for (int i = 0; i < JOBS; i++)
        task_release(tasks[i]);
    return NULL;
}

static double run_way(struct plan *p, enum way way)
{
    p->way = way;
    double t0 = now_sec();
    if (async_run(main_task, p, NULL) != 0)
        p->failed++;
    return now_sec() - t0;
}

int main(int argc, char **argv)
{
    long workers = sysconf(_SC_NPROCESSORS_ONLN), repeat = 1;
    double seconds = DEFAULT_SECONDS;
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &seconds, 0.001, 600, "CPU seconds of one job"),
        OPT_INT("workers", "N", &workers, 1, 64, "processes in each pool (default: the cores)"),
        OPT_INT("repeat", "N", &repeat, 1, 100, "run every way N times, keep each one's fastest"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "The event loop hands two CPU jobs to a process pool and awaits both with gather\n"
               "(run_in_executor + asyncio.gather): compared with the two jobs run on the loop.",
               opts);
    if (quick && !args_given(&seconds))
        seconds = QUICK_SECONDS;

    /* The shared pool first: its workers are forked before anything else runs. */
    struct plan p = {.n = burn_calibrate(seconds), .workers = (int)workers};
    p.shared = process_pool_new((int)workers);
    printf("Two CPU jobs, each counting to %llu (about %.2f s here); pools of %ld workers; "
           "%ld cores online.\n\n",
           (unsigned long long)p.n, seconds, workers, sysconf(_SC_NPROCESSORS_ONLN));

    double best[WAYS], pool_start = 0;
    struct cpu_call spans[WAYS][JOBS];
    int right = 0, unclean = 0;
    for (long r = 0; r < repeat; r++)
        for (int w = 0; w < WAYS; w++) {
            double took = run_way(&p, (enum way)w);
            if (r == 0 || took < best[w]) {
                best[w] = took;
                memcpy(spans[w], p.calls, sizeof p.calls);
            }
            for (int i = 0; i < JOBS; i++) {
                right += p.calls[i].count == p.n;
                unclean += p.calls[i].unclean;
                if (w == POOL_PER_CALL && r == 0)
                    pool_start += p.calls[i].pool_start;
            }
        }
    unclean += process_pool_shutdown(p.shared);

    struct table *t = table_new("way|seconds|speedup|processes forked for it");
    for (int w = 0; w < WAYS; w++) {
        char forked[48] = "none";
        if (w == SHARED_POOL)
            snprintf(forked, sizeof forked, "none (%ld at start)", workers);
        else if (w == POOL_PER_CALL)
            snprintf(forked, sizeof forked, "%d x %ld: a pool per call", JOBS, workers);
        table_row(t, "%s|%.2f|%.2fx|%s", way_name[w], best[w], best[ON_THE_LOOP] / best[w], forked);
    }
    table_print(t);
    table_free(t);

    printf("\nWhere and when each job ran (seconds since the program started):\n");
    bool overlap[WAYS];
    for (int w = 0; w < WAYS; w++) {
        const struct cpu_call *c = spans[w];
        overlap[w] = c[0].started < c[1].finished && c[1].started < c[0].finished;
        printf("  %-42s job 1: pid %d, %.2f-%.2f   job 2: pid %d, %.2f-%.2f   %s\n", way_name[w],
               (int)c[0].worker, c[0].started, c[0].finished, (int)c[1].worker, c[1].started,
               c[1].finished, overlap[w] ? "at the same time" : "one after the other");
        char name[64];
        snprintf(name, sizeof name, "executor.overlap.%s", way_key[w]);
        result_record(name, overlap[w], "bool");
        snprintf(name, sizeof name, "executor.seconds.%s", way_key[w]);
        result_record(name, best[w], "s");
    }
    printf(
        "\nMaking the two pools of the last row took %.1f ms: fork() is cheap; CPython's workers\n"
        "each start an interpreter. Every job's count is checked: %d of %ld right.\n",
        pool_start * 1e3, right, repeat * WAYS * JOBS);

    result_record("gil.speedup.executor_processes", best[ON_THE_LOOP] / best[SHARED_POOL], "x");
    result_record("gil.speedup.executor_pool_per_call", best[ON_THE_LOOP] / best[POOL_PER_CALL],
                  "x");
    result_record("executor.pool_start_ms", pool_start * 1e3, "ms");
    result_record("executor.correct", right, "jobs");
    result_record("executor.unclean_workers", unclean, "workers");
    if (right != repeat * WAYS * JOBS || unclean || p.failed) {
        fprintf(stderr, "async_pool: FAILED: a wrong count, a failed job or a worker that did not "
                        "end cleanly\n");
        return 1;
    }
    return 0;
}
