/*
 * loop.c — the heart of the event loop: one iteration (loop_run_once), which
 * run_forever only repeats, and the loop's birth and death around it. See loop.h;
 * handles and scheduling are in loop_handles.c. The loop knows nothing of futures:
 * running it until a future is done is loop_run.c's, a layer above future.c.
 */
#include "loop_private.h"

#include "args.h"
#include "check.h"
#include "clock.h"
#include "say.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local struct loop *running_loop;

/* ---- time ---- */

uint64_t loop_time_ns(const struct loop *loop)
{
    return loop->virtual_clock ? loop->virtual_now : now_ns();
}

double loop_time(const struct loop *loop)
{
    return (double)loop_time_ns(loop) / 1e9;
}

double running_loop_time(void)
{
    struct loop *loop = loop_get_running();
    if (!loop)
        die("running_loop_time: no loop is running in this thread");
    return loop_time(loop);
}

void loop_set_virtual_clock(struct loop *loop, bool on)
{
    if (loop->ready.count || loop->timers.count)
        die("loop_set_virtual_clock: set the clock before scheduling anything");
    loop->virtual_clock = on;
    loop->virtual_now = 0;
}

/* ---- one iteration ---- */

/* The earliest timer still scheduled (cancelled ones at the top are thrown away). */
static const struct timer_entry *next_timer(struct loop *loop)
{
    const struct timer_entry *top;
    struct timer_entry gone;
    while ((top = timer_heap_peek(&loop->timers)) && !loop_slot(loop, top->id)) {
        timer_heap_pop(&loop->timers, &gone);
        loop->cancelled_timers--;
    }
    return top;
}

/* How long step 1 may block: not at all if work is ready, else until the next timer. */
static int poll_timeout_ms(struct loop *loop, uint64_t now)
{
    if (loop->ready.count || loop->stopping)
        return 0;
    const struct timer_entry *t = next_timer(loop);
    if (!t)
        return -1;
    if (t->when <= now)
        return 0;
    /* Round up: waking a little late is fine, waking early would spin until the deadline. */
    uint64_t ms = (t->when - now + 999999) / 1000000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* The loop's own reading of its clock: the one the timers and the poll rule go by. */
static uint64_t read_clock(struct loop *loop)
{
    loop->stats.clock_reads++;
    loop->callbacks_at_clock = loop->stats.callbacks;
    return loop->now = loop_time_ns(loop);
}

static void poll_io(struct loop *loop, int timeout_ms)
{
    int n = loop->backend->wait(loop->backend_state, timeout_ms, loop->events, LOOP_MAX_EVENTS);
    loop->stats.polls++;
    loop->callbacks_at_poll = loop->stats.callbacks;
    loop_io_dispatch(loop, loop->events, n);
}

/* Step 1, with the virtual clock: jump to the next timer instead of sleeping for it. */
static void poll_io_virtual(struct loop *loop)
{
    int timeout = poll_timeout_ms(loop, loop->virtual_now);
    const struct timer_entry *t = next_timer(loop);
    /* Something outside the loop may end before the next timer: a watched fd (the loop's
     * own wake-up pipe is always watched: not that one), or work running elsewhere. */
    bool real_wait = loop->watched_fds > 1 || loop->external > 0;
    if (t && timeout != 0 && !real_wait) {
        poll_io(loop, 0); /* another thread or a signal may have left work: look first */
        if (!loop->ready.count && !loop->stopping && (t = next_timer(loop)))
            loop->virtual_now = t->when;
        return;
    }
    /* Work is ready, or no timer to jump to (wait for another thread or a signal), or
     * something outside may end first: then the clock runs for real while the loop waits. */
    uint64_t start = now_ns();
    poll_io(loop, timeout);
    if (real_wait && timeout != 0)
        loop->virtual_now += now_ns() - start;
}

static void report_slow(struct loop *loop, const char *name, uint64_t took)
{
    loop->stats.slow_callbacks++;
    say_to(stderr, "loop",
           "slow callback: %s took %.3f s (debug mode reports callbacks over %.3f s)",
           name ? name : "?", (double)took / 1e9, (double)loop->slow_ns / 1e9);
}

/* Step 3's inner step: take the callback out of its slot first, then call it. */
static void run_handle(struct loop *loop, uint64_t id)
{
    struct slot *s = loop_slot(loop, id);
    if (!s)
        return; /* cancelled, or its reader or writer was removed, after it became ready */
    loop_callback *fn = s->fn;
    void *arg = s->arg;
    const char *name = s->name;
    if (s->state == SLOT_IO)
        s->queued = false;
    else
        loop_slot_free(loop, id); /* before the call: cancelling it from inside is a no-op */
    loop->stats.callbacks++;
    if (!loop->debug) {
        fn(loop, arg);
        return;
    }
    uint64_t start = now_ns();
    fn(loop, arg);
    uint64_t took = now_ns() - start;
    if (took >= loop->slow_ns)
        report_slow(loop, name, took);
}

static void loop_run_once(struct loop *loop)
{
    loop->stats.iterations++;
    loop_take_threadsafe_calls(loop);
    bool busy = loop->ready.count > 0;

    /* 0. The clock costs as much as a callback (25 ns for a vDSO read of kvm-clock): a
     *    busy loop reads it once per LOOP_CLOCK_EVERY callbacks, not once per iteration.
     *    In between, timers and the poll interval go by the last reading, which is never
     *    ahead of the time: a timer can only run late (by those few callbacks), not early. */
    bool fresh = !busy || loop->stats.callbacks - loop->callbacks_at_clock >= LOOP_CLOCK_EVERY;
    if (fresh)
        read_clock(loop);

    /* 1. I/O: always when idle; while callbacks are ready, once per LOOP_POLL_EVERY or
     *    LOOP_POLL_INTERVAL_NS, so a busy loop does not make a system call per callback. */
    if (!busy || loop->stats.callbacks - loop->callbacks_at_poll >= LOOP_POLL_EVERY ||
        (fresh && loop->now - loop->last_poll_ns >= LOOP_POLL_INTERVAL_NS)) {
        if (loop->virtual_clock)
            poll_io_virtual(loop);
        else
            poll_io(loop, poll_timeout_ms(loop, loop->now));
        loop->last_poll_ns = read_clock(loop); /* the poll may have waited */
        loop_take_threadsafe_calls(loop); /* made while it waited: before the due timers */
    }

    /* 2. Timers whose deadline has passed join the ready queue, earliest first. */
    const struct timer_entry *t;
    struct timer_entry due;
    while (loop->timers.count && (t = next_timer(loop)) && t->when <= loop->now) {
        timer_heap_pop(&loop->timers, &due);
        loop_slot(loop, due.id)->state = SLOT_READY;
        loop_ready_push(loop, due.id);
    }

    /* 3. Run what is ready now; what these callbacks schedule waits for the next iteration. */
    for (size_t n = loop->ready.count; n > 0; n--)
        run_handle(loop, loop_ready_pop(loop));
}

/* ---- run, stop, close ---- */

void loop_run_forever(struct loop *loop)
{
    if (loop->running)
        die("loop_run_forever: this loop is already running");
    if (running_loop)
        die("loop_run_forever: another loop is running in this thread");
    loop->running = true;
    running_loop = loop;
    read_clock(loop); /* the last reading may be from another run, or another clock */
    do
        loop_run_once(loop);
    while (!loop->stopping);
    loop->stopping = false;
    loop->running = false;
    running_loop = NULL;
}

void loop_stop(struct loop *loop)
{
    loop->stopping = true;
}

bool loop_is_running(const struct loop *loop)
{
    return loop->running;
}

struct loop *loop_get_running(void)
{
    return running_loop;
}

static const struct loop_backend *choose_backend(void)
{
    const char *want = getenv("LAB_LOOP_BACKEND");
    if (want && strcmp(want, "poll") == 0)
        return &loop_backend_poll;
#ifdef __linux__
    if (!want || !*want || strcmp(want, "epoll") == 0)
        return &loop_backend_epoll;
#else
    if (!want || !*want)
        return &loop_backend_poll;
#endif
    die("LAB_LOOP_BACKEND=%s: this build knows %s", want,
#ifdef __linux__
        "epoll and poll"
#else
        "poll"
#endif
    );
}

struct loop *loop_new(void)
{
    struct loop *loop = xcalloc(1, sizeof *loop);
    loop->first_free = UINT32_MAX;
    timer_heap_init(&loop->timers);
    loop->backend = choose_backend();
    loop->backend_state = loop->backend->open();
    if (!loop->backend_state)
        die_errno(errno, "loop_new: cannot open the %s backend", loop->backend->name);

    loop->debug = env_flag("LAB_LOOP_DEBUG");
    long ms = LOOP_SLOW_CALLBACK_MS;
    const char *slow = getenv("LAB_SLOW_CALLBACK_MS");
    if (slow && !parse_long(slow, 0, 3600 * 1000, &ms))
        die("LAB_SLOW_CALLBACK_MS=%s: expected a whole number of milliseconds", slow);
    loop->slow_ns = (uint64_t)ms * 1000000;

    loop->virtual_clock = env_flag("LAB_VIRTUAL_CLOCK");

    loop_wakeup_open(loop);
    return loop;
}

/* Drop every callback still scheduled; a drop function may schedule more: drop those too. */
static void drop_pending(struct loop *loop)
{
    struct timer_entry t;
    while (loop->ready.count || loop->timers.count) {
        uint64_t id =
            loop->ready.count ? loop_ready_pop(loop) : (timer_heap_pop(&loop->timers, &t), t.id);
        struct slot *s = loop_slot(loop, id);
        if (!s || s->state == SLOT_IO)
            continue;
        loop_callback *drop = s->drop;
        void *arg = s->arg;
        loop_slot_free(loop, id);
        if (drop)
            drop(loop, arg);
    }
}

void loop_close(struct loop *loop)
{
    if (loop->running)
        die("loop_close: the loop is running (stop it, and let run return, first)");
    if (loop->external)
        die("loop_close: %u job(s) running in other threads or processes will still call "
            "into this loop: wait for them first",
            loop->external);
    loop->closing = true;
    drop_pending(loop);
    if (loop->live_futures)
        die("loop_close: %zu future(s) of this loop are still referenced: release them first",
            loop->live_futures);
    loop_wakeup_close(loop);
    loop_io_close(loop);
    loop->backend->close(loop->backend_state);
    timer_heap_free(&loop->timers);
    free(loop->ready.ids);
    free(loop->slots);
    free(loop);
}

/* ---- work running elsewhere ---- */

void loop_external_begin(struct loop *loop)
{
    loop_check_thread(loop, "loop_external_begin");
    loop->external++;
}

void loop_external_end(struct loop *loop)
{
    loop_check_thread(loop, "loop_external_end");
    if (loop->external == 0)
        die("loop_external_end: no external work was begun");
    if (--loop->external == 0 && loop->stop_when_no_external)
        loop_stop(loop);
}

unsigned loop_external_count(const struct loop *loop)
{
    return loop->external;
}

int loop_run_until_external_done(struct loop *loop)
{
    if (loop->external == 0)
        return 0;
    loop->stop_when_no_external = true;
    loop_run_forever(loop);
    loop->stop_when_no_external = false;
    return loop->external == 0 ? 0 : -EINTR;
}

/* ---- errors, debug mode, counters ---- */

void loop_default_exception_handler(struct loop *loop, const struct loop_error *e)
{
    (void)loop;
    char line[1024];
    size_t len = (size_t)snprintf(line, sizeof line, "%s", e->message ? e->message : "error");
    if (e->source && len < sizeof line)
        len += (size_t)snprintf(line + len, sizeof line - len, " (in %s)", e->source);
    if (e->code && len < sizeof line)
        len += (size_t)snprintf(line + len, sizeof line - len, ": %s", strerror(-e->code));
    if (e->detail && len < sizeof line)
        snprintf(line + len, sizeof line - len, ": %s", e->detail);
    say_to(stderr, "loop", "%s", line);
}

void loop_set_exception_handler(struct loop *loop, loop_exception_handler *handler, void *arg)
{
    loop->exception_handler = handler;
    loop->exception_arg = arg;
}

void loop_call_exception_handler(struct loop *loop, const struct loop_error *error)
{
    if (loop->exception_handler)
        loop->exception_handler(loop, error, loop->exception_arg);
    else
        loop_default_exception_handler(loop, error);
}

void loop_set_debug(struct loop *loop, bool on)
{
    loop->debug = on;
}

bool loop_get_debug(const struct loop *loop)
{
    return loop->debug;
}

void loop_set_slow_callback_duration(struct loop *loop, double seconds)
{
    loop->slow_ns = loop_seconds_to_ns(seconds);
}

struct loop_stats loop_get_stats(const struct loop *loop)
{
    return loop->stats;
}

const char *loop_backend_name(const struct loop *loop)
{
    return loop->backend->name;
}

void loop_future_born(struct loop *loop)
{
    loop->live_futures++;
}

void loop_future_died(struct loop *loop)
{
    loop->live_futures--;
}
