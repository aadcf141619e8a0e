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
#include "speedup.h"
#include "table.h"
#include "workers.h"

#include <stdio.h>
#include <unistd.h>

enum { TIMELINE_WIDTH = 80 };
static const double DEFAULT_SECONDS = 0.8, QUICK_SECONDS = 0.1;

/* The four ways to run the workers, in the order of the table. */
enum { SEQUENTIAL, GIL_THREADS, FREE_THREADS, PROCESSES, MODES };
struct mode {
    const char *key; /* the name of its recorded figures: gil.speedup.<key> */
    const char *name;
    enum way way;
    bool gil;
};

static void record(const char *figure, const char *key, double value, const char *unit)
{
    char name[64];
    snprintf(name, sizeof name, "gil.%s.%s", figure, key);
    result_record(name, value, unit);
}

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
    long threads = 2, iterations = 0, repeat = 1;
    double seconds = DEFAULT_SECONDS, interval_ms = 5, wakeup_delay_ms = 0;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("threads", "N", &threads, 1, WORKERS_MAX, "threads (and processes) to run"),
        OPT_INT("iterations", "N", &iterations, 0, 1e12,
                "each worker counts to N (0: as far as --seconds takes one thread)"),
        OPT_DOUBLE("seconds", "S", &seconds, 0.001, 600, "CPU seconds of one worker's count"),
        OPT_QUICK_DOUBLE(&seconds, QUICK_SECONDS),
        OPT_DOUBLE("switch-interval", "MS", &interval_ms, 0.05, 1000,
                   "the GIL's switch interval in milliseconds (sys.setswitchinterval)"),
        OPT_INT("repeat", "N", &repeat, 1, 100, "run every mode N times, keep each one's fastest"),
        OPT_DOUBLE("wakeup-delay", "MS", &wakeup_delay_ms, 0, 100,
                   "a thread woken by a GIL drop waits this long before it runs, as on a busy "
                   "machine: forced switching still hands the GIL over"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "The article's CPU loop run sequentially, in threads under a simulated GIL, in\n"
               "threads without it and in fork()ed processes: times, speedups, GIL hand-overs.",
               opts);
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
    const struct mode modes[MODES] = {
        [SEQUENTIAL] = {"sequential", "1 thread, one job after another", WAY_SEQUENTIAL, true},
        [GIL_THREADS] = {"sim_gil_threads", threads_gil, WAY_THREADS, true},
        [FREE_THREADS] = {"free_threads", threads_free, WAY_THREADS, false},
        [PROCESSES] = {"processes", procs, WAY_PROCESSES, true},
    };
    struct run runs[MODES];
    struct interp_stats stats[MODES];
    struct gil_holder_change history[GIL_HISTORY];
    size_t history_len = 0;
    /* On a busy machine one run can be slowed in one mode and not in the next: with
     * --repeat, the modes take turns and each keeps its fastest run. */
    bool all_correct = true; /* in every run, not only the fastest */
    int most_under_gil = 0;
    for (long r = 0; r < repeat; r++) {
        for (int m = 0; m < MODES; m++) {
            struct interp *in = interp_new(modes[m].gil, interval);
            if (modes[m].gil)
                gil_set_wakeup_delay(interp_gil(in), wakeup_delay_ms / 1e3);
            struct run run = run_workers(modes[m].way, in, &job, (int)threads);
            all_correct &= run.correct == run.workers;
            if (m == GIL_THREADS && interp_stats(in).most_running > most_under_gil)
                most_under_gil = interp_stats(in).most_running;
            if (r == 0 || run.seconds < runs[m].seconds) {
                runs[m] = run;
                stats[m] = interp_stats(in);
                if (m == GIL_THREADS)
                    history_len = gil_history(interp_gil(in), history, GIL_HISTORY);
            }
            interp_free(in);
        }
    }

    stats[GIL_THREADS].most_running = most_under_gil; /* the most in any run */

    struct table *t =
        table_new("mode|seconds|speedup|first done|GIL hand-overs|most at once|results");
    double speedup[MODES];
    int noisy = 0;
    for (int m = 0; m < MODES; m++) {
        speedup[m] = runs[SEQUENTIAL].seconds / runs[m].seconds;
        /* One after another, or under the GIL: turns; threads and processes: the cores. */
        int limit = speedup_limit((int)threads, m == SEQUENTIAL || m == GIL_THREADS, true);
        noisy += speedup_is_noise(speedup[m], limit);
        char handovers[24] = "-", cell[32];
        if (m == GIL_THREADS)
            snprintf(handovers, sizeof handovers, "%lu", stats[m].gil.handovers);
        speedup_format(cell, sizeof cell, speedup[m], limit);
        table_row(t, "%s|%.2f|%s|%.0f%%|%s|%d|%d/%d correct", modes[m].name, runs[m].seconds,
                  cell, 100 * runs[m].first_done, handovers, stats[m].most_running,
                  runs[m].correct, runs[m].workers);
        record("noise", modes[m].key, speedup_is_noise(speedup[m], limit), "bool");
        record("seconds", modes[m].key, runs[m].seconds, "s");
        record("speedup", modes[m].key, speedup[m], "x");
        record("first_done", modes[m].key, runs[m].first_done, "fraction");
        record("most_running", modes[m].key, stats[m].most_running, "threads");
        record("correct", modes[m].key, runs[m].correct, "workers");
    }
    table_print(t);
    table_free(t);
    if (noisy)
        printf("noise: a speedup above what %ld workers on %ld cores can give (or above 1x for "
               "workers that take turns) came from a run slowed by a busy machine; --repeat 3 "
               "keeps each mode's fastest run.\n",
               threads, sysconf(_SC_NPROCESSORS_ONLN));
    print_timeline(history, history_len, runs[GIL_THREADS].seconds, interval);

    const struct interp_stats *gil = &stats[GIL_THREADS];
    result_record("gil.handovers", (double)gil->gil.handovers, "count");
    result_record("gil.drop_requests", (double)gil->gil.drop_requests, "count");
    result_record("gil.forced_drops", (double)gil->gil.forced_drops, "count");
    result_record("gil.shortest_turn_ms", (double)gil->gil.shortest_turn_ns / 1e6, "ms");
    result_record("gil.retaken", (double)gil->gil.retaken, "count");
    if (most_under_gil == 1)
        printf("\nThe GIL was held by one thread at a time: never two threads in a bytecode "
               "(%lu bytecodes checked).\n",
               gil->bytecodes);
    else
        printf("\nTHE GIL FAILED: %d threads ran a bytecode at the same time.\n", most_under_gil);
    printf("Every worker counted to %llu: %s.\n", (unsigned long long)n,
           all_correct ? "all results correct" : "SOME RESULTS ARE WRONG");
    printf("Under the GIL %ld threads ran at %.2fx the speed of one, taking %lu turns; without "
           "it %.2fx; as processes %.2fx.\n",
           threads, speedup[GIL_THREADS], gil->gil.handovers, speedup[FREE_THREADS],
           speedup[PROCESSES]);
    if (gil->gil.drop_requests) /* rule 1: a whole interval with no change of hands first */
        printf("A waiter asked for the GIL when its holder had had it %.2f ms at the least "
               "(the switch interval: %.2f ms).\n",
               (double)gil->gil.shortest_turn_ns / 1e6, interval_ms);
    if (most_under_gil != 1 || !all_correct) {
        fprintf(stderr, "gil_sim: FAILED: %s\n",
                most_under_gil != 1 ? "two threads ran under the GIL at once"
                                    : "a result is wrong");
        return 1;
    }
    return 0;
}
