/*
 * Unit tests of common/process_pool: every law of process_pool.h, on loops with the
 * virtual clock. A job that must wait for the loop waits for a file the loop creates (the
 * worker shares no memory and no pipe with the test), so nothing depends on the
 * machine's speed. No thread is started here before the pools are made: the fork rule.
 */
#include "check.h"
#include "clock.h"
#include "fds.h"
#include "future.h"
#include "loop.h"
#include "process_pool.h"
#include "tap.h"
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct process_pool *pool;
static char dir[64]; /* a directory of this test's own, for the files jobs wait for */

static void run_virtual(task_fn *main)
{
    trace[0] = '\0';
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    async_run_on(loop, main, NULL, NULL);
    ok(loop_external_count(loop) == 0, "no job left outstanding on the loop");
    loop_close(loop);
}

static double now(void)
{
    return loop_time(loop_get_running());
}

/* ---- jobs: bytes in, bytes out ---- */

static ssize_t square(const void *in, size_t len, void *out, size_t cap)
{
    (void)len, (void)cap;
    int64_t n, r;
    memcpy(&n, in, sizeof n);
    if (n < 0) {
        snprintf(out, cap, "cannot square %lld: it is negative", (long long)n);
        return -EDOM;
    }
    r = n * n;
    memcpy(out, &r, sizeof r);
    return sizeof r;
}

static ssize_t nap(const void *in, size_t len, void *out, size_t cap)
{
    (void)in, (void)len, (void)out, (void)cap;
    sleep_sec(0.2);
    return 0;
}

/* Wait (10 s at most) for the file named by the input: the test's loop creates it. */
static ssize_t wait_for_file(const void *in, size_t len, void *out, size_t cap)
{
    (void)len;
    double deadline = now_sec() + 10;
    while (access(in, F_OK) != 0)
        if (now_sec() > deadline)
            return snprintf(out, cap, "timed out"), -ETIMEDOUT;
        else
            sleep_sec(0.001);
    memcpy(out, "released", 8);
    return 8;
}

static ssize_t create_file(const void *in, size_t len, void *out, size_t cap)
{
    (void)len, (void)out, (void)cap;
    FILE *f = fopen(in, "w");
    if (f)
        fclose(f);
    return 0;
}

/* A sum of every input byte, and an output as big as allowed: many pieces each way. */
static ssize_t sum_and_fill(const void *in, size_t len, void *out, size_t cap)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += ((const unsigned char *)in)[i];
    memset(out, 0xab, cap);
    memcpy(out, &sum, sizeof sum);
    return (ssize_t)cap;
}

static ssize_t fail_silently(const void *in, size_t len, void *out, size_t cap)
{
    (void)in, (void)len, (void)out, (void)cap;
    return -EIO;
}

static ssize_t crash(const void *in, size_t len, void *out, size_t cap)
{
    (void)in, (void)len, (void)out, (void)cap;
    raise(SIGKILL);
    return 0;
}

/* The fds a worker holds besides stdio and its socket (fd 3): none of the parent's. */
static ssize_t count_stray_fds(const void *in, size_t len, void *out, size_t cap)
{
    (void)in, (void)len, (void)cap;
    int64_t n = 0;
    for (int fd = 4; fd < 256; fd++) /* below valgrind's own, at the top of the range */
        n += fcntl(fd, F_GETFD) != -1;
    memcpy(out, &n, sizeof n);
    return sizeof n;
}

static ssize_t claims_too_much(const void *in, size_t len, void *out, size_t cap)
{
    (void)in, (void)len;
    memset(out, 'x', cap);
    return (ssize_t)cap + 1;
}

static ssize_t quit(const void *in, size_t len, void *out, size_t cap)
{
    (void)in, (void)len, (void)out, (void)cap;
    _exit(3);
}

static void path_of(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
}

/* ---- the basics ---- */

static struct future *submit(process_job *job, const void *in, size_t len)
{
    return run_in_process_pool(pool, job, in, len);
}

static void *square_in_worker(void *arg)
{
    (void)arg;
    int64_t n = 12;
    struct future *f = submit(square, &n, sizeof n);
    void *result;
    int rc = await_future(f, &result);
    struct process_output *out = result;
    int64_t r = 0;
    if (rc == 0)
        memcpy(&r, out->data, sizeof r);
    bool in_pool = false;
    for (int i = 0; i < process_pool_size(pool); i++)
        in_pool |= out->worker == process_pool_pid(pool, i);
    note("rc=%d len=%zu r=%lld worker-in-pool=%d not-me=%d", rc, out->len, (long long)r, in_pool,
         out->worker != getpid());
    future_unref(f);
    return NULL;
}

static void *two_at_once(void *arg)
{
    (void)arg;
    struct future *a = submit(nap, NULL, 0), *b = submit(nap, NULL, 0);
    void *rx_result, *ry_result;
    int rx = await_future(a, &rx_result);
    int ry = await_future(b, &ry_result);
    struct process_output *x = rx_result, *y = ry_result;
    note("rc=%d,%d overlap=%d workers-differ=%d", rx, ry,
         x->started_ns < y->finished_ns && y->started_ns < x->finished_ns, x->worker != y->worker);
    future_unref(a);
    future_unref(b);
    return NULL;
}

static void *loop_runs_meanwhile(void *arg)
{
    (void)arg;
    char gate[96];
    path_of(gate, sizeof gate, "gate-ticks");
    struct future *f = submit(wait_for_file, gate, strlen(gate) + 1);
    for (int tick = 1; tick <= 3; tick++) {
        async_sleep(0.01);
        note("tick%d ", tick);
    }
    touch(gate);
    void *result;
    int rc = await_future(f, &result);
    struct process_output *out = result;
    note("rc=%d %.*s", rc, (int)out->len, (const char *)out->data);
    future_unref(f);
    return NULL;
}

static void *big_bytes(void *arg)
{
    (void)arg;
    enum { BIG = 1 << 20 };
    unsigned char *in = xmalloc(BIG);
    uint64_t sum = 0;
    for (size_t i = 0; i < BIG; i++)
        sum += in[i] = (unsigned char)(i * 7);
    struct future *f = submit(sum_and_fill, in, BIG);
    free(in); /* the pool has its own copy: the input is bytes, not a pointer */
    void *result;
    int rc = await_future(f, &result);
    struct process_output *out = result;
    uint64_t got;
    memcpy(&got, out->data, sizeof got);
    const unsigned char *o = out->data;
    note("rc=%d sum-ok=%d out=%zu tail-ok=%d", rc, got == sum, out->len, o[out->len - 1] == 0xab);
    future_unref(f);
    return NULL;
}

static void *job_error(void *arg)
{
    (void)arg;
    int64_t n = -3;
    struct future *f = submit(square, &n, sizeof n);
    int rc = await_future(f, NULL);
    const char *msg = future_error_message(f);
    note("rc=%d msg=%.32s in-worker=%d; ", rc, msg, strstr(msg, "(in worker pid ") != NULL);
    future_unref(f);
    f = submit(fail_silently, NULL, 0); /* after a job whose output is still in the buffer */
    rc = await_future(f, NULL);
    note("silent=%d msg=%.18s", rc, future_error_message(f));
    future_unref(f);
    return NULL;
}

static void *queue_order(void *arg)
{
    (void)arg;
    struct future *f[3];
    int64_t n = 1;
    for (int i = 0; i < 3; i++)
        f[i] = submit(square, &n, sizeof n);
    struct process_output *out[3];
    for (int i = 2; i >= 0; i--) {
        void *result = NULL;
        await_future(f[i], &result);
        out[i] = result;
    }
    note("in-order=%d",
         out[0]->finished_ns <= out[1]->started_ns && out[1]->finished_ns <= out[2]->started_ns);
    for (int i = 0; i < 3; i++)
        future_unref(f[i]);
    return NULL;
}

/* ---- the virtual clock waits for a job ---- */

static void *long_sleeper(void *arg)
{
    (void)arg;
    async_sleep(10);
    note("sleeper@%.3f", now());
    return NULL;
}

static void *clock_waits(void *arg)
{
    (void)arg;
    struct task *sleeper = create_task("sleeper", long_sleeper, NULL);
    struct future *f = submit(nap, NULL, 0);
    await_future(f, NULL);
    /* The clock moved on in real time while the loop waited for the 0.2 s job, and did not
     * jump to the sleeper's 10 s. Not exactly 0.2: time the loop spent running rather
     * than waiting does not count on a virtual clock, and on a busy machine that is more. */
    double back = now();
    note("job@%s ", back >= 0.1 && back < 5 ? "0.2" : "wrong");
    await_task(sleeper, NULL);
    task_release(sleeper);
    future_unref(f);
    return NULL;
}

/* ---- cancellation ---- */

static void *cancel_queued(void *arg)
{
    (void)arg;
    char gate[96], marker[96];
    path_of(gate, sizeof gate, "gate-queued");
    path_of(marker, sizeof marker, "never-created");
    struct future *a = submit(wait_for_file, gate, strlen(gate) + 1); /* the only worker */
    struct future *b = submit(create_file, marker, strlen(marker) + 1);
    bool cancelled = future_cancel(b);
    note("cancel=%d at-once=%d ", cancelled, future_cancelled(b));
    touch(gate);
    int rc = await_future(a, NULL);
    note("a=%d b=%d ", rc, await_future(b, NULL));
    struct future *c = submit(square, &(int64_t){2}, sizeof(int64_t)); /* after b's turn */
    await_future(c, NULL);
    note("b-ran=%d", access(marker, F_OK) == 0);
    future_unref(a);
    future_unref(b);
    future_unref(c);
    return NULL;
}

static void *awaits_job(void *arg)
{
    int rc = await_future(arg, NULL);
    return task_raise(rc, "awaiting the job");
}

static void *cancel_running(void *arg)
{
    (void)arg;
    char gate[96];
    path_of(gate, sizeof gate, "gate-running");
    struct future *job = submit(wait_for_file, gate, strlen(gate) + 1);
    struct task *awaiter = create_task("awaiter", awaits_job, job);
    async_sleep(0.01);
    task_cancel(awaiter);
    int rc = await_task(awaiter, NULL);
    note("awaiter=%d at-once=%d job-cancelled=%d ", rc, now() < 1, future_cancelled(job));
    touch(gate); /* the worker finishes the job; its reply is read and dropped */
    struct future *next = submit(square, &(int64_t){3}, sizeof(int64_t));
    void *result;
    rc = await_future(next, &result);
    struct process_output *out = result;
    int64_t r = 0;
    memcpy(&r, out->data, sizeof r);
    note("next=%d r=%lld", rc, (long long)r);
    task_release(awaiter);
    future_unref(job);
    future_unref(next);
    return NULL;
}

/* ---- async_run waits for the jobs a cancelled task left behind ---- */

static void *awaits_and_notes(void *arg)
{
    int rc = await_future(arg, NULL);
    /* Before the job could end (it naps 0.2 s): the clock reads 0.01 s, or a little more
     * on a busy machine, since the virtual clock waits in real time while a job is out. */
    note("awaiter=%d early=%d ", rc, now() < 0.2);
    return NULL;
}

/* main cancels the task awaiting a running job, leaves a queued job unawaited and returns:
 * async_run must not close the loop while the worker will still answer. */
static void *cancel_and_return(void *arg)
{
    (void)arg;
    struct future *running = submit(nap, NULL, 0);
    struct future *queued = submit(nap, NULL, 0);
    struct task *awaiter = create_task("awaiter", awaits_and_notes, running);
    async_sleep(0.01);
    task_cancel(awaiter);
    task_release(awaiter);
    future_unref(running);
    future_unref(queued);
    note("main-returns early=%d ", now() < 0.2);
    return NULL;
}

/* asyncio.run's own path: async_run makes the loop (virtual, from the environment) and
 * closes it. */
static int run_and_close(task_fn *main)
{
    trace[0] = '\0';
    setenv("LAB_VIRTUAL_CLOCK", "1", 1);
    int rc = async_run(main, NULL, NULL);
    unsetenv("LAB_VIRTUAL_CLOCK");
    return rc;
}

/* ---- one loop at a time ---- */

static struct future *in_flight;
static int other_loop_errno;

static void submit_then_stop(struct loop *loop, void *arg)
{
    (void)arg;
    in_flight = submit(nap, NULL, 0);
    loop_stop(loop);
}

static void submit_from_other_loop(struct loop *loop, void *arg)
{
    (void)arg;
    errno = 0;
    other_loop_errno = submit(nap, NULL, 0) == NULL ? errno : 0;
    loop_stop(loop);
}

static void test_one_loop_at_a_time(void)
{
    struct loop *a = loop_new(), *b = loop_new();
    loop_call_soon(a, submit_then_stop, NULL);
    loop_run_forever(a); /* a job of loop a is now in flight */
    loop_call_soon(b, submit_from_other_loop, NULL);
    loop_run_forever(b);
    is_long(other_loop_errno, EXDEV, "while a loop's job is in flight, another loop gets EXDEV");
    loop_run_until_complete(a, in_flight);
    is_long(future_result(in_flight, NULL), 0, "and the first loop's job completes");
    future_unref(in_flight);
    loop_call_soon(b, submit_then_stop, NULL);
    loop_run_forever(b);
    loop_run_until_complete(b, in_flight);
    is_long(future_result(in_flight, NULL), 0, "once it is done, the pool serves the other loop");
    future_unref(in_flight);
    loop_close(a);
    loop_close(b);
}

/* ---- workers that die; workers that ignore SIGINT ---- */

static void *deaths(void *arg)
{
    (void)arg;
    struct future *f = submit(crash, NULL, 0);
    int rc = await_future(f, NULL);
    note("crash=%d ", rc);
    ok(strstr(future_error_message(f), "killed by signal 9") != NULL,
       "the error names the worker and how it died: %s", future_error_message(f));
    future_unref(f);
    struct future *g = submit(square, &(int64_t){4}, sizeof(int64_t));
    note("survivor=%d ", await_future(g, NULL));
    future_unref(g);
    f = submit(crash, NULL, 0);
    note("last-crash=%d ", await_future(f, NULL));
    future_unref(f);
    g = submit(square, &(int64_t){5}, sizeof(int64_t));
    rc = await_future(g, NULL);
    note("none-left=%d (%s)", rc, future_error_message(g));
    future_unref(g);
    return NULL;
}

static void *strays(void *arg)
{
    (void)arg;
    void *result;
    int64_t n = -1;
    struct future *f = submit(count_stray_fds, NULL, 0);
    if (await_future(f, &result) == 0)
        memcpy(&n, ((struct process_output *)result)->data, sizeof n);
    note("stray-fds=%lld ", (long long)n);
    future_unref(f);
    f = submit(claims_too_much, NULL, 0);
    int too_much = await_future(f, NULL);
    const char *said = future_error_message(f);
    note("too-much=%d said-so=%d ", too_much, said && strstr(said, "more than") != NULL);
    future_unref(f);
    f = submit(quit, NULL, 0);
    int rc = await_future(f, NULL);
    const char *why = future_error_message(f);
    note("quit=%d (%s)", rc, why && strstr(why, "(exited") ? strstr(why, "(exited") : why);
    future_unref(f);
    return NULL;
}

static void *after_sigint(void *arg)
{
    (void)arg;
    for (int i = 0; i < process_pool_size(pool); i++)
        kill(process_pool_pid(pool, i), SIGINT);
    struct future *f[2] = {submit(nap, NULL, 0), submit(nap, NULL, 0)};
    for (int i = 0; i < 2; i++) {
        note("%d ", await_future(f[i], NULL));
        future_unref(f[i]);
    }
    return NULL;
}

/* ---- shutdown finishes what was submitted ---- */

static struct future *unawaited[3];

/* Not a task under async_run, which would wait for the jobs itself: the loop stops at once. */
static void submit_and_stop(struct loop *loop, void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        unawaited[i] = submit(square, &(int64_t){i + 2}, sizeof(int64_t));
    loop_stop(loop);
}

static void test_shutdown_finishes_jobs(void)
{
    pool = process_pool_new(1);
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    loop_call_soon(loop, submit_and_stop, NULL);
    loop_run_forever(loop);
    is_long(process_pool_shutdown(pool), 0, "shutdown with three jobs submitted and not awaited");
    int right = 0;
    for (int i = 0; i < 3; i++) {
        void *result;
        int64_t r = 0;
        if (future_result(unawaited[i], &result) == 0)
            memcpy(&r, ((struct process_output *)result)->data, sizeof r);
        right += r == (i + 2) * (i + 2);
        future_unref(unawaited[i]);
    }
    is_long(right, 3, "waited for all three: each future has its result");
    is_long(loop_external_count(loop), 0, "and the loop has no job outstanding");
    loop_close(loop);
}

static bool no_child_left(void)
{
    siginfo_t info;
    return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == -1 && errno == ECHILD;
}

/* ---- the fork rule ---- */

static void *park(void *arg)
{
    (void)arg;
    pause();
    return NULL;
}

/* In a child: a pool made while another thread runs. */
static void pool_beside_a_thread(void *unused)
{
    (void)unused;
    pthread_t t;
    pthread_create(&t, NULL, park, NULL);
    process_pool_new(1);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/lab-pool.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        die_errno(errno, "mkdtemp");

    errno = 0;
    pool = process_pool_new(2);
    ok(submit(square, &(int64_t){1}, sizeof(int64_t)) == NULL && errno == ESRCH,
       "outside a running loop: NULL, errno ESRCH");
    run_virtual(square_in_worker);
    is_str(trace, "rc=0 len=8 r=144 worker-in-pool=1 not-me=1",
           "a job runs in a worker process and its bytes come back");
    run_virtual(two_at_once);
    is_str(trace, "rc=0,0 overlap=1 workers-differ=1", "two jobs run at once, in two workers");
    run_virtual(loop_runs_meanwhile);
    is_str(trace, "tick1 tick2 tick3 rc=0 released",
           "the loop ran (three ticks) while the job waited for it in a worker");
    run_virtual(big_bytes);
    is_str(trace, "rc=0 sum-ok=1 out=65536 tail-ok=1",
           "1 MiB of input and 64 KiB of output cross intact (the pool's copy, in pieces)");
    run_virtual(job_error);
    is_str(trace,
           "rc=-33 msg=cannot square -3: it is negative in-worker=1; silent=-5 msg=Input/output "
           "error",
           "a job's error comes back as its code and message, naming the worker (strerror's "
           "when it wrote none)");
    run_virtual(clock_waits);
    is_str(trace, "job@0.2 sleeper@10.000",
           "the virtual clock waited for the job (back after about 0.2 s), then jumped to 10 s");
    test_one_loop_at_a_time();
    run_virtual(after_sigint);
    is_str(trace, "0 0 ", "workers ignore SIGINT: after a Ctrl-C they still run jobs");
    is_long(process_pool_shutdown(pool), 0, "shutdown: every worker exited cleanly");
    ok(no_child_left(), "and was reaped: no child left, not even a zombie");

    pool = process_pool_new(1);
    run_virtual(queue_order);
    is_str(trace, "in-order=1", "one worker: queued jobs run in the order submitted");
    run_virtual(cancel_queued);
    is_str(trace, "cancel=1 at-once=1 a=0 b=-125 b-ran=0",
           "a queued job is cancelled at once and never runs");
    run_virtual(cancel_running);
    is_str(trace, "awaiter=-125 at-once=1 job-cancelled=1 next=0 r=9",
           "a running job's awaiter is cancelled at once; the worker finishes, its reply is "
           "dropped, and it takes the next job");
    is_long(run_and_close(cancel_and_return), 0,
            "main returning right after cancelling a job's awaiter: async_run returns 0");
    is_str(trace, "main-returns early=1 awaiter=-125 early=1 ",
           "the awaiter went on at once; async_run then waited for both jobs before closing");
    is_long(process_pool_shutdown(pool), 0, "shutdown after cancellations: all clean");

    test_shutdown_finishes_jobs();

    pool = process_pool_new(2);
    run_virtual(deaths);
    is_str(trace,
           "crash=-32 survivor=0 last-crash=-32 none-left=-32 (the process pool has no worker "
           "left)",
           "a worker dying mid-job fails that job (-EPIPE); the pool goes on with the other; "
           "with none left a job fails at once");
    is_long(process_pool_shutdown(pool), 2, "shutdown counts the two workers that died");
    ok(no_child_left(), "and no child is left");

    /* Workers hold no fd of the parent's; a job claiming more output than there is room
     * for fails; a worker that exits with a status of its own is reaped, its socket closed. */
    int fds_before = fds_open_count();
    pool = process_pool_new(3);
    run_virtual(strays);
    char want[128];
    snprintf(want, sizeof want, "stray-fds=0 too-much=%d said-so=1 quit=-32 ((exited with status 3))",
             -EMSGSIZE);
    is_str(trace, want,
           "a worker holds only stdio and its socket; a job claiming more than the room "
           "fails (-EMSGSIZE); a worker that exits mid-job fails the job, saying how it ended");
    is_long(process_pool_shutdown(pool), 1, "shutdown counts a worker that exited non-zero");
    is_long(fds_open_count(), fds_before, "and the dead worker's socket is closed");

    char msg[512];
    int status = run_in_child(pool_beside_a_thread, NULL, msg, sizeof msg);
    msg[strcspn(msg, "\n")] = '\0';
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 1 && strstr(msg, "threads are running"),
       "with a thread running, process_pool_new dies and says why: %s", msg);

    const char *gates[] = {"gate-ticks", "gate-queued", "gate-running"};
    for (size_t i = 0; i < sizeof gates / sizeof gates[0]; i++) {
        char path[96];
        path_of(path, sizeof path, gates[i]);
        unlink(path);
    }
    rmdir(dir);
    return done_testing();
}
