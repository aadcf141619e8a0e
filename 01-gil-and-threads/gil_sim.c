/*
 * gil_sim.c — CPU-bound threads under a simulated GIL take turns: two are no faster than one.
 *
 * Mirrors A0 §1.1 「GIL 是什么」 (and the point of A0 §1.2 「异步编程如何规避 GIL 限制」:
 * processes do run in parallel). The article counts to 10**8 twice in one thread, then
 * once in each of two threads, and gets about 10 seconds both times. Here the same job
 * runs four ways: one thread, N threads under the GIL, N threads without it, N fork()ed
 * processes. Watch the speedup column (≈1x under the GIL, ≈ the number of cores without
 * it), the hand-over count, and the timeline of who held the GIL, turn by turn.
 */
#include "args.h"
#include "burn.h"
#include "interp.h"
#include "jobs.h"
#include "results.h"
#include "table.h"
#include "workers.h"

#include <stdio.h>
#include <unistd.h>

enum { TIMELINE_WIDTH = 80 };
static const double DEFAULT_SECONDS = 0.8, QUICK_SECONDS = 0.1;

struct mode {
    const char *key; /* the name of its recorded figures: gil.speedup.<key> */
    const char *name;
    enum way way;
    bool gil;
};

/* One character per quarter of a switch interval: which thread held the GIL then. */
static void print_timeline(const struct gil_holder_change *h, size_t n, double seconds,
                           double interval)
{
    if (n == 0)
        return;
    double step = interval / 4;
    printf("\nWho held the GIL in \"threads, GIL\", from its first take (one character = %.2f ms):\n  |",
           step * 1e3);
    size_t next = 0;
    for (int c = 0; c < TIMELINE_WIDTH && c * step < seconds; c++) {
        uint64_t at = h[0].at_ns + (uint64_t)(c * step * 1e9);
        while (next + 1 < n && h[next + 1].at_ns <= at)
            next++;
        int who = h[next].who;
        putchar(who < 10 ? '0' + who : who < 36 ? 'a' + who - 10 : '*');
    }
    printf("|\n");
}

int main(int argc, char **argv)
{
    long threads = 2, iterations = 0;
    double seconds = DEFAULT_SECONDS, interval_ms = 5;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("threads", "N", &threads, 1, 64, "threads (and processes) to run"),
        OPT_INT("iterations", "N", &iterations, 0, 1e12,
                "each worker counts to N (0: as far as --seconds takes one thread)"),
        OPT_DOUBLE("seconds", "S", &seconds, 0.001, 600, "CPU seconds of one worker's count"),
        OPT_DOUBLE("switch-interval", "MS", &interval_ms, 0.05, 1000,
                   "the GIL's switch interval in milliseconds (sys.setswitchinterval)"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "The article's CPU loop run sequentially, in threads under a simulated GIL, in\n"
               "threads without it and in fork()ed processes: times, speedups, GIL hand-overs.",
               opts);
    if (quick && seconds == DEFAULT_SECONDS)
        seconds = QUICK_SECONDS;
    double interval = interval_ms / 1e3;
    uint64_t n = iterations ? (uint64_t)iterations : burn_calibrate(seconds);
    struct job job = {job_count, &n, n};

    printf("Each of %ld workers counts to %llu, one bytecode (%d turns) at a time.\n"
           "GIL switch interval: %.2f ms. Cores online: %ld.\n\n",
           threads, (unsigned long long)n, INTERP_BYTECODE, interval_ms,
           sysconf(_SC_NPROCESSORS_ONLN));
    result_record("gil.iterations", (double)n, "count");

    char threads_gil[32], threads_free[32], procs[32];
    snprintf(threads_gil, sizeof threads_gil, "%ld threads, GIL", threads);
    snprintf(threads_free, sizeof threads_free, "%ld threads, no GIL", threads);
    snprintf(procs, sizeof procs, "%ld processes", threads);
    const struct mode modes[] = {
        {"sequential", "1 thread, one job after another", WAY_SEQUENTIAL, true},
        {"sim_gil_threads", threads_gil, WAY_THREADS, true},
        {"free_threads", threads_free, WAY_THREADS, false},
        {"processes", procs, WAY_PROCESSES, true},
    };

    struct table *t =
        table_new("mode|seconds|speedup|first done|GIL hand-overs|most at once|results");
    double base = 0, gil_speedup = 0, free_speedup = 0, proc_speedup = 0;
    int gil_most = 0;
    unsigned long gil_handovers = 0, bytecodes = 0;
    struct gil_holder_change history[GIL_HISTORY];
    size_t history_len = 0;
    double gil_seconds = 0;
    bool all_correct = true;
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        struct interp *in = interp_new(modes[m].gil, interval);
        struct run r = run_workers(modes[m].way, in, &job, (int)threads);
        struct interp_stats s = interp_stats(in);
        if (m == 0)
            base = r.seconds;
        double speedup = base / r.seconds;
        bool threaded_gil = modes[m].way == WAY_THREADS && modes[m].gil;
        char handovers[24] = "-";
        if (threaded_gil) {
            snprintf(handovers, sizeof handovers, "%lu", s.gil.handovers);
            gil_speedup = speedup;
            gil_most = s.most_running;
            gil_handovers = s.gil.handovers;
            bytecodes = s.bytecodes;
            result_record("gil.handovers", (double)s.gil.handovers, "count");
            result_record("gil.drop_requests", (double)s.gil.drop_requests, "count");
        } else if (modes[m].way == WAY_THREADS) {
            free_speedup = speedup;
        } else if (modes[m].way == WAY_PROCESSES) {
            proc_speedup = speedup;
        }
        table_row(t, "%s|%.2f|%.2fx|%.0f%%|%s|%d|%d/%d correct", modes[m].name, r.seconds, speedup,
                  100 * r.first_done, handovers, s.most_running, r.correct, r.workers);
        all_correct &= r.correct == r.workers;

        char name[64];
        snprintf(name, sizeof name, "gil.seconds.%s", modes[m].key);
        result_record(name, r.seconds, "s");
        snprintf(name, sizeof name, "gil.speedup.%s", modes[m].key);
        result_record(name, speedup, "x");
        snprintf(name, sizeof name, "gil.first_done.%s", modes[m].key);
        result_record(name, r.first_done, "fraction");
        snprintf(name, sizeof name, "gil.most_running.%s", modes[m].key);
        result_record(name, s.most_running, "threads");
        snprintf(name, sizeof name, "gil.correct.%s", modes[m].key);
        result_record(name, r.correct, "workers");
        if (threaded_gil) {
            history_len = gil_history(interp_gil(in), history, GIL_HISTORY);
            gil_seconds = r.seconds;
        }
        interp_free(in);
    }
    table_print(t);
    table_free(t);
    print_timeline(history, history_len, gil_seconds, interval);

    printf("\nThe GIL was held by one thread at a time: at most %d thread%s ran a bytecode at "
           "once (%lu bytecodes checked).\n",
           gil_most, gil_most == 1 ? "" : "s", bytecodes);
    printf("Every worker counted to %llu: %s.\n", (unsigned long long)n,
           all_correct ? "all results correct" : "SOME RESULTS ARE WRONG");
    printf("Under the GIL %ld threads ran at %.2fx the speed of one, taking %lu turns; without "
           "it %.2fx; as processes %.2fx.\n",
           threads, gil_speedup, gil_handovers, free_speedup, proc_speedup);
    if (gil_most != 1 || !all_correct) {
        fprintf(stderr, "gil_sim: FAILED: %s\n",
                gil_most != 1 ? "two threads ran under the GIL at once" : "a result is wrong");
        return 1;
    }
    return 0;
}
