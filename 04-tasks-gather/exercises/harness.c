/*
 * harness.c — the program around chapter 04's exercise: a demo of bounded_gather() and,
 * with --check, the checks `make exercise-4` runs (through check.sh).
 *
 * Every job is a probe: it sleeps for its duration on the loop's virtual clock and notes
 * when it started and ended, and how many probes were running at once. Because the clock
 * is virtual, every time is exact, so the checks can say which job started late, and why.
 */
#include "harness.h"

#include "args.h"
#include "loop.h"
#include "say.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { MAX_JOBS = 8 };

struct probe {
    int index;
    double duration;
    bool fails;
    int runs;              /* how many times it was started */
    double started, ended; /* on the loop's clock; -1 while not */
};

static int running, peak;
static double origin;

static double now(void)
{
    return loop_time(loop_get_running()) - origin;
}

static void *probe_body(void *arg)
{
    struct probe *p = arg;
    p->runs++;
    p->started = now();
    if (++running > peak)
        peak = running;
    int err = async_sleep(p->duration);
    running--;
    p->ended = now();
    if (err)
        return task_raise(err, "job %d", p->index);
    if (p->fails)
        return task_raise(-EIO, "job %d failed", p->index);
    return p; /* its own probe: tells whose result landed in which slot */
}

/* One batch: its jobs, what bounded_gather returned, and when. */
struct batch {
    size_t n, limit;
    double cancel_at; /* cancel the caller then (0: never) */
    bool demo;        /* say what happens */
    struct probe probes[MAX_JOBS];
    struct outcome out[MAX_JOBS];
    int rc;
    double returned;
    int running_at_return;
};

static void *caller(void *arg)
{
    struct batch *b = arg;
    struct job jobs[MAX_JOBS];
    static char names[MAX_JOBS][32];
    for (size_t i = 0; i < b->n; i++) {
        snprintf(names[i], sizeof names[i], "job-%zu", i);
        jobs[i] = (struct job){names[i], probe_body, &b->probes[i]};
    }
    b->rc = bounded_gather(jobs, b->n, b->limit, b->out);
    b->returned = now();
    b->running_at_return = running;
    return b->rc == -ECANCELED ? task_raise(-ECANCELED, "caller") : NULL;
}

static void *batch_main(void *arg)
{
    struct batch *b = arg;
    origin = loop_time(loop_get_running());
    running = peak = 0;
    struct task *t = create_task("caller", caller, b);
    if (b->cancel_at > 0) {
        if (async_sleep(b->cancel_at) == 0)
            task_cancel(t);
    }
    await_task(t, NULL);
    task_release(t);
    return NULL;
}

/* Run a batch of jobs with these durations (in tenths of a second; negative: it fails). */
static struct batch *run_batch(const double *tenths, size_t n, size_t limit, double cancel_at)
{
    static struct batch b;
    b = (struct batch){.n = n, .limit = limit, .cancel_at = cancel_at, .rc = 1, .returned = -1};
    for (size_t i = 0; i < n; i++)
        b.probes[i] = (struct probe){(int)i, fabs(tenths[i]) / 10, tenths[i] < 0, 0, -1, -1};
    async_run(batch_main, &b, NULL);
    return &b;
}

/* ---- the checks ---- */

static int failures;

static bool verdict(bool ok, const char *what, const char *hint)
{
    printf("%s - %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) {
        printf("       %s\n", hint);
        failures++;
    }
    return ok;
}

static bool same(double a, double b)
{
    return fabs(a - b) < 1e-6;
}

/* Every job ran once, its outcome in its own slot; say what went wrong first. */
static void check_slots(const struct batch *b, const char *what)
{
    char line[200];
    for (size_t i = 0; i < b->n; i++) {
        const struct probe *p = &b->probes[i];
        if (p->runs != 1) {
            snprintf(line, sizeof line, "job %zu ran %d times", i, p->runs);
            verdict(false, what,
                    p->runs == 0 ? "a job never ran: every job must be started, "
                                   "even after another one failed"
                                 : line);
            return;
        }
        int want = p->fails ? -EIO : 0;
        if (b->out[i].rc != want || (want == 0 && b->out[i].result != p)) {
            const struct probe *got = b->out[i].result;
            snprintf(line, sizeof line,
                     "out[%zu] holds %s: each job's outcome goes into its own slot, out[i] for "
                     "jobs[i], whatever order they end in",
                     i,
                     got ? (got->index == (int)i ? "the right result with a wrong code"
                                                 : "another job's result")
                     : b->out[i].rc == -EIO ? "job's error, but job did not fail"
                                            : "no result");
            verdict(false, what, line);
            return;
        }
    }
    verdict(true, what, "");
}

/* Were the jobs started in groups of `limit`, each group at one moment? */
static bool in_batches(const struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (!same(b->probes[i].started, b->probes[i - i % b->limit].started))
            return false;
    return true;
}

/* Jobs start as soon as a slot is free: compare each start with the expected one. */
static void check_starts(const struct batch *b, const double *expected)
{
    const char *what = "each job starts as soon as a running job ends";
    char line[240];
    for (size_t i = 0; i < b->n; i++) {
        double got = b->probes[i].started;
        if (got < 0 || same(got, expected[i]))
            continue;
        const char *why = got < expected[i]      ? "before a slot was free"
                          : peak < (int)b->limit ? "the jobs ran one at a time"
                          : in_batches(b) ? "the jobs go in batches that wait for their slowest "
                                            "job: start the next one as soon as ANY job ends"
                          : got - expected[i] < 0.05
                              ? "a little late: polling with a sleep misses "
                                "the moment a job ends; wait for the jobs"
                              : "a slot was free earlier: start the next job "
                                "when the FIRST running job ends, not the oldest";
        snprintf(line, sizeof line, "job %zu started at %.2f s, not %.2f s: %s", i, got,
                 expected[i], why);
        verdict(false, what, line);
        return;
    }
    verdict(true, what, "");
}

static int check(void)
{
    char line[200];
    /* 1. Six jobs, two at a time: the schedule only a sliding window gives. */
    static const double durations[] = {3, 1, 1, 2, 1, 1};
    static const double starts[] = {0, 0, 0.1, 0.2, 0.3, 0.4};
    struct batch *b = run_batch(durations, 6, 2, 0);
    snprintf(line, sizeof line, "at most 2 jobs run at once (the most seen: %d)", peak);
    verdict(peak <= 2, line,
            peak == 6 ? "all six ran at once: the limit is ignored"
                      : "one job too many: count the running jobs before starting one "
                        "(running < limit)");
    snprintf(line, sizeof line, "2 jobs do run at once (the most seen: %d)", peak);
    verdict(peak >= 2, line, "the jobs ran one after another: start up to `limit` at once");
    check_starts(b, starts);
    check_slots(b, "every job ran once, its outcome in out[i]");
    snprintf(line, sizeof line,
             "it returns 0 when the last job ends, at 0.5 s (returned %d at %.1f s, "
             "%d job%s still running)",
             b->rc, b->returned, b->running_at_return, b->running_at_return == 1 ? "" : "s");
    verdict(b->rc == 0 && b->running_at_return == 0 && same(b->returned, 0.5), line,
            b->running_at_return ? "it returned while jobs were running: wait for every job to end"
                                 : "return 0 once every job has ended");

    /* 2. A failing job: its error in its slot, the others run on. */
    static const double with_failure[] = {1, -1, 1, 1, 1};
    b = run_batch(with_failure, 5, 2, 0);
    check_slots(b, "a failing job's error goes into its slot; the other jobs still run");
    verdict(b->rc == 0, "and bounded_gather still returns 0",
            "a job's error belongs in out[i].rc, not in bounded_gather's return value");
    snprintf(line, sizeof line,
             "a failure takes no slot away: five jobs, two at a time, end at "
             "0.3 s (ended at %.1f s, at most %d at once)",
             b->returned, peak);
    verdict(same(b->returned, 0.3), line,
            "after a job failed, fewer jobs ran at once: go on with the next job, do not stop");

    /* 3. The caller is cancelled at 0.15 s, while jobs 2 and 3 run. */
    static const double four[] = {1, 1, 1, 1, 1, 1};
    b = run_batch(four, 6, 2, 0.15);
    int started_after = 0, still_running = 0;
    for (size_t i = 0; i < b->n; i++) {
        started_after += b->probes[i].started > 0.15 - 1e-9;
        still_running += b->probes[i].runs && b->probes[i].ended < 0;
    }
    verdict(b->rc == -ECANCELED, "cancelled, it returns -ECANCELED",
            "a cancel of the caller must end the batch: when an await returns -ECANCELED "
            "because YOUR task was cancelled (task_cancelling(current_task()) > 0), stop");
    verdict(started_after == 0, "cancelled, it starts no new job",
            "after the cancel a new job was started: the cancel was swallowed");
    snprintf(line, sizeof line,
             "cancelled, it returns only once the jobs it started have ended "
             "(%d still running)",
             b->running_at_return);
    verdict(still_running == 0 && b->running_at_return == 0 && b->out[2].rc == -ECANCELED &&
                b->out[3].rc == -ECANCELED,
            line, "cancel the running jobs, then wait for them before returning");

    /* 4. Edge cases: nothing to do; a limit above the number of jobs. */
    b = run_batch(NULL, 0, 3, 0);
    verdict(b->rc == 0 && same(b->returned, 0), "no job: returns 0 at once", "n may be 0");
    static const double two[] = {1, 2};
    b = run_batch(two, 2, 5, 0);
    verdict(b->rc == 0 && same(b->returned, 0.2) && peak == 2,
            "a limit above the number of jobs runs them all at once",
            "with limit > n, start all n jobs (and no more)");
    return failures ? 1 : 0;
}

static void demo(void)
{
    static const double durations[] = {3, 1, 1, 2, 1, 1};
    printf("six jobs of 0.3, 0.1, 0.1, 0.2, 0.1, 0.1 s, at most 2 at once\n");
    struct batch *b = run_batch(durations, 6, 2, 0);
    for (size_t i = 0; i < b->n; i++)
        printf("  job-%zu: started at %.1f s, ended at %.1f s, rc %d\n", i, b->probes[i].started,
               b->probes[i].ended, b->out[i].rc);
    printf("bounded_gather returned %d at %.1f s; at most %d ran at once "
           "(a sliding window of 2 ends at 0.5 s)\n",
           b->rc, b->returned, peak);
}

int main(int argc, char **argv)
{
    bool checking = false;
    const struct opt opts[] = {
        OPT_FLAG("check", &checking, "run the checks make exercise-4 runs"),
        OPT_END,
    };
    args_parse(argc, argv, "Chapter 04's exercise: a gather that runs at most N jobs at once.",
               opts);
    setenv("LAB_VIRTUAL_CLOCK", "1", 1); /* every time exact, every run instant */
    if (!checking) {
        demo();
        return 0;
    }
    return check();
}
