/*
 * model_table.c — the article's comparison of concurrency models, as one measured table.
 *
 * Mirrors A0 §3 「编程模型对比分析」 (3.1 回调、协程、绿程、线程对比 and 3.2 多进程、多线程、
 * 协程适用场景). The article describes each model in adjectives; here the same CPU-bound
 * job and the same I/O-bound job run in each model, and the table gives the times and
 * the speedups over running the workers one after another. Watch the two columns
 * disagree: for the CPU job only models that run on several cores at once win (not
 * threads under the GIL, not the event loop's one thread); for the I/O job every
 * concurrent model wins, GIL or not, and the event loop without a thread per worker.
 *
 * Each model is one entry of `models` below (a name and a function that runs a job),
 * each job one entry of `jobs` in main(): a new model or job is one more entry.
 */
#include "args.h"
#include "burn.h"
#include "interp.h"
#include "jobs.h"
#include "results.h"
#include "speedup.h"
#include "table.h"
#include "workers.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { IO_CALLS = 5 };
static const double DEFAULT_SECONDS = 0.15, QUICK_SECONDS = 0.1;
static const double CLEARLY_FASTER = 1.3; /* a speedup beyond a busy machine's noise */

/* A job of the table, and what kind it is, so a model can run it its own way. */
enum job_kind { JOB_CPU, JOB_IO };
struct row {
    const char *key, *name;
    enum job_kind kind;
    struct job job; /* what one worker runs, in a thread or a process */
};

/* What A0 3.2 (多进程、多线程、协程适用场景) recommends for a kind of job. */
static const char *article_says(enum job_kind kind)
{
    return kind == JOB_CPU ? "多进程 for CPU 密集型" : "多线程 and 协程 for I/O 密集型";
}

/* A model: a way to run `workers` copies of a job. */
struct model {
    const char *key;    /* recorded as model.speedup.<job>.<key> */
    const char *name;   /* the row's name */
    bool one_at_a_time; /* at most one worker runs Python code at once: checked */
    struct run (*run)(const struct row *row, int workers, double switch_interval,
                      struct interp_stats *stats);
};

/* Run in a fresh interpreter, with or without its GIL, the given way. */
static struct run in_interp(enum way way, bool gil, const struct row *row, int workers,
                            double switch_interval, struct interp_stats *stats)
{
    struct interp *in = interp_new(gil, switch_interval);
    struct run r = run_workers(way, in, &row->job, workers);
    *stats = interp_stats(in);
    interp_free(in);
    return r;
}

static struct run sequential(const struct row *row, int workers, double interval,
                             struct interp_stats *stats)
{
    return in_interp(WAY_SEQUENTIAL, true, row, workers, interval, stats);
}

static struct run threads_gil(const struct row *row, int workers, double interval,
                              struct interp_stats *stats)
{
    return in_interp(WAY_THREADS, true, row, workers, interval, stats);
}

static struct run threads_free(const struct row *row, int workers, double interval,
                               struct interp_stats *stats)
{
    return in_interp(WAY_THREADS, false, row, workers, interval, stats);
}

static struct run processes(const struct row *row, int workers, double interval,
                            struct interp_stats *stats)
{
    return in_interp(WAY_PROCESSES, true, row, workers, interval, stats);
}

/* Tasks on one loop: A0 3.1's 协程 (and its 回调: the same one thread underneath). */
static struct run event_loop(const struct row *row, int workers, double interval,
                             struct interp_stats *stats)
{
    return in_interp(WAY_TASKS, true, row, workers, interval, stats);
}

/* Tasks that hand the job to a thread pool: run_in_executor(None, ...), A0 1.2's 线程池. */
static struct run loop_and_threads(const struct row *row, int workers, double interval,
                                   struct interp_stats *stats)
{
    return in_interp(WAY_TASKS_THREADS, true, row, workers, interval, stats);
}

/* Tasks that hand the job to a process pool: run_in_executor, A0 1.2 and A1 §6. */
static struct run loop_and_pool(const struct row *row, int workers, double interval,
                                struct interp_stats *stats)
{
    return in_interp(WAY_TASKS_POOL, true, row, workers, interval, stats);
}

/* The models, top to bottom. The first is the baseline of every speedup. */
static const struct model models[] = {
    {"sequential", "one after another", true, sequential},
    {"threads_gil", "threads + GIL", true, threads_gil},
    {"threads_free", "threads, no GIL", false, threads_free},
    {"processes", "processes", false, processes},
    {"loop", "event loop (tasks)", true, event_loop},
    {"loop_threads", "event loop + thread pool", true, loop_and_threads},
    {"loop_pool", "event loop + process pool", false, loop_and_pool},
};
enum { MODELS = sizeof models / sizeof models[0] };

int main(int argc, char **argv)
{
    long workers = 4, repeat = 3;
    double seconds = DEFAULT_SECONDS, interval_ms = 5;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("workers", "N", &workers, 1, WORKERS_MAX, "threads or processes in each model"),
        OPT_INT("repeat", "N", &repeat, 1, 20, "runs of each cell; the fastest is kept"),
        OPT_QUICK_INT(&repeat, 1),
        OPT_DOUBLE("seconds", "S", &seconds, 0.001, 60,
                   "each worker's share: S s of counting, or S s of blocking calls"),
        OPT_QUICK_DOUBLE(&seconds, QUICK_SECONDS),
        OPT_DOUBLE("switch-interval", "MS", &interval_ms, 0.05, 1000,
                   "the GIL's switch interval in milliseconds"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "The same CPU-bound and I/O-bound jobs run one after another, in threads with\n"
               "and without the GIL, and in processes: one table of measured times.",
               opts);

    uint64_t count = burn_calibrate(seconds);
    struct io_calls io = {IO_CALLS, seconds / IO_CALLS, INTERP_BYTECODE, true, false};
    const struct row jobs[] = {
        {"cpu", "CPU-bound (count)", JOB_CPU, {job_count, &count, count, NULL}},
        {"io", "I/O-bound (block)", JOB_IO, {job_io, &io, IO_CALLS, job_io_async}},
    };
    enum { JOBS = sizeof jobs / sizeof jobs[0] };
    printf("%ld workers per model. CPU-bound: each counts to %llu (%.2f s here).\n"
           "I/O-bound: each makes %d blocking calls of %.3f s that release the GIL (on the event\n"
           "loop: awaits of %.3f s).\n\n",
           workers, (unsigned long long)count, seconds, IO_CALLS, io.wait, io.wait);

    /* Measure job by job (each speedup is over its job's first model), print model by model. */
    char cells[MODELS][JOBS][32];
    int waiting[MODELS][JOBS]; /* the most workers waiting at once */
    char verdicts[JOBS][512];
    bool all_right = true;
    for (int j = 0; j < JOBS; j++) {
        int said = snprintf(verdicts[j], sizeof verdicts[j],
                            "%s: faster than one after another:", jobs[j].name);
        double base = 0;
        bool any = false;
        for (int m = 0; m < MODELS; m++) {
            /* The best of --repeat runs: a verdict one slowed run can flip is not a verdict. */
            struct interp_stats s, s_try;
            struct run r = models[m].run(&jobs[j], (int)workers, interval_ms / 1e3, &s);
            for (long again = 1; again < repeat; again++) {
                struct run r_try = models[m].run(&jobs[j], (int)workers, interval_ms / 1e3, &s_try);
                all_right &= r_try.correct == r_try.workers;
                if (r_try.seconds < r.seconds)
                    r = r_try, s = s_try;
            }
            if (m == 0)
                base = r.seconds;
            double speedup = base / r.seconds;
            int limit = speedup_limit((int)workers, m == 0 || (models[m].one_at_a_time &&
                                                               jobs[j].kind == JOB_CPU),
                                      jobs[j].kind == JOB_CPU);
            bool noise = speedup_is_noise(speedup, limit);
            snprintf(cells[m][j], sizeof cells[m][j], "%.2f s %5.2fx%s", r.seconds, speedup,
                     noise ? " noise" : "");
            if (speedup >= CLEARLY_FASTER && !noise) {
                said += snprintf(verdicts[j] + said, sizeof verdicts[j] - (size_t)said, "%s %s",
                                 any ? "," : "", models[m].name);
                any = true;
            }
            all_right &= r.correct == r.workers;
            all_right &= !(models[m].one_at_a_time && s.most_running > 1);
            waiting[m][j] = s.most_waiting;

            const char *figure[] = {"seconds",    "speedup", "correct",     "most_running",
                                    "first_done", "noise",   "most_waiting"};
            double value[] = {r.seconds,    speedup, r.correct,     s.most_running,
                              r.first_done, noise,   s.most_waiting};
            const char *unit[] = {"s", "x", "workers", "threads", "fraction", "bool", "workers"};
            for (int f = 0; f < 7; f++) {
                char name[96];
                snprintf(name, sizeof name, "model.%s.%s.%s", figure[f], jobs[j].key,
                         models[m].key);
                result_record(name, value[f], unit[f]);
            }
        }
        snprintf(verdicts[j] + said, sizeof verdicts[j] - (size_t)said, "%s (A0 3.2: %s)",
                 any ? "" : " none", article_says(jobs[j].kind));
    }

    char header[256] = "model";
    for (int j = 0; j < JOBS; j++)
        snprintf(header + strlen(header), sizeof header - strlen(header), "|%s", jobs[j].name);
    struct table *t = table_new(header);
    for (int m = 0; m < MODELS; m++) {
        char line[256];
        int len = snprintf(line, sizeof line, "%s", models[m].name);
        for (int j = 0; j < JOBS; j++)
            len += snprintf(line + len, sizeof line - (size_t)len, "|%s", cells[m][j]);
        table_row(t, "%s", line);
    }
    table_print(t);
    table_free(t);
    printf("\n");
    for (int j = 0; j < JOBS; j++)
        printf("%s\n", verdicts[j]);
    /* The overlap itself, counted rather than timed: a slow start cannot hide it. */
    for (int j = 0; j < JOBS; j++) {
        if (jobs[j].kind != JOB_IO)
            continue;
        printf("%s, the most workers waiting at once:", jobs[j].name);
        for (int m = 0; m < MODELS; m++)
            printf("%s %s %d", m ? ";" : "", models[m].name, waiting[m][j]);
        printf("\n");
    }
    printf("\nEach cell: wall time, and the speedup over one after another (\"faster\": %.1fx or\n"
           "more). Cores online here: %ld; on one core nothing is faster for the CPU-bound job.\n"
           "\"noise\": more than the workers can give (the cores for CPU work, 1x for workers\n"
           "that take turns): a run slowed by a busy machine, never counted as faster.\n",
           CLEARLY_FASTER, sysconf(_SC_NPROCESSORS_ONLN));
    if (!all_right) {
        fprintf(stderr,
                "model_table: FAILED: a wrong result, or two workers at once under one GIL\n");
        return 1;
    }
    return 0;
}
