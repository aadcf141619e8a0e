/*
 * Unit tests of common/thread_pool: every law of thread_pool.h, on loops with the
 * virtual clock. Jobs that must overlap with the loop wait for it on a pipe rather than
 * for a length of time, so no test depends on how fast the machine is.
 */
#include "check.h"
#include "clock.h"
#include "future.h"
#include "loop.h"
#include "tap.h"
#include "task.h"
#include "thread_pool.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct thread_pool *pool;
static pthread_t loop_thread;

static int run_virtual(task_fn *main, int threads)
{
    trace[0] = '\0';
    loop_thread = pthread_self();
    pool = thread_pool_new(threads);
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    int rc = async_run_on(loop, main, NULL, NULL);
    thread_pool_shutdown(pool);
    loop_close(loop);
    return rc;
}

static double now(void)
{
    return loop_time(loop_get_running());
}

/* ---- a job the loop releases: it blocks on a pipe until the loop writes to it ---- */

struct gate {
    int fds[2];
    atomic_bool ran, finished;
    pthread_t thread;
};

static void gate_open(struct gate *g)
{
    CHECK_SYS(pipe(g->fds));
    atomic_init(&g->ran, false);
    atomic_init(&g->finished, false);
}

static void gate_release(struct gate *g)
{
    CHECK_SYS(write(g->fds[1], "x", 1));
}

static void gate_close(struct gate *g)
{
    close(g->fds[0]);
    close(g->fds[1]);
}

/* The blocking function: wait for the loop's release, 10 s at most (then it failed). */
static void *wait_at_gate(void *arg)
{
    struct gate *g = arg;
    atomic_store(&g->ran, true);
    g->thread = pthread_self();
    struct pollfd p = {g->fds[0], POLLIN, 0};
    const char *result = "timed out: the loop never released it";
    if (poll(&p, 1, 10000) == 1) {
        char c;
        CHECK_SYS(read(g->fds[0], &c, 1));
        result = "released";
    }
    atomic_store(&g->finished, true);
    return (void *)result;
}

static pthread_t completed_in;

static void note_completing_thread(struct future *f, void *arg)
{
    (void)f, (void)arg;
    completed_in = pthread_self();
}

static void *loop_runs_while_job_blocks(void *arg)
{
    (void)arg;
    struct gate g;
    gate_open(&g);
    struct future *f = run_in_thread_pool(pool, wait_at_gate, &g);
    future_add_done_callback(f, note_completing_thread, NULL);
    for (int tick = 1; tick <= 3; tick++) {
        async_sleep(0.01);
        note("tick%d ", tick);
    }
    gate_release(&g);
    void *result = NULL;
    int rc = await_future(f, &result);
    note("rc=%d %s", rc, (char *)result);
    ok(!pthread_equal(g.thread, loop_thread), "the job ran in a pool thread, not the loop's");
    future_unref(f);
    gate_close(&g);
    return NULL;
}

/* ---- order, and threads at once ---- */

static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static char order[8];

static void *append_name(void *arg)
{
    CHECK_PT(pthread_mutex_lock(&order_lock));
    strncat(order, arg, sizeof order - strlen(order) - 1);
    CHECK_PT(pthread_mutex_unlock(&order_lock));
    return arg;
}

static void *jobs_in_order(void *arg)
{
    (void)arg;
    order[0] = '\0';
    struct future *f[3];
    const char *names[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++)
        f[i] = run_in_thread_pool(pool, append_name, (void *)names[i]);
    for (int i = 2; i >= 0; i--) { /* awaited in the other order: it changes nothing */
        await_future(f[i], NULL);
        future_unref(f[i]);
    }
    note("%s", order);
    return NULL;
}

/* Each job waits until all three are running: only three threads at once finish. */
static pthread_cond_t all_in = PTHREAD_COND_INITIALIZER;
static int inside;

static void *rendezvous(void *arg)
{
    (void)arg;
    CHECK_PT(pthread_mutex_lock(&order_lock));
    inside++;
    pthread_cond_broadcast(&all_in);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    while (inside < 3 && pthread_cond_timedwait(&all_in, &order_lock, &deadline) == 0)
        ;
    bool met = inside >= 3;
    CHECK_PT(pthread_mutex_unlock(&order_lock));
    return met ? "met" : "alone";
}

/*
 * Every job submitted wakes a worker, even when the queue still holds the one before: a
 * pool that signalled only an empty queue would leave the second and third jobs queued
 * while two threads sleep, whenever they are submitted before the first is taken. That
 * is a race, so the three are submitted twenty times over (a round that did not meet
 * ends the test's rounds).
 */
static void *three_at_once(void *arg)
{
    (void)arg;
    for (int round = 0; round < 20; round++) {
        inside = 0;
        trace[0] = '\0';
        struct future *f[3];
        for (int i = 0; i < 3; i++)
            f[i] = run_in_thread_pool(pool, rendezvous, NULL);
        for (int i = 0; i < 3; i++) {
            void *r;
            await_future(f[i], &r);
            note("%s ", (char *)r);
            future_unref(f[i]);
        }
        if (strcmp(trace, "met met met ") != 0)
            break;
    }
    return NULL;
}

/* ---- the virtual clock waits for a job ---- */

static void *sleep_50ms(void *arg)
{
    (void)arg;
    sleep_sec(0.05);
    return "slept";
}

static void *long_sleeper(void *arg)
{
    (void)arg;
    async_sleep(10);
    note("sleeper@%.3f ", now());
    return NULL;
}

static void *clock_waits(void *arg)
{
    (void)arg;
    double start = now_sec();
    struct task *sleeper = create_task("sleeper", long_sleeper, NULL);
    struct future *f = run_in_thread_pool(pool, sleep_50ms, NULL);
    await_future(f, NULL);
    /* Not exactly 0.05: time the loop spent running rather than waiting does not count on
     * a virtual clock, and on a busy machine that is more. Never the sleeper's 10 s. */
    double back = now();
    note("job@%s ", back >= 0.025 && back < 1 ? "0.05" : "wrong");
    await_task(sleeper, NULL);
    note("real %s", now_sec() - start < 5 ? "<5s" : ">=5s");
    task_release(sleeper);
    future_unref(f);
    return NULL;
}

/* ---- cancellation ---- */

static void *cancel_queued(void *arg)
{
    (void)arg;
    struct gate busy, queued;
    gate_open(&busy);
    gate_open(&queued);
    struct future *a = run_in_thread_pool(pool, wait_at_gate, &busy); /* the only thread */
    struct future *b = run_in_thread_pool(pool, wait_at_gate, &queued);
    async_sleep(0.01); /* a is running by now or soon: either way b is still queued */
    bool cancelled = future_cancel(b);
    note("cancel-queued=%d cancelled-at-once=%d ", cancelled, future_cancelled(b));
    gate_release(&busy);
    void *r = "none";
    int rc = await_future(a, &r);
    note("a=%d %s ", rc, (char *)r);
    rc = await_future(b, NULL);
    note("b=%d b-ran=%d", rc, atomic_load(&queued.ran));
    future_unref(a);
    future_unref(b);
    gate_close(&busy);
    gate_close(&queued);
    return NULL;
}

struct running_job {
    struct gate gate;
    struct future *job;
    bool awaiting;
};

static void *awaits_running_job(void *arg)
{
    struct running_job *rj = arg;
    rj->awaiting = true;
    int rc = await_future(rj->job, NULL);
    note("awaiter rc=%d job-finished=%d; ", rc, atomic_load(&rj->gate.finished));
    return task_raise(rc, "awaiting the job");
}

static void *cancel_running(void *arg)
{
    (void)arg;
    struct running_job rj;
    gate_open(&rj.gate);
    rj.job = run_in_thread_pool(pool, wait_at_gate, &rj.gate);
    rj.awaiting = false;
    struct task *awaiter = create_task("awaiter", awaits_running_job, &rj);
    while (!atomic_load(&rj.gate.ran) || !rj.awaiting) /* the job runs, the awaiter awaits it */
        async_sleep(0.001);
    note("cancel-running=%d ", future_cancel(rj.job));
    task_cancel(awaiter);
    async_sleep(0.05); /* the awaiter stays suspended: the job still has its arg */
    note("awaiter-done-before-release=%d ", task_done(awaiter));
    gate_release(&rj.gate);
    note("await=%d ", await_task(awaiter, NULL));
    void *r = "none";
    int rc = future_result(rj.job, &r);
    note("result-kept=%d %s", rc, (char *)r);
    task_release(awaiter);
    future_unref(rj.job);
    gate_close(&rj.gate);
    return NULL;
}

/* ---- async_run waits for the jobs main left behind ---- */

static atomic_int slept_count;

static void *sleep_50ms_counted(void *arg)
{
    sleep_sec(0.05);
    atomic_fetch_add(&slept_count, 1);
    return arg;
}

/* The awaited job: held at a gate until main has cancelled its awaiter, however slow the
 * machine, so the awaiter is still waiting for it then. */
static struct gate held;

static void *counted_at_gate(void *arg)
{
    wait_at_gate(arg);
    atomic_fetch_add(&slept_count, 1);
    return arg;
}

static void *awaits_and_notes(void *arg)
{
    int rc = await_future(arg, NULL);
    note("awaiter=%d ", rc);
    return NULL;
}

static void release_held(struct loop *loop, void *arg)
{
    (void)loop;
    gate_release(arg);
}

/* main cancels the task awaiting one job, leaves another (queued behind it, on the pool's
 * one thread) unawaited, and returns. The held job is let go only after main has returned
 * (by a timer async_run runs), so the awaiter is surely still waiting when main ends. */
static void *cancel_and_return(void *arg)
{
    (void)arg;
    gate_open(&held);
    struct future *awaited = run_in_thread_pool(pool, counted_at_gate, &held);
    struct future *left = run_in_thread_pool(pool, sleep_50ms_counted, NULL);
    struct task *awaiter = create_task("awaiter", awaits_and_notes, awaited);
    do /* the awaiter waits for the job, and the job runs (a queued one would take the cancel) */
        async_sleep(0.001);
    while (!atomic_load(&held.ran));
    task_cancel(awaiter);
    task_release(awaiter);
    future_unref(awaited);
    future_unref(left);
    loop_call_later(loop_get_running(), 0.01, release_held, &held);
    note("main-returns ");
    return NULL;
}

/* asyncio.run's own path: async_run makes the loop (virtual, from the environment) and
 * closes it; the pool is shut down only after it has returned. */
static int run_and_close(task_fn *main, int threads)
{
    trace[0] = '\0';
    atomic_init(&slept_count, 0);
    pool = thread_pool_new(threads);
    setenv("LAB_VIRTUAL_CLOCK", "1", 1);
    int rc = async_run(main, NULL, NULL);
    unsetenv("LAB_VIRTUAL_CLOCK");
    note("finished-before-return=%d", atomic_load(&slept_count));
    thread_pool_shutdown(pool);
    return rc;
}

/* ---- shutdown finishes what was submitted; the loop completes the futures ---- */

static atomic_int ran_count;

static void *count_run(void *arg)
{
    atomic_fetch_add(&ran_count, 1);
    return arg;
}

static struct future *unawaited[3];

/* Not a task under async_run, which would wait for the jobs itself: the loop stops at once. */
static void submit_and_stop(struct loop *loop, void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        unawaited[i] = run_in_thread_pool(pool, count_run, &unawaited[i]);
    loop_stop(loop);
}

static void test_shutdown(void)
{
    atomic_init(&ran_count, 0);
    pool = thread_pool_new(1);
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    loop_call_soon(loop, submit_and_stop, NULL);
    loop_run_forever(loop);
    thread_pool_shutdown(pool);
    is_long(atomic_load(&ran_count), 3, "shutdown ran every job submitted before it joined");
    loop_run_until_complete(loop, unawaited[2]);
    int results = 0;
    for (int i = 0; i < 3; i++) {
        void *r = NULL;
        results += future_result(unawaited[i], &r) == 0 && r == &unawaited[i];
        future_unref(unawaited[i]);
    }
    is_long(results, 3, "and the loop completed their futures the next time it ran");
    is_long(loop_external_count(loop), 0, "with no job left outstanding");
    loop_close(loop);
}

int main(void)
{
    run_virtual(loop_runs_while_job_blocks, 2);
    is_str(trace, "tick1 tick2 tick3 rc=0 released",
           "the loop ran (three ticks) while the job blocked in a thread, and got its result");
    ok(pthread_equal(completed_in, loop_thread),
       "the job's future was completed in the loop's thread");

    run_virtual(jobs_in_order, 1);
    is_str(trace, "abc", "one thread: jobs run in the order they were submitted");
    run_virtual(three_at_once, 3);
    is_str(trace, "met met met ", "three threads: three jobs run at once, twenty times over");

    run_virtual(clock_waits, 1);
    is_str(trace, "job@0.05 sleeper@10.000 real <5s",
           "the virtual clock waited for the job (back at 0.05 s), then jumped to 10 s");

    run_virtual(cancel_queued, 1);
    is_str(trace, "cancel-queued=1 cancelled-at-once=1 a=0 released b=-125 b-ran=0",
           "a queued job is cancelled at once and never runs");
    run_virtual(cancel_running, 1);
    is_str(trace,
           "cancel-running=0 awaiter-done-before-release=0 awaiter rc=-125 job-finished=1; "
           "await=-125 result-kept=0 released",
           "a running job refuses the cancel; its cancelled awaiter gets -ECANCELED only once "
           "the job is done, and the result stays in the future");

    stderr_capture_begin();
    is_long(run_and_close(cancel_and_return, 1), 0,
            "main returning right after cancelling a job's awaiter: async_run returns 0");
    ok(strstr(stderr_capture_end(), "[async_run] 1 task still running: awaiter; cancelling"),
       "async_run reports the awaiter main left running");
    is_str(trace, "main-returns awaiter=-125 finished-before-return=2",
           "the awaiter got -ECANCELED once its job was done, and async_run waited for the "
           "unawaited job too before closing the loop");
    gate_close(&held);

    test_shutdown();

    errno = 0;
    pool = thread_pool_new(1);
    ok(run_in_thread_pool(pool, count_run, NULL) == NULL && errno == ESRCH,
       "outside a running loop: NULL, errno ESRCH");
    thread_pool_shutdown(pool);
    return done_testing();
}
