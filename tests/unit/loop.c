/*
 * Unit tests of common/loop: every law at the top of loop.h, on each backend this build
 * has (epoll and poll on Linux). Timing laws run on the virtual clock: exact and instant.
 */
#include "clock.h"
#include "fds.h"
#include "future.h"
#include "loop.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *backend; /* the backend under test, for the test names */

/* ---- a log of what ran, in order ---- */

static void note_arg(struct loop *loop, void *arg)
{
    (void)loop;
    note("%s", (const char *)arg);
}

static void stop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

static struct loop *new_virtual_loop(void)
{
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    return loop;
}

/* ---- ordering ---- */

static void test_call_soon_is_fifo(void)
{
    struct loop *loop = loop_new();
    trace[0] = 0;
    const char *names[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++)
        loop_call_soon(loop, note_arg, (void *)names[i]);
    loop_call_soon(loop, stop, NULL);
    loop_run_forever(loop);
    is_str(trace, "abcde", "%s: callbacks run in the order they were scheduled", backend);
    loop_close(loop);
}

static double ran_at[8];

static void note_time(struct loop *loop, void *arg)
{
    note("%s", (const char *)arg);
    ran_at[((const char *)arg)[0] - 'a'] = loop_time(loop);
}

static void test_equal_deadlines_are_fifo(void)
{
    struct loop *loop = new_virtual_loop();
    trace[0] = 0;
    /* Scheduled out of order; a, c, e share a deadline, as do b and d. */
    loop_call_later(loop, 2.0, note_time, "a");
    loop_call_later(loop, 1.0, note_time, "b");
    loop_call_later(loop, 2.0, note_time, "c");
    loop_call_later(loop, 1.0, note_time, "d");
    loop_call_later(loop, 2.0, note_time, "e");
    loop_call_later(loop, 0.5, note_time, "f");
    loop_call_later(loop, 3.0, stop, NULL);
    loop_run_forever(loop);
    is_str(trace, "fbdace", "%s: earliest deadline first; equal deadlines in scheduling order",
           backend);
    ok(ran_at[5] == 0.5 && ran_at[1] == 1.0 && ran_at[4] == 2.0 && loop_time(loop) == 3.0,
       "%s: on the virtual clock each timer runs exactly at its deadline", backend);
    loop_close(loop);
}

static void test_virtual_clock_from_environment(void)
{
    setenv("LAB_VIRTUAL_CLOCK", "1", 1);
    struct loop *loop = loop_new();
    unsetenv("LAB_VIRTUAL_CLOCK");
    double start = now_sec();
    loop_call_later(loop, 3600.0, stop, NULL);
    loop_run_forever(loop);
    ok(loop_time(loop) == 3600.0 && now_sec() - start < 60,
       "%s: LAB_VIRTUAL_CLOCK=1 gives a new loop the virtual clock (an hour in an instant)",
       backend);
    loop_close(loop);
}

static void test_timer_never_early(void)
{
    struct loop *loop = loop_new(); /* the real clock this time */
    double start = loop_time(loop);
    loop_call_later(loop, 0.03, note_time, "a");
    loop_call_later(loop, 0.03, stop, NULL);
    loop_run_forever(loop);
    ok(ran_at[0] - start >= 0.03,
       "%s: a 30 ms timer on the real clock waits at least 30 ms "
       "(%.4f s)",
       backend, ran_at[0] - start);
    loop_close(loop);
}

/* ---- cancelling ---- */

/* Notes one character: the one `arg` points to. */
static void note_letter(struct loop *loop, void *arg)
{
    (void)loop;
    note("%c", *(const char *)arg);
}

static struct loop_handle victim;
static int drops;

static void cancel_victim(struct loop *loop, void *arg)
{
    (void)arg;
    note("%s", loop_cancel(loop, victim) ? "X" : "x");
}

static void count_drop(struct loop *loop, void *arg)
{
    (void)loop;
    (void)arg;
    drops++;
}

static void test_cancel_from_inside(void)
{
    struct loop *loop = new_virtual_loop();
    trace[0] = 0;
    drops = 0;
    /* Both due at 1.0, so both are in the same iteration when the first cancels the second. */
    loop_call_later(loop, 1.0, cancel_victim, NULL);
    victim = loop_call_later(loop, 1.0, note_arg, "V");
    loop_handle_on_drop(loop, victim, count_drop);
    loop_call_later(loop, 2.0, stop, NULL);
    loop_run_forever(loop);
    is_str(trace, "X", "%s: a timer cancelled by a callback of the same iteration never runs",
           backend);
    is_long(drops, 1, "%s: and its drop function ran instead, once", backend);

    trace[0] = 0;
    struct loop_handle soon = loop_call_soon(loop, note_arg, "S");
    victim = soon;
    loop_stop(loop); /* one iteration: S's slot is the last one freed, the next one taken */
    loop_run_forever(loop);
    ok(!loop_cancel(loop, soon) && !loop_handle_pending(loop, soon),
       "%s: cancelling a handle that already ran is a harmless no-op", backend);
    /* Its slot is reused by the next callback: the stale handle must not cancel that one. */
    loop_call_soon(loop, note_arg, "T");
    cancel_victim(loop, NULL);
    loop_call_soon(loop, stop, NULL);
    loop_run_forever(loop);
    is_str(trace, "SxT", "%s: a stale handle cannot cancel the callback that reused its slot",
           backend);
    ok(!loop_cancel(loop, (struct loop_handle){0}), "%s: the null handle cancels nothing", backend);
    loop_close(loop);
}

/* The ready queue is a ring: growing it while its entries wrap past the end keeps them
 * in order. Eleven callbacks take the ring's head to 11 of 16; the last schedules 30. */
static void schedule_thirty(struct loop *loop, void *arg)
{
    (void)arg;
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCD";
    for (int i = 0; i < 30; i++)
        loop_call_soon(loop, note_letter, (void *)&letters[i]);
    loop_call_soon(loop, stop, NULL);
}

static void test_ready_ring_grows_wrapped(void)
{
    struct loop *loop = loop_new();
    trace[0] = 0;
    for (int i = 0; i < 10; i++)
        loop_call_soon(loop, note_letter, (void *)".");
    loop_call_soon(loop, schedule_thirty, NULL);
    loop_run_forever(loop);
    is_str(trace, "..........abcdefghijklmnopqrstuvwxyzABCD",
           "%s: callbacks scheduled while the ready ring wraps and grows keep their order",
           backend);
    loop_close(loop);
}

/* ---- file descriptors ---- */

struct two_pipes {
    int a[2], b[2];
    int runs;
};

static void read_a_remove_b(struct loop *loop, void *arg)
{
    struct two_pipes *p = arg;
    p->runs++;
    loop_remove_reader(loop, p->a[0]);
    loop_remove_reader(loop, p->b[0]);
}

static void test_removed_reader_not_dispatched(void)
{
    struct loop *loop = loop_new();
    struct two_pipes p = {0};
    if (pipe(p.a) || pipe(p.b))
        return;
    /* Both fds are readable in the same poll; whichever runs first removes both readers. */
    (void)!write(p.a[1], "x", 1);
    (void)!write(p.b[1], "x", 1);
    loop_add_reader(loop, p.a[0], read_a_remove_b, &p);
    loop_add_reader(loop, p.b[0], read_a_remove_b, &p);
    loop_call_later(loop, 0.05, stop, NULL);
    loop_run_forever(loop);
    is_long(p.runs, 1, "%s: a reader removed while its event is pending is not dispatched",
            backend);
    ok(!loop_remove_reader(loop, p.a[0]), "%s: removing it again says there was none", backend);
    for (int i = 0; i < 2; i++) {
        close(p.a[i]);
        close(p.b[i]);
    }
    loop_close(loop);
}

struct level {
    int fd, runs;
};

static void read_one_byte(struct loop *loop, void *arg)
{
    struct level *l = arg;
    char c;
    l->runs++;
    if (read(l->fd, &c, 1) <= 0 || l->runs == 3) {
        loop_remove_reader(loop, l->fd);
        loop_stop(loop);
    }
}

static void test_fds(void)
{
    struct loop *loop = loop_new();
    int p[2];
    if (pipe(p))
        return;
    struct level l = {p[0], 0};
    (void)!write(p[1], "abc", 3);
    loop_add_reader(loop, p[0], read_one_byte, &l);
    loop_run_forever(loop);
    is_long(l.runs, 3, "%s: level-triggered: the reader runs again while data is left", backend);

    l.runs = 0;
    close(p[1]);
    loop_add_reader(loop, p[0], read_one_byte, &l);
    loop_run_forever(loop);
    is_long(l.runs, 1, "%s: a hang-up wakes the reader, which reads end-of-file", backend);
    close(p[0]);

    is_long(loop_add_reader(loop, p[0], read_one_byte, &l), -EBADF,
            "%s: watching a closed fd is -EBADF", backend);

    if (pipe(p))
        return;
    bool before = loop_has_reader(loop, p[0]);
    loop_add_reader(loop, p[0], read_one_byte, &l);
    loop_add_writer(loop, p[1], read_one_byte, &l);
    bool during = loop_has_reader(loop, p[0]) && loop_has_writer(loop, p[1]) &&
                  !loop_has_writer(loop, p[0]) && !loop_has_reader(loop, p[1]);
    loop_remove_reader(loop, p[0]);
    loop_remove_writer(loop, p[1]);
    ok(!before && during && !loop_has_reader(loop, p[0]) && !loop_has_writer(loop, p[1]),
       "%s: loop_has_reader/writer: true only while that direction is watched", backend);
    ok(!loop_has_reader(loop, -1) && !loop_has_writer(loop, 1 << 20),
       "%s: and false for an fd never seen", backend);
    close(p[0]);
    close(p[1]);
    if (strcmp(backend, "epoll") == 0) {
        FILE *file = tmpfile();
        is_long(loop_add_reader(loop, fileno(file), read_one_byte, &l), -EPERM,
                "epoll: a regular file cannot be watched: -EPERM");
        fclose(file);
    }
    loop_close(loop);
}

/* What the kernel is told: each change of the directions an fd is watched for, and
 * nothing when a reader or writer is only replaced (a pooled connection's socket in
 * chapter 07 is re-added with the same direction at every transfer). */
static void test_watch_changes(void)
{
    struct loop *loop = loop_new();
    int p[2];
    if (pipe(p))
        return;
    struct level l = {p[0], 0};
    uint64_t at = loop_get_stats(loop).watch_changes;
    long steps[5];
    loop_add_reader(loop, p[0], read_one_byte, &l);
    steps[0] = (long)(loop_get_stats(loop).watch_changes - at);
    loop_add_reader(loop, p[0], read_one_byte, &l);
    steps[1] = (long)(loop_get_stats(loop).watch_changes - at);
    loop_add_writer(loop, p[0], read_one_byte, &l);
    steps[2] = (long)(loop_get_stats(loop).watch_changes - at);
    loop_remove_writer(loop, p[0]);
    steps[3] = (long)(loop_get_stats(loop).watch_changes - at);
    loop_remove_reader(loop, p[0]);
    steps[4] = (long)(loop_get_stats(loop).watch_changes - at);
    ok(steps[0] == 1 && steps[1] == 1 && steps[2] == 2 && steps[3] == 3 && steps[4] == 4,
       "%s: the kernel is told of a reader added, not of it replaced; of a writer added and "
       "removed, and the reader removed (changes after each: %ld %ld %ld %ld %ld)",
       backend, steps[0], steps[1], steps[2], steps[3], steps[4]);
    close(p[0]);
    close(p[1]);
    loop_close(loop);
}

/* ---- the poll rule: no system call per callback, and I/O never starved ---- */

/* A callback that reschedules itself `limit` times, each run taking at least `burn_ns`
 * of real time; what a reader or a timer sees of it is noted in runs_when_*. */
struct spinner {
    long runs, limit, runs_when_read, runs_when_timer;
    uint64_t burn_ns;
    int fd;
};

static void spin(struct loop *loop, void *arg)
{
    struct spinner *s = arg;
    uint64_t start = now_ns();
    while (now_ns() - start < s->burn_ns)
        ;
    if (++s->runs < s->limit)
        loop_call_soon(loop, spin, s);
    else
        loop_stop(loop);
}

static void reader_saw(struct loop *loop, void *arg)
{
    struct spinner *s = arg;
    s->runs_when_read = s->runs;
    loop_remove_reader(loop, s->fd);
}

static void test_poll_rule(void)
{
    struct loop *loop = new_virtual_loop();
    struct spinner s = {.limit = 10000};
    loop_call_soon(loop, spin, &s);
    uint64_t polls = loop_get_stats(loop).polls;
    loop_run_forever(loop);
    polls = loop_get_stats(loop).polls - polls;
    ok(polls >= 10000 / LOOP_POLL_EVERY - 1 && polls <= 10000 / LOOP_POLL_EVERY + 2,
       "%s: 10,000 ready callbacks cost %llu polls, one per %d callbacks", backend,
       (unsigned long long)polls, LOOP_POLL_EVERY);

    int p[2];
    if (pipe(p))
        return;
    (void)!write(p[1], "x", 1);
    s = (struct spinner){.limit = 1000, .runs_when_read = -1, .fd = p[0]};
    loop_call_soon(loop, spin, &s);
    loop_add_reader(loop, p[0], reader_saw, &s);
    loop_run_forever(loop);
    ok(s.runs_when_read >= 0 && s.runs_when_read <= LOOP_POLL_EVERY + 1,
       "%s: a readable fd is served while a callback keeps rescheduling itself (after %ld)",
       backend, s.runs_when_read);
    close(p[0]);
    close(p[1]);
    loop_close(loop);
}

/* A busy loop reads its clock once per LOOP_CLOCK_EVERY callbacks, not at each iteration
 * (here each iteration runs one callback). */
static void test_clock_rule(void)
{
    struct loop *loop = new_virtual_loop();
    struct spinner s = {.limit = 10000};
    loop_call_soon(loop, spin, &s);
    struct loop_stats before = loop_get_stats(loop);
    loop_run_forever(loop);
    struct loop_stats after = loop_get_stats(loop);
    uint64_t reads = after.clock_reads - before.clock_reads, polls = after.polls - before.polls;
    ok(reads <= 10000 / LOOP_CLOCK_EVERY + polls + 2,
       "%s: 10,000 ready callbacks, one an iteration, read the clock %llu times: once per %d "
       "callbacks, and after each of %llu polls",
       backend, (unsigned long long)reads, LOOP_CLOCK_EVERY, (unsigned long long)polls);
    loop_close(loop);
}

static void timer_saw(struct loop *loop, void *arg)
{
    (void)loop;
    struct spinner *s = arg;
    s->runs_when_timer = s->runs;
}

/*
 * On the real clock: callbacks of 0.2 ms each keep the loop busy. The poll interval (1 ms)
 * and a timer set 1 ms ahead are both passed after 5 of them; the loop must see it at its
 * next reading of the clock, within LOOP_CLOCK_EVERY callbacks, not wait for the poll
 * that LOOP_POLL_EVERY callbacks bring. A slower machine only makes each callback longer,
 * which makes both due sooner: the bounds hold however busy it is.
 */
static void test_slow_callbacks_keep_time(void)
{
    struct loop *loop = loop_new();
    int p[2];
    if (pipe(p))
        return;
    (void)!write(p[1], "x", 1);
    uint64_t burn_ns = 200000;
    long bound = (long)(LOOP_POLL_INTERVAL_NS / burn_ns) + LOOP_CLOCK_EVERY + 2;
    struct spinner s = {.limit = bound + 1, .runs_when_read = -1, .runs_when_timer = -1,
                        .burn_ns = burn_ns, .fd = p[0]};
    loop_call_soon(loop, spin, &s);
    loop_call_later(loop, (double)LOOP_POLL_INTERVAL_NS / 1e9, timer_saw, &s);
    loop_add_reader(loop, p[0], reader_saw, &s);
    loop_run_forever(loop);
    ok(s.runs_when_read >= 0 && s.runs_when_read <= bound,
       "%s: slow callbacks: a readable fd is served once the poll interval has passed (after "
       "%ld callbacks of 0.2 ms; at most %ld)",
       backend, s.runs_when_read, bound);
    ok(s.runs_when_timer >= 0 && s.runs_when_timer <= bound,
       "%s: slow callbacks: a timer 1 ms ahead runs at most %d callbacks after it is due "
       "(after %ld callbacks of 0.2 ms; at most %ld)",
       backend, LOOP_CLOCK_EVERY, s.runs_when_timer, bound);
    close(p[0]);
    close(p[1]);
    loop_close(loop);
}

static void record_time(struct loop *loop, void *arg)
{
    *(double *)arg = loop_time(loop);
}

/* A loop that ran on the real clock and then switched to the virtual one (allowed while
 * nothing is scheduled) does not judge its timers by its last real reading. */
static void test_clock_switch_between_runs(void)
{
    struct loop *loop = loop_new();
    loop_call_later(loop, 0.001, stop, NULL);
    loop_run_forever(loop); /* its last reading: the real time, hours or days of uptime */
    loop_set_virtual_clock(loop, true);
    struct spinner s = {.limit = 3};
    double fired = -1;
    loop_call_soon(loop, spin, &s);
    loop_call_later(loop, 5.0, record_time, &fired);
    loop_run_forever(loop);
    ok(fired < 0,
       "%s: after a switch to the virtual clock, a timer 5 s ahead has not run at virtual "
       "time %.1f s",
       backend, loop_time(loop));
    loop_close(loop); /* drops the timer */
}

/* ---- stop ---- */

static void stop_and_schedule(struct loop *loop, void *arg)
{
    note("%s", (const char *)arg);
    loop_stop(loop);
    loop_call_soon(loop, note_arg, "D");
}

static void test_stop_finishes_iteration(void)
{
    struct loop *loop = loop_new();
    trace[0] = 0;
    loop_call_soon(loop, stop_and_schedule, "A");
    loop_call_soon(loop, note_arg, "B");
    loop_call_soon(loop, note_arg, "C");
    loop_run_forever(loop);
    is_str(trace, "ABC", "%s: stop from a callback lets the iteration's other callbacks run",
           backend);
    loop_call_soon(loop, stop, NULL);
    loop_run_forever(loop);
    is_str(trace, "ABCD", "%s: what they scheduled runs in the next run", backend);

    loop_stop(loop);
    loop_call_soon(loop, note_arg, "E");
    loop_run_forever(loop);
    is_str(trace, "ABCDE", "%s: stop before run: the next run does one iteration", backend);
    loop_close(loop);
}

/* ---- signals ---- */

static pthread_t loop_thread;
static bool signal_in_loop_thread;

static void on_usr1(struct loop *loop, void *arg)
{
    (*(int *)arg)++;
    signal_in_loop_thread = pthread_equal(pthread_self(), loop_thread);
    loop_stop(loop);
}

static void *send_usr1_later(void *arg)
{
    (void)arg;
    usleep(50 * 1000);
    kill(getpid(), SIGUSR1);
    return NULL;
}

static void test_signal_during_wait(void)
{
    struct loop *loop = loop_new();
    int delivered = 0;
    loop_thread = pthread_self();
    is_long(loop_add_signal_handler(loop, SIGUSR1, on_usr1, &delivered), 0,
            "%s: a handler for SIGUSR1 is installed", backend);
    ok(loop_add_signal_handler(loop, SIGKILL, on_usr1, NULL) == -EINVAL,
       "%s: SIGKILL cannot be handled: -EINVAL", backend);
    struct loop_handle guard = loop_call_later(loop, 10.0, stop, NULL); /* if it never comes */
    pthread_t t;
    pthread_create(&t, NULL, send_usr1_later, NULL);
    loop_run_forever(loop);
    pthread_join(t, NULL);
    ok(delivered == 1 && signal_in_loop_thread,
       "%s: a signal sent while the loop is blocked is delivered, in the loop's thread", backend);
    loop_cancel(loop, guard);
    ok(loop_remove_signal_handler(loop, SIGUSR1), "%s: the handler is removed", backend);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    ok(now.sa_handler == SIG_DFL, "%s: and the previous disposition restored", backend);
    loop_close(loop);
}

/* ---- other threads ---- */

enum { THREADS = 4, CALLS = 500 };

struct from_thread {
    struct loop *loop;
    int id;
};

static int calls_seen, out_of_order, off_thread;
static int last_seen[THREADS];

static void count_call(struct loop *loop, void *arg)
{
    long v = (long)(intptr_t)arg;
    int thread = (int)(v / CALLS), n = (int)(v % CALLS);
    out_of_order += n != last_seen[thread] + 1;
    last_seen[thread] = n;
    off_thread += !pthread_equal(pthread_self(), loop_thread);
    if (++calls_seen == THREADS * CALLS)
        loop_stop(loop);
}

static void *call_in(void *arg)
{
    struct from_thread *ft = arg;
    for (int i = 0; i < CALLS; i++)
        loop_call_soon_threadsafe(ft->loop, count_call, (void *)(intptr_t)(ft->id * CALLS + i));
    return NULL;
}

static void test_threadsafe(void)
{
    struct loop *loop = loop_new();
    calls_seen = out_of_order = off_thread = 0;
    for (int i = 0; i < THREADS; i++)
        last_seen[i] = -1;
    loop_thread = pthread_self();
    pthread_t t[THREADS];
    struct from_thread ft[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ft[i] = (struct from_thread){loop, i};
        pthread_create(&t[i], NULL, call_in, &ft[i]);
    }
    loop_run_forever(loop); /* nothing else scheduled: only the other threads wake it */
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    is_long(calls_seen, THREADS * CALLS,
            "%s: all %d calls from %d threads ran, though the loop was blocked", backend,
            THREADS * CALLS, THREADS);
    ok(out_of_order == 0 && off_thread == 0,
       "%s: each thread's calls ran in its order, in the loop's thread", backend);
    loop_close(loop);
}

/* A threadsafe call made before a call_soon runs before it, as in asyncio's one ready queue. */
static void *call_a_from_thread(void *arg)
{
    loop_call_soon_threadsafe(arg, note_arg, "A");
    return NULL;
}

static void threadsafe_then_soon(struct loop *loop, void *arg)
{
    (void)arg;
    pthread_t t;
    pthread_create(&t, NULL, call_a_from_thread, loop);
    pthread_join(t, NULL); /* A was made before B: the join orders them */
    loop_call_soon(loop, note_arg, "B");
    loop_call_soon(loop, stop, NULL);
}

static void test_threadsafe_order(void)
{
    struct loop *loop = loop_new();
    trace[0] = '\0';
    loop_call_soon(loop, threadsafe_then_soon, NULL);
    loop_run_forever(loop);
    is_str(trace, "AB", "%s: a threadsafe call made before a call_soon runs before it", backend);
    loop_close(loop);
}

/* ---- work running elsewhere: the virtual clock waits for it ---- */

enum { WORKER_MS = 50 };

struct elsewhere {
    struct loop *loop;
    bool announced; /* the loop was told (loop_external_begin) */
    double back_at; /* loop_time when the worker's result came back */
};

static void worker_back(struct loop *loop, void *arg)
{
    struct elsewhere *e = arg;
    e->back_at = loop_time(loop);
    if (e->announced)
        loop_external_end(loop);
    note("worker ");
}

/* A job in another thread: WORKER_MS of real time, then back through the self-pipe. */
static void *worker_thread(void *arg)
{
    struct elsewhere *e = arg;
    sleep_sec(WORKER_MS / 1e3);
    loop_call_soon_threadsafe(e->loop, worker_back, e);
    return NULL;
}

static void note_and_stop(struct loop *loop, void *arg)
{
    note("%s", (const char *)arg);
    loop_stop(loop);
}

/* A 10 s timer beside a 50 ms job in a thread; returns loop_time when the timer ran. */
static double timer_vs_thread(bool announced, struct elsewhere *e, double *real)
{
    struct loop *loop = new_virtual_loop();
    trace[0] = 0;
    *e = (struct elsewhere){loop, announced, -1};
    if (announced)
        loop_external_begin(loop);
    pthread_t t;
    pthread_create(&t, NULL, worker_thread, e);
    loop_call_later(loop, 10.0, note_and_stop, "timer ");
    double start = now_sec();
    loop_run_forever(loop);
    *real = now_sec() - start;
    double timer_at = loop_time(loop);
    pthread_join(t, NULL);
    if (e->back_at < 0) { /* the timer won: let the worker's call land before closing */
        loop_call_later(loop, 1.0, stop, NULL);
        loop_run_forever(loop);
    }
    loop_close(loop);
    return timer_at;
}

static void test_external_work(void)
{
    struct elsewhere e;
    double real;
    timer_vs_thread(false, &e, &real);
    is_str(trace, "timer worker ",
           "%s: unannounced, a thread's job is overtaken by the clock's jump to a 10 s timer",
           backend);

    double timer_at = timer_vs_thread(true, &e, &real);
    is_str(trace, "worker timer ",
           "%s: announced (loop_external_begin), the loop waits for the job before jumping",
           backend);
    ok(e.back_at >= WORKER_MS / 1e3 * 0.9 && e.back_at < 10.0,
       "%s: and the clock advanced by the real wait (%.3f s for a %d ms job)", backend, e.back_at,
       WORKER_MS);
    ok(timer_at == 10.0 && real < 5.0,
       "%s: once the job is back the clock jumps again: the 10 s timer at exactly %.3f, after "
       "%.2f s of real time",
       backend, timer_at, real);
}

/* loop_run_until_external_done: runs exactly until the last job is back, no longer. */
static void test_run_until_external_done(void)
{
    struct loop *loop = new_virtual_loop();
    uint64_t before = loop_get_stats(loop).iterations;
    is_long(loop_run_until_external_done(loop), 0,
            "%s: run_until_external_done with nothing outstanding: 0 at once", backend);
    ok(loop_get_stats(loop).iterations == before, "%s: ... without running the loop", backend);

    trace[0] = 0;
    struct elsewhere e = {loop, true, -1};
    loop_external_begin(loop);
    pthread_t t;
    pthread_create(&t, NULL, worker_thread, &e);
    struct loop_handle timer = loop_call_later(loop, 10.0, note_and_stop, "timer ");
    int rc = loop_run_until_external_done(loop);
    pthread_join(t, NULL);
    is_str(trace, "worker ", "%s: it returns once the job is back, before a later timer", backend);
    ok(rc == 0 && loop_external_count(loop) == 0, "%s: 0, and nothing outstanding", backend);
    loop_cancel(loop, timer);

    loop_external_begin(loop);
    loop_call_soon(loop, stop, NULL);
    is_long(loop_run_until_external_done(loop), -EINTR,
            "%s: ended by loop_stop first: -EINTR, the job still outstanding", backend);
    loop_external_end(loop);
    loop_close(loop);
}

/* ---- futures and run_until_complete ---- */

static void resolve(struct loop *loop, void *arg)
{
    (void)loop;
    future_set_result(arg, "done");
}

static void test_run_until_complete(void)
{
    struct loop *loop = new_virtual_loop();
    struct future *f = future_new(loop);
    loop_call_later(loop, 5.0, resolve, f);
    void *result = NULL;
    ok(loop_run_until_complete(loop, f) == 0 && future_result(f, &result) == 0 &&
           strcmp(result, "done") == 0 && loop_time(loop) == 5.0,
       "%s: run_until_complete returns when the future is done, with its result", backend);
    future_unref(f);

    f = future_new(loop);
    loop_call_later(loop, 1.0, stop, NULL);
    is_long(loop_run_until_complete(loop, f), -EINTR,
            "%s: and -EINTR when the loop is stopped first", backend);
    future_unref(f);
    loop_close(loop);
}

/* ---- closing ---- */

static void test_close(void)
{
    int fds_before = fds_open_count();
    struct loop *loop = loop_new();
    drops = 0;
    struct loop_handle a = loop_call_soon(loop, note_arg, "never");
    struct loop_handle b = loop_call_later(loop, 60, note_arg, "never");
    loop_handle_on_drop(loop, a, count_drop);
    loop_handle_on_drop(loop, b, count_drop);
    loop_add_signal_handler(loop, SIGUSR2, stop, NULL);
    loop_close(loop);
    is_long(drops, 2, "%s: close drops the callbacks still scheduled, calling their drop", backend);
    is_long(fds_open_count(), fds_before, "%s: a closed loop leaves no fd open", backend);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    ok(now.sa_handler == SIG_DFL, "%s: and no signal handler installed", backend);
}

static void close_with_external_work(void *unused)
{
    (void)unused;
    struct loop *loop = loop_new();
    loop_external_begin(loop);
    loop_close(loop);
}

/* loop_close dies, saying why, while a job it was told of can still call into it. */
static void test_close_with_external_work(void)
{
    char msg[256];
    int status = run_in_child(close_with_external_work, NULL, msg, sizeof msg);
    msg[strcspn(msg, "\n")] = '\0';
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 1 && strstr(msg, "1 job(s) running"),
       "loop_close with external work outstanding dies with a message: %s", msg);
}

static void run_laws(const char *name)
{
    backend = name;
    setenv("LAB_LOOP_BACKEND", name, 1);
    struct loop *probe = loop_new();
    is_str(loop_backend_name(probe), name, "LAB_LOOP_BACKEND=%s chooses the %s backend", name,
           name);
    loop_close(probe);
    test_call_soon_is_fifo();
    test_equal_deadlines_are_fifo();
    test_virtual_clock_from_environment();
    test_timer_never_early();
    test_cancel_from_inside();
    test_ready_ring_grows_wrapped();
    test_removed_reader_not_dispatched();
    test_fds();
    test_watch_changes();
    test_poll_rule();
    test_clock_rule();
    test_slow_callbacks_keep_time();
    test_clock_switch_between_runs();
    test_stop_finishes_iteration();
    test_signal_during_wait();
    test_threadsafe();
    test_threadsafe_order();
    test_external_work();
    test_run_until_external_done();
    test_run_until_complete();
    test_close();
}

int main(void)
{
#ifdef __linux__
    run_laws("epoll");
#endif
    run_laws("poll");
    test_close_with_external_work();
    return done_testing();
}
