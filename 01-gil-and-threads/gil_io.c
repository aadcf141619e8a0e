/*
 * gil_io.c — I/O-bound threads under the simulated GIL still overlap: the lock is let go
 * around every blocking call.
 *
 * Mirrors A4 「1.2 并发编程」: "对于 I/O 密集型任务，多线程仍然是有效的". The same threads
 * run twice under the same GIL. In the first run each blocking call releases the GIL, as
 * time.sleep() and socket reads do in CPython, so the threads wait at the same time and
 * the total is about one thread's share. In the second run the call keeps the GIL, as a
 * C extension that forgets Py_BEGIN_ALLOW_THREADS would: the waits queue up one after
 * another. Watch the timestamps of the calls and the "overlap" column.
 */
#include "args.h"
#include "interp.h"
#include "jobs.h"
#include "results.h"
#include "table.h"
#include "workers.h"

#include <stdio.h>

enum { WORK_BYTECODES = 10 }; /* the Python code before each call */
static const double DEFAULT_WAIT = 0.2, QUICK_WAIT = 0.1;
static const long DEFAULT_CALLS = 3, QUICK_CALLS = 2;

int main(int argc, char **argv)
{
    long threads = 4, calls = DEFAULT_CALLS;
    double wait = DEFAULT_WAIT, interval_ms = 5;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("threads", "N", &threads, 1, WORKERS_MAX, "threads to run"),
        OPT_INT("calls", "N", &calls, 1, 1000, "blocking calls each thread makes"),
        OPT_QUICK_INT(&calls, QUICK_CALLS),
        OPT_DOUBLE("seconds", "S", &wait, 0.001, 60, "how long each call blocks"),
        OPT_QUICK_DOUBLE(&wait, QUICK_WAIT),
        OPT_DOUBLE("switch-interval", "MS", &interval_ms, 0.05, 1000,
                   "the GIL's switch interval in milliseconds"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "I/O-bound threads under a simulated GIL: blocking calls that release the GIL\n"
               "overlap; the same calls keeping the GIL wait one after another.",
               opts);

    double sum_of_waits = (double)(threads * calls) * wait;
    printf("%ld threads under one simulated GIL each make %ld blocking calls of %.2f s,\n"
           "with a little Python code (%d bytecodes) before each: %.2f s of waiting in all.\n",
           threads, calls, wait, WORK_BYTECODES, sum_of_waits);
    result_record("gil_io.sum_of_waits", sum_of_waits, "s");

    const struct {
        const char *key, *name, *why;
        bool release;
    } runs[] = {
        {"released", "releases the GIL", "as time.sleep() and socket reads do in CPython", true},
        {"kept", "keeps the GIL", "as a C extension without Py_BEGIN_ALLOW_THREADS", false},
    };
    struct table *t = table_new("blocking call|total|sum of waits|overlap|GIL hand-overs|results");
    bool all_correct = true;
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        printf("\nThe blocking call %s (%s):\n", runs[i].name, runs[i].why);
        struct io_calls io = {(int)calls, wait, WORK_BYTECODES * INTERP_BYTECODE, runs[i].release, true};
        struct job job = {job_io, &io, (uint64_t)calls};
        struct interp *in = interp_new(true, interval_ms / 1e3);
        struct run r = run_workers(WAY_THREADS, in, &job, (int)threads);
        struct interp_stats s = interp_stats(in);
        interp_free(in);

        double overlap = sum_of_waits / r.seconds;
        table_row(t, "%s|%.2f s|%.2f s|%.2fx|%lu|%d/%d correct", runs[i].name, r.seconds,
                  sum_of_waits, overlap, s.gil.handovers, r.correct, r.workers);
        all_correct &= r.correct == r.workers && s.most_running == 1;
        char name[64];
        snprintf(name, sizeof name, "gil_io.total.%s", runs[i].key);
        result_record(name, r.seconds, "s");
        snprintf(name, sizeof name, "gil_io.overlap.%s", runs[i].key);
        result_record(name, overlap, "x");
        snprintf(name, sizeof name, "gil_io.most_running.%s", runs[i].key);
        result_record(name, s.most_running, "threads");
        snprintf(name, sizeof name, "gil_io.correct.%s", runs[i].key);
        result_record(name, r.correct, "workers");
    }
    printf("\n");
    table_print(t);
    table_free(t);
    printf("\nOverlap = sum of waits / total time. Released around the call, the GIL lets\n"
           "every thread wait at once; kept, it makes each wait in turn.\n");
    if (!all_correct) {
        fprintf(stderr, "gil_io: FAILED: a thread did not make all its calls, or two ran at once\n");
        return 1;
    }
    return 0;
}
