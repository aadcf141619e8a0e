/*
 * Unit tests of common/task: the runtime's laws (task.h), on the loop's virtual clock,
 * so every time below is exact and the whole file runs in an instant.
 */
#include "check.h"
#include "coro.h"
#include "future.h"
#include "loop.h"
#include "say.h"
#include "task.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static double now(void)
{
    return loop_time(loop_get_running());
}

/* Run `main` as a task on a fresh loop with the virtual clock; the loop is closed after. */
static int run_virtual(task_fn *main, void *arg, void **result)
{
    trace[0] = '\0';
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    int rc = async_run_on(loop, main, arg, result);
    loop_close(loop);
    return rc;
}

/* ---- sleeping tasks overlap; the clock is exact ---- */

static void *sleeper(void *arg)
{
    double seconds = *(double *)arg;
    if (async_sleep(seconds) != 0)
        return NULL;
    note("%s@%.3f ", task_name(current_task()), now());
    return arg;
}

static void *three_sleepers(void *arg)
{
    (void)arg;
    static double d[3] = {0.3, 0.1, 0.2};
    struct task *t[3];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%.1f", d[i]);
        t[i] = create_task(name, sleeper, &d[i]);
    }
    for (int i = 0; i < 3; i++) {
        void *r;
        if (await_task(t[i], &r) != 0 || r != &d[i])
            note("wrong result ");
        task_release(t[i]);
    }
    note("all@%.3f", now());
    return "done";
}

/* ---- results and errors ---- */

static void *fails(void *arg)
{
    (void)arg;
    async_sleep(0.01);
    return task_raise(-EIO, "disk %d is on fire", 3);
}

static void *awaits_failure(void *arg)
{
    (void)arg;
    struct task *t = create_task("fails", fails, NULL);
    int rc = await_task(t, NULL);
    note("rc=%d msg=%s ", rc, task_error_message(t));
    note("again=%d ", await_task(t, NULL));
    note("self=%d ", await_task(current_task(), NULL));
    note("self-future=%d ", await_future(task_future(current_task()), NULL));
    task_release(t);
    return NULL;
}

/* One owner, whichever way the outcome is read. */
static void *returns_arg(void *arg)
{
    return arg;
}

static void *one_owner(void *arg)
{
    (void)arg;
    struct task *t = create_task("t", returns_arg, "page");
    void *r = NULL, *again = NULL;
    note("look=%d ", await_future(task_future(t), NULL)); /* takes nothing */
    int rc = await_future(task_future(t), &r);
    note("take=%d:%s ", rc, (char *)r);
    rc = await_future(task_future(t), &again);
    int rc2 = await_task(t, &again);
    note("future-again=%d task-again=%d %s", rc, rc2, again ? "leak" : "-");
    task_release(t);
    return NULL;
}

/* ---- cancellation ---- */

static void *inner_sleeper_5(void *arg)
{
    (void)arg;
    int rc = async_sleep(5);
    return rc ? task_raise(rc, NULL) : NULL;
}

struct victim {
    const char *name;
    bool swallow;   /* catch -ECANCELED and finish normally */
    double cleanup; /* seconds of cleanup to await after the cancel */
    bool ran;
    int sleep_rc;
    int cleanup_rc;
};

static void *victim_body(void *arg)
{
    struct victim *v = arg;
    v->ran = true;
    v->sleep_rc = async_sleep(10);
    if (v->cleanup > 0) {
        double t0 = now();
        v->cleanup_rc = async_sleep(v->cleanup);
        note("cleanup took %.3f ", now() - t0);
    }
    if (v->sleep_rc == -ECANCELED && !v->swallow)
        return task_raise(-ECANCELED, "cancelled while sleeping");
    return "swallowed";
}

static void *cancel_scenarios(void *arg)
{
    struct victim *v = arg; /* [0] propagates, [1] swallows, [2] never starts */
    struct task *a = create_task(v[0].name, victim_body, &v[0]);
    struct task *b = create_task(v[1].name, victim_body, &v[1]);
    struct task *c = create_task(v[2].name, victim_body, &v[2]);
    async_sleep(1);
    note("cancel=%d,%d ", task_cancel(a), task_cancel(b));
    note("cancel-c=%d ", task_cancel(c)); /* c has run too: it is sleeping now */
    void *r = NULL;
    note("a=%d ", await_task(a, &r));
    note("a-cancelled=%d ", task_cancelled(a));
    int rc = await_task(b, &r);
    note("b=%d:%s ", rc, r ? (char *)r : "-");
    note("b-cancelled=%d ", task_cancelled(b));
    note("c=%d ", await_task(c, NULL));
    note("finished-cancel=%d ", task_cancel(a));
    note("t=%.3f", now());
    task_release(a);
    task_release(b);
    task_release(c);
    return NULL;
}

/* Cancel requests are counted; uncancel takes them back, and at 0 withdraws the cancel. */
static void *swallower(void *arg)
{
    (void)arg;
    int rc = async_sleep(1);
    note("swallowed=%d count=%u ", rc, task_cancelling(current_task()));
    return "kept going";
}

static void *self_uncancel(void *arg)
{
    unsigned times = *(unsigned *)arg;
    struct task *me = current_task();
    for (unsigned i = 0; i < times; i++)
        task_cancel(me);
    note("count=%u pending=%d ", task_cancelling(me), task_cancel_pending(me));
    note("uncancel=%u ", task_uncancel(me));
    note("pending=%d ", task_cancel_pending(me));
    note("sleep=%d ", async_sleep(0.1)); /* -ECANCELED unless the count went back to 0 */
    unsigned a = task_uncancel(me), b = task_uncancel(me);
    note("uncancel=%u,%u", a, b);
    return NULL;
}

static void *cancel_counting(void *arg)
{
    (void)arg;
    struct task *t = create_task("swallower", swallower, NULL);
    async_sleep(0.5);
    int first = task_cancel(t), second = task_cancel(t);
    note("cancel=%d,%d count=%u ", first, second, task_cancelling(t));
    void *r = NULL;
    int rc = await_task(t, &r);
    note("await=%d:%s count=%u ", rc, (char *)r, task_cancelling(t));
    rc = task_cancel(t);
    note("done-cancel=%d count=%u", rc, task_cancelling(t));
    task_release(t);
    return NULL;
}

/* A sleep cut short by a cancel leaves no timer behind: the loop runs past its deadline. */
static void *sleep_cut_short(void *arg)
{
    (void)arg;
    struct task *t = create_task("sleeper", inner_sleeper_5, NULL);
    async_sleep(1);
    task_cancel(t);
    int rc = await_task(t, NULL);
    note("cut=%d ", rc);
    rc = async_sleep(10);
    note("past-deadline=%d t=%.3f", rc, now());
    task_release(t);
    return NULL;
}

static void *cancel_before_start(void *arg)
{
    struct victim *v = arg;
    struct task *t = create_task("early", victim_body, v);
    task_cancel(t); /* it has not had a turn yet */
    note("rc=%d ran=%d", await_task(t, NULL), v->ran);
    task_release(t);
    return NULL;
}

/* A task takes its stack at its first step: with no stack to be had, create_task still
 * succeeds, and the task ends with -ENOMEM, its body never run. */
static void *stack_at_first_step(void *arg)
{
    struct victim *v = arg;
    size_t saved = coro_default_stack_size();
    coro_set_stack(SIZE_MAX / 2 + 1, true); /* no address space is that big */
    struct task *t = create_task("stackless", victim_body, v);
    int rc = t ? await_task(t, NULL) : -errno;
    coro_set_stack(saved, true);
    if (!t)
        return task_raise(rc, "create_task");
    note("rc=%d ran=%d msg=%s", rc, v->ran, task_error_message(t));
    task_release(t);
    return NULL;
}

static void *reads_the_clock(void *arg)
{
    (void)arg;
    async_sleep(1.5);
    note("%.3f=%.3f", running_loop_time(), loop_time(loop_get_running()));
    return NULL;
}

static void *inner_sleeper(void *arg)
{
    int *rc = arg;
    *rc = async_sleep(5);
    return *rc ? task_raise(*rc, NULL) : NULL;
}

static void *outer_awaiter(void *arg)
{
    int *inner_rc = arg;
    struct task *inner = create_task("inner", inner_sleeper, inner_rc);
    int rc = await_task(inner, NULL);
    note("outer=%d inner-cancelled=%d ", rc, task_cancelled(inner));
    task_release(inner);
    return task_raise(rc, "outer");
}

static void *cancel_chain(void *arg)
{
    struct task *outer = create_task("outer", outer_awaiter, arg);
    async_sleep(0.5);
    task_cancel(outer);
    note("awaited=%d t=%.3f", await_task(outer, NULL), now());
    task_release(outer);
    return NULL;
}

/* test_cancel_awaited_task (bpo-34872): a task that cancelled itself, then awaits a task */
struct awaited {
    struct future *fut;
    struct task *nested;
};

static void *awaits_fut(void *arg)
{
    int rc = await_future(arg, NULL);
    note("nested-got=%d ", rc);
    return task_raise(rc ? rc : -EIO, "nested");
}

static void *cancels_itself_then_awaits(void *arg)
{
    struct awaited *a = arg;
    a->nested = create_task("nested", awaits_fut, a->fut);
    async_sleep(0); /* the nested task runs, and waits for fut */
    task_cancel(current_task());
    int rc = await_task(a->nested, NULL);
    note("awaited=%d ", rc);
    return task_raise(rc, "coro");
}

static void *cancel_awaited_task(void *arg)
{
    (void)arg;
    struct awaited a = {future_new(loop_get_running()), NULL};
    struct task *t = create_task("coro", cancels_itself_then_awaits, &a);
    int rc = await_task(t, NULL);
    note("task=%d cancelled=%d,%d,%d", rc, task_cancelled(t), task_cancelled(a.nested),
         future_cancelled(a.fut));
    task_release(a.nested);
    task_release(t);
    future_unref(a.fut);
    return NULL;
}

/* ---- sleep(0) takes turns ---- */

static void *turns(void *arg)
{
    for (int i = 1; i <= 3; i++) {
        note("%s%d ", (char *)arg, i);
        async_sleep(0);
    }
    return NULL;
}

static void *two_turn_takers(void *arg)
{
    (void)arg;
    struct task *a = create_task("A", turns, "A");
    struct task *b = create_task("B", turns, "B");
    await_task(a, NULL);
    await_task(b, NULL);
    task_release(a);
    task_release(b);
    note("t=%.3f", now());
    return NULL;
}

/* ---- introspection ---- */

static void *listed(void *arg)
{
    (void)arg;
    async_sleep(1);
    return NULL;
}

static void *lister(void *arg)
{
    (void)arg;
    struct task *t[3];
    t[0] = create_task("fetch", listed, NULL);
    t[1] = create_task("parse", listed, NULL);
    t[2] = create_task("fetch", listed, NULL);
    struct task *all[8];
    size_t n = all_tasks(all, 8);
    note("%zu:", n);
    for (size_t i = 0; i < n && i < 8; i++)
        note(" %s", task_name(all[i]));
    note(" current=%s", current_task() ? task_name(current_task()) : "none");
    for (int i = 0; i < 3; i++) {
        await_task(t[i], NULL);
        task_release(t[i]);
    }
    note(" after=%zu", all_tasks(NULL, 0));
    return NULL;
}

/* ---- a future completed by another thread ---- */

static void complete_it(struct loop *loop, void *arg)
{
    (void)loop;
    future_set_result(arg, "from a thread");
}

static void *thread_body(void *arg)
{
    struct future *f = arg;
    usleep(20000);
    loop_call_soon_threadsafe(future_loop(f), complete_it, f);
    return NULL;
}

static void *awaits_thread(void *arg)
{
    (void)arg;
    struct future *f = future_new(loop_get_running());
    pthread_t th;
    CHECK_PT(pthread_create(&th, NULL, thread_body, f));
    void *r = NULL;
    int rc = await_future(f, &r);
    note("%d:%s", rc, r ? (char *)r : "-");
    CHECK_PT(pthread_join(th, NULL));
    future_unref(f);
    return NULL;
}

/* ---- errors nobody retrieved ---- */

static char unhandled[128];

static void catch_error(struct loop *loop, const struct loop_error *e, void *arg)
{
    (void)loop;
    (void)arg;
    snprintf(unhandled, sizeof unhandled, "%s|%s|%s", e->message, e->source ? e->source : "-",
             e->detail ? e->detail : "-");
}

static void *fire_and_forget(void *arg)
{
    (void)arg;
    task_release(create_task("forgotten", fails, NULL));
    async_sleep(1);
    return NULL;
}

/* test_tb_logger_not_called_after_cancel: cancelling a task that failed silences it */
static void *cancel_after_failure(void *arg)
{
    (void)arg;
    struct task *t = create_task("failed", fails, NULL);
    async_sleep(1);
    note("cancel=%d", task_cancel(t));
    task_release(t);
    return NULL;
}

/* An outer task cancelled after the inner task it awaited failed, before it could read it. */
static void *awaits_inner_failure(void *arg)
{
    struct task *inner = create_task("inner", fails, NULL); /* fails at 0.01 */
    *(struct task **)arg = inner;
    int rc = await_task(inner, NULL);
    return task_raise(rc, "outer");
}

static void *outer_cancelled_after_inner_failed(void *arg)
{
    (void)arg;
    struct task *inner = NULL;
    struct task *outer = create_task("outer", awaits_inner_failure, &inner);
    async_sleep(0); /* outer runs, and awaits inner */
    async_sleep(0); /* inner runs: it fails at 0.01 */
    async_sleep(0.01); /* this timer was set after inner's: main runs just after inner failed */
    task_cancel(outer);
    int rc = await_task(outer, NULL);
    note("outer=%d inner-failed=%d", rc, task_error_message(inner) != NULL);
    task_release(outer);
    task_release(inner);
    return NULL;
}

/* ---- faults, each in a child process whose stderr we read ---- */

static void *leaves_work(void *arg)
{
    (void)arg;
    task_release(create_task("monitor", listed, NULL));
    create_task("unreleased", listed, NULL); /* never released: a leak */
    return NULL;
}

static void *main_fails(void *arg)
{
    (void)arg;
    return task_raise(-EIO, "disk %d is on fire", 4);
}

static void *say_hello(void *arg)
{
    (void)arg;
    say("hello from a task");
    return NULL;
}

static long dive(long depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    return depth < (1L << 40) ? dive(depth + 1) + frame[0] : 0;
}

static void *overflows(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)dive(0);
}

static void *starts_diver(void *arg)
{
    (void)arg;
    struct task *t = create_task("deep-diver", overflows, NULL);
    await_task(t, NULL);
    return NULL;
}

struct child_main { /* a function pointer cannot travel as a void * in ISO C */
    task_fn *fn;
};

/* In a child: asyncio.run(main), the child's exit status saying whether it succeeded. */
static void run_main(void *arg)
{
    int rc = async_run(((struct child_main *)arg)->fn, NULL, NULL);
    fflush(stdout);
    _exit(rc == 0 ? 0 : 3);
}

/* Run fn as main in a child, its output in buf; returns the wait status. */
static int in_child(task_fn *fn, char *buf, size_t size)
{
    return run_in_child(run_main, &(struct child_main){fn}, buf, size);
}

int main(void)
{
    errno = 0;
    ok(create_task("orphan", listed, NULL) == NULL && errno == ESRCH,
       "create_task with no running loop: NULL, errno ESRCH");
    is_long(async_sleep(1), -EPERM, "a suspension outside a task: -EPERM");

    void *result = NULL;
    is_long(run_virtual(three_sleepers, NULL, &result), 0, "async_run_on returns main's outcome");
    is_str(result, "done", "and main's result");
    is_str(trace, "s0.1@0.100 s0.2@0.200 s0.3@0.300 all@0.300",
           "sleeping tasks overlap: they wake in deadline order, all done at 0.3 s, not 0.6");

    run_virtual(awaits_failure, NULL, NULL);
    char want[200];
    snprintf(want, sizeof want, "rc=%d msg=disk 3 is on fire again=%d self=%d self-future=%d ",
             -EIO, -EALREADY, -EDEADLK, -EDEADLK);
    is_str(trace, want,
           "an error arrives as code + message; a second await is -EALREADY; self is -EDEADLK");

    run_virtual(one_owner, NULL, NULL);
    snprintf(want, sizeof want, "look=0 take=0:page future-again=%d task-again=%d -", -EALREADY,
             -EALREADY);
    is_str(trace, want,
           "one owner: await_future(task_future(t)) takes the result as await_task does; "
           "after it, either read gets -EALREADY; a read with NULL only looks");

    struct victim v[3] = {{"propagates", false, 0.25, false, 0, 0},
                          {"swallows", true, 0, false, 0, 0},
                          {"third", false, 0, false, 0, 0}};
    run_virtual(cancel_scenarios, v, NULL);
    snprintf(want, sizeof want,
             "cancel=0,0 cancel-c=0 cleanup took 0.250 a=%d a-cancelled=1 b=0:swallowed "
             "b-cancelled=0 c=%d finished-cancel=%d t=1.250",
             -ECANCELED, -ECANCELED, -EINVAL);
    is_str(trace, want, "cancellation: delivered to the sleep, then cleanup can await");
    ok(v[0].sleep_rc == -ECANCELED && v[0].cleanup_rc == 0,
       "the cancelled sleep returned -ECANCELED once; the cleanup sleep after it 0");
    ok(v[1].sleep_rc == -ECANCELED, "a task that swallows it ends with its result, not cancelled");

    run_virtual(cancel_counting, NULL, NULL);
    snprintf(want, sizeof want,
             "cancel=0,0 count=2 swallowed=%d count=2 await=0:kept going count=2 "
             "done-cancel=%d count=2",
             -ECANCELED, -EINVAL);
    is_str(trace, want,
           "two cancels count two and deliver one -ECANCELED; a task that swallows it keeps "
           "its count; cancelling a finished task counts nothing");

    unsigned once = 1, twice = 2;
    run_virtual(self_uncancel, &once, NULL);
    is_str(trace, "count=1 pending=1 uncancel=0 pending=0 sleep=0 uncancel=0,0",
           "uncancel to 0 withdraws the cancel not yet delivered (3.13), and stops at 0");
    run_virtual(self_uncancel, &twice, NULL);
    snprintf(want, sizeof want, "count=2 pending=1 uncancel=1 pending=1 sleep=%d uncancel=0,0",
             -ECANCELED);
    is_str(trace, want, "uncancel above 0 leaves the cancel to be delivered");

    run_virtual(sleep_cut_short, NULL, NULL);
    snprintf(want, sizeof want, "cut=%d past-deadline=0 t=11.000", -ECANCELED);
    is_str(trace, want,
           "a sleep cut short by a cancel leaves no timer behind (ASan and valgrind see one "
           "that fires on the freed sleep)");

    struct victim early = {"early", false, 0, false, 0, 0};
    run_virtual(cancel_before_start, &early, NULL);
    snprintf(want, sizeof want, "rc=%d ran=0", -ECANCELED);
    is_str(trace, want, "a task cancelled before its first turn never runs");

    run_virtual(reads_the_clock, NULL, NULL);
    is_str(trace, "1.500=1.500", "running_loop_time is the running loop's clock, read in a task");

    struct victim stackless = {"stackless", false, 0, false, 0, 0};
    is_long(run_virtual(stack_at_first_step, &stackless, NULL), 0,
            "create_task maps no stack: it succeeds even when none could be mapped");
    snprintf(want, sizeof want, "rc=%d ran=0 msg=no memory for the task's stack", -ENOMEM);
    is_str(trace, want, "the stack is taken at the first step: none to be had, -ENOMEM, body never run");

    int inner_rc = 0;
    run_virtual(cancel_chain, &inner_rc, NULL);
    snprintf(want, sizeof want, "outer=%d inner-cancelled=1 awaited=%d t=0.500", -ECANCELED,
             -ECANCELED);
    is_str(trace, want, "cancelling a task that awaits another cancels that one too");
    is_long(inner_rc, -ECANCELED, "the inner task's sleep saw the cancellation");

    run_virtual(cancel_awaited_task, NULL, NULL);
    snprintf(want, sizeof want, "nested-got=%d awaited=%d task=%d cancelled=1,1,1", -ECANCELED,
             -ECANCELED, -ECANCELED);
    is_str(trace, want,
           "a task that cancelled itself and then awaits a task cancels that task and what it "
           "waits for, and resumes once it has ended (test_cancel_awaited_task)");

    run_virtual(two_turn_takers, NULL, NULL);
    is_str(trace, "A1 B1 A2 B2 A3 B3 t=0.000", "sleep(0) gives the other task a turn, in order");

    run_virtual(lister, NULL, NULL);
    is_str(trace, "4: main fetch parse fetch current=main after=1",
           "all_tasks lists the live tasks oldest first; current_task is the caller");

    struct loop *loop = loop_new(); /* the real clock: a thread's time is real */
    trace[0] = '\0';
    async_run_on(loop, awaits_thread, NULL, NULL);
    loop_close(loop);
    is_str(trace, "0:from a thread",
           "a future completed from another thread (call_soon_threadsafe) wakes its awaiter");

    loop = loop_new();
    loop_set_virtual_clock(loop, true);
    loop_set_exception_handler(loop, catch_error, NULL);
    async_run_on(loop, fire_and_forget, NULL, NULL);
    loop_close(loop);
    is_str(unhandled, "Task exception was never retrieved|forgotten|disk 3 is on fire",
           "an error nobody awaited is reported, naming the task");

    loop = loop_new();
    loop_set_virtual_clock(loop, true);
    loop_set_exception_handler(loop, catch_error, NULL);
    unhandled[0] = '\0';
    trace[0] = '\0';
    async_run_on(loop, cancel_after_failure, NULL, NULL);
    snprintf(want, sizeof want, "cancel=%d", -EINVAL);
    ok(strcmp(trace, want) == 0 && unhandled[0] == '\0',
       "cancelling a task that failed returns -EINVAL and silences its report "
       "(test_tb_logger_not_called_after_cancel): %s", unhandled);
    trace[0] = '\0';
    unhandled[0] = '\0';
    async_run_on(loop, outer_cancelled_after_inner_failed, NULL, NULL);
    loop_close(loop);
    snprintf(want, sizeof want, "outer=%d inner-failed=1", -ECANCELED);
    ok(strcmp(trace, want) == 0 && unhandled[0] == '\0',
       "an outer task cancelled after the inner task it awaited failed: -ECANCELED, and no "
       "report for the inner (%s) %s", trace, unhandled);

    char out[4096];
    setenv("LAB_VIRTUAL_CLOCK", "1", 1);
    int status = in_child(leaves_work, out, sizeof out);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "async_run with leftovers still ends cleanly");
    ok(strstr(out, "[async_run] 2 tasks still running: monitor, unreleased; cancelling") != NULL,
       "async_run names the tasks still running when main ends, and cancels them");
    ok(strstr(out, "task 'unreleased' was never released (task_release): a leak") != NULL,
       "and names the task nobody released");
    if (!strstr(out, "a leak"))
        diag("%s", out);

    in_child(main_fails, out, sizeof out);
    ok(strstr(out, "[async_run] main ended with an error: disk 4 is on fire (") != NULL,
       "a main that fails: async_run says so on stderr, with its message");

    status = in_child(say_hello, out, sizeof out);
    ok(strstr(out, "] [main] hello from a task") != NULL, "say() inside a task names the task");

    coro_set_stack(32 * 1024, true);
    status = in_child(starts_diver, out, sizeof out);
    ok(!(WIFEXITED(status) && WEXITSTATUS(status) == 0), "a task overflowing its stack dies");
    ok(strstr(out, "stack overflow in 'deep-diver'") != NULL, "and the report names the task");
    return done_testing();
}
