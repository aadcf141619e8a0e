/*
 * loop.h — an event loop with asyncio's shape: one thread, a queue of ready callbacks,
 * timers in a heap, and the kernel's readiness API (epoll, or poll()) to wait for I/O.
 *
 * The laws, each tested in tests/unit/loop.c:
 *   Callbacks run in the order they were scheduled (call_soon is FIFO).
 *   Equal deadlines run in the order they were scheduled.
 *   A timer never runs before its deadline on loop_time().
 *   A cancelled handle never runs, even when cancelled from inside another callback
 *   of the same iteration, and cancelling one that already ran is a harmless no-op.
 *   A reader or writer removed while its event is pending is not dispatched.
 *   Replacing an fd's reader or writer with another does not ask the kernel anything.
 *   A signal arriving at any time, even during a blocking wait, is delivered as an
 *   ordinary callback in the loop's thread; no work is done in the signal handler.
 *   loop_stop() ends the run after the current iteration: every callback that was ready
 *   when the iteration began still runs; what they schedule waits for the next run.
 *   I/O is never starved: while callbacks are ready, I/O is polled (without blocking)
 *   once LOOP_POLL_EVERY callbacks have run or LOOP_POLL_INTERVAL_NS has passed since
 *   the last poll; when no callback is ready, the loop blocks in the poll until the
 *   next timer. So a busy loop makes one system call per 256 callbacks, not one each.
 *   A busy loop reads its clock once per LOOP_CLOCK_EVERY callbacks, and at the start
 *   of each run and after each poll: due timers and the poll interval go by that
 *   reading, so a timer that falls due while callbacks keep the loop busy runs at most
 *   LOOP_CLOCK_EVERY callbacks late (still never early). Both a poll and a clock read
 *   cost as much as a few callbacks; asyncio pays for each at every iteration.
 *   loop_call_soon_threadsafe() is the only call another thread may make. Its calls join
 *   the one ready queue in the order they were made, with the loop's own: a threadsafe
 *   call made before a loop_call_soon (before in time, as the two threads' locks or
 *   joins order them) runs first, as in asyncio.
 *   The virtual clock never jumps while work runs outside the loop (loop_external_begin).
 *   Exactly one of a handle's callback or its drop function runs (when it has one).
 *
 * One iteration (loop.c, loop_run_once), the order everything happens in:
 *   0. read the clock, if the rule above says so;
 *   1. poll I/O (blocking until the next timer if nothing is ready; see the rule above)
 *      and append the callbacks of ready fds, signals and other threads' calls;
 *   2. append every timer whose deadline has passed, earliest first;
 *   3. run the callbacks that were ready when this step began, in order.
 *
 * Handles are values, not pointers. loop_call_soon/later/at return a `struct
 * loop_handle`, a generation-stamped id: cancelling one that already ran, was already
 * cancelled or was never scheduled returns false and touches nothing, so a stale handle
 * can never be a use-after-free. Keep handles as long as you like; they own nothing.
 *
 * Names: every callback carries a name, the one the debug report and the error handler
 * print. The macros below take it from the function's name (`loop_call_soon(loop, step1,
 * arg)` is named "step1"); the *_named functions take any string that outlives the handle.
 *
 * Lifetimes: loop_new() returns a loop the caller owns; loop_close() frees it. Only the
 * loop's thread may use it, except for loop_call_soon_threadsafe(), which other threads
 * may call until loop_close() begins (stop them first; loop_close dies while external work
 * it was told of is outstanding: loop_run_until_external_done waits for it). Watched fds
 * stay yours: remove the reader and writer before closing the fd. Every future of the
 * loop (future.h) must be released before loop_close(), which checks.
 *
 * Debug mode (loop_set_debug, or LAB_LOOP_DEBUG=1 in the environment): every callback
 * slower than the threshold (100 ms, or LAB_SLOW_CALLBACK_MS) is reported on stderr by
 * name, like asyncio's slow_callback_duration; a non-threadsafe call from another thread
 * than the running loop's dies with a message instead of corrupting the loop.
 *
 * Backends: epoll on Linux, poll() elsewhere, chosen at build time; LAB_LOOP_BACKEND=poll
 * or =epoll in the environment overrides the choice for loops created afterwards, so the
 * tests run every law on both and a reader can compare them on the same program.
 */
#ifndef LAB_LOOP_H
#define LAB_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct future;

/* A callback: what the loop calls for call_soon, timers, readers, writers and signals. */
typedef void loop_callback(struct loop *loop, void *arg);

/* A scheduled callback, as a value (see "Handles are values" above); {0} is no handle. */
struct loop_handle {
    uint64_t id;
};

enum {
    LOOP_POLL_EVERY = 256,           /* callbacks between two polls while work is ready */
    LOOP_POLL_INTERVAL_NS = 1000000, /* ... or this long, whichever comes first */
    LOOP_CLOCK_EVERY = 8,            /* callbacks between two readings of the clock while busy */
    LOOP_SLOW_CALLBACK_MS = 100,     /* debug mode's default threshold */
};

/* ---- create, run, stop, close ---- */

/* A new loop, with the backend of the build (or of LAB_LOOP_BACKEND). */
struct loop *loop_new(void);

/*
 * Free the loop. It must not be running. Callbacks still scheduled are dropped without
 * running (their drop functions run, see loop_handle_on_drop); signal handlers are
 * restored; the loop's own fds are closed, watched fds are not. Dies if a future of
 * this loop is still referenced.
 */
void loop_close(struct loop *loop);

/* Run iterations until loop_stop(). Dies if the loop is already running. */
void loop_run_forever(struct loop *loop);

/*
 * Running until a future is done: these two sit a layer above futures (loop_run.c), the
 * rest of the loop knows nothing of them.
 *
 * Run until `f` is done (asyncio's run_until_complete): returns 0 when it is, or
 * -EINTR if loop_stop() ended the run first. Read the outcome with future_result().
 */
int loop_run_until_complete(struct loop *loop, struct future *f);

/*
 * Ask the running loop to return after the current iteration. Called while the loop
 * is not running, it makes the next run do one iteration (polling without blocking).
 */
void loop_stop(struct loop *loop);

bool loop_is_running(const struct loop *loop);

/* The loop running in the calling thread, or NULL (asyncio's get_running_loop). */
struct loop *loop_get_running(void);

/*
 * asyncio.run() before coroutines: a new loop; `main` schedules its work and returns a
 * future that is done when the work is; run until it is; release it and close the loop.
 * Returns 0 if the future ended with a result, else its error code (negative).
 */
typedef struct future *loop_main(struct loop *loop, void *arg);
int loop_run(loop_main *main, void *arg);

/* ---- time ---- */

/* The loop's clock in seconds (monotonic, or virtual, see below); an arbitrary origin. */
double loop_time(const struct loop *loop);
uint64_t loop_time_ns(const struct loop *loop);

/* The running loop's clock (asyncio.get_running_loop().time()): what a task prints its
 * times with. Dies outside a running loop. */
double running_loop_time(void);

/*
 * Virtual clock, for exact and instant tests of timing: time stands still while
 * callbacks run, starts at 0, and when the loop would sleep with no fd watched it jumps
 * straight to the next timer. While a user fd is watched, or work runs elsewhere (see
 * loop_external_begin), the loop waits for real (up to the next timer) and the clock
 * advances by the time it waited. Turn it on right after
 * loop_new(), before anything is scheduled (dies otherwise). LAB_VIRTUAL_CLOCK=1 in the
 * environment turns it on in every new loop, so a test can run a whole program on it.
 */
void loop_set_virtual_clock(struct loop *loop, bool on);

/* ---- callbacks and timers ---- */

struct loop_handle loop_call_soon_named(struct loop *loop, const char *name, loop_callback *fn,
                                        void *arg);
/* Run `fn` `delay` seconds from now (a negative delay is 0). */
struct loop_handle loop_call_later_named(struct loop *loop, double delay, const char *name,
                                         loop_callback *fn, void *arg);
/* Run `fn` once loop_time() reaches `when`. */
struct loop_handle loop_call_at_named(struct loop *loop, double when, const char *name,
                                      loop_callback *fn, void *arg);

#define loop_call_soon(loop, fn, arg) loop_call_soon_named(loop, #fn, fn, arg)
#define loop_call_later(loop, delay, fn, arg) loop_call_later_named(loop, delay, #fn, fn, arg)
#define loop_call_at(loop, when, fn, arg) loop_call_at_named(loop, when, #fn, fn, arg)

/* Cancel a scheduled callback: true if it was pending and now will never run. */
bool loop_cancel(struct loop *loop, struct loop_handle h);

/* True while `h` is scheduled and has neither run nor been cancelled. */
bool loop_handle_pending(const struct loop *loop, struct loop_handle h);

/*
 * What runs instead of the callback if `h` never runs (cancelled, or dropped by
 * loop_close): typically the code that frees `arg`. `drop` is called with the same
 * loop and arg. Returns false (and sets nothing) if `h` is no longer pending.
 */
bool loop_handle_on_drop(struct loop *loop, struct loop_handle h, loop_callback *drop);

/*
 * The one call another thread may make: schedule `fn` on the loop and wake it (through
 * the loop's self-pipe). Safe from any thread until loop_close() begins; not from a
 * signal handler (that is what loop_add_signal_handler is for). Returns no handle:
 * the callback cannot be cancelled, and it runs in the order threads scheduled it.
 */
void loop_call_soon_threadsafe_named(struct loop *loop, const char *name, loop_callback *fn,
                                     void *arg);
#define loop_call_soon_threadsafe(loop, fn, arg) loop_call_soon_threadsafe_named(loop, #fn, fn, arg)

/*
 * Work the loop waits for that runs outside it, in another thread or process, and comes
 * back through loop_call_soon_threadsafe (an executor's job). The loop cannot see such
 * work, so whoever starts it says so: begin when it is handed over, end in the callback
 * that delivers its outcome, both on the loop's thread. While any is outstanding the
 * virtual clock does not jump over it (the loop waits for real, as for a watched fd), and
 * loop_close() dies rather than free a loop that another thread will still call into.
 */
void loop_external_begin(struct loop *loop);
void loop_external_end(struct loop *loop);
/* How many are outstanding. */
unsigned loop_external_count(const struct loop *loop);

/*
 * Run the loop until no external work is outstanding, so that every job handed out has
 * delivered its outcome and nothing will call into the loop any more (what asyncio.run
 * does at the end with shutdown_default_executor). Returns 0 at once if none is, or
 * -EINTR if loop_stop() ended the run first. Dies if the loop is already running.
 */
int loop_run_until_external_done(struct loop *loop);

/* ---- file descriptors ---- */

/*
 * Call `fn` whenever `fd` is readable (level-triggered: again each iteration while data
 * is waiting). One reader per fd: adding another replaces it. An error or hang-up on
 * the fd counts as readable and writable, so the callback finds out by reading.
 * The kernel is told (epoll_ctl) only when the directions an fd is watched for change:
 * replacing a reader with another costs no system call (stats.watch_changes counts).
 * Returns 0, or a negative errno (-EBADF: fd is not open; -EPERM: epoll refuses
 * regular files).
 */
int loop_add_reader_named(struct loop *loop, int fd, const char *name, loop_callback *fn,
                          void *arg);
int loop_add_writer_named(struct loop *loop, int fd, const char *name, loop_callback *fn,
                          void *arg);
#define loop_add_reader(loop, fd, fn, arg) loop_add_reader_named(loop, fd, #fn, fn, arg)
#define loop_add_writer(loop, fd, fn, arg) loop_add_writer_named(loop, fd, #fn, fn, arg)

/* Stop watching: true if there was a reader (writer). A pending event is not dispatched. */
bool loop_remove_reader(struct loop *loop, int fd);
bool loop_remove_writer(struct loop *loop, int fd);

/* True if `fd` has a reader (writer): for a caller that must not replace someone else's. */
bool loop_has_reader(const struct loop *loop, int fd);
bool loop_has_writer(const struct loop *loop, int fd);

/* ---- signals ---- */

/*
 * Run `fn` in the loop whenever `signo` arrives (SA_RESTART; several arrivals before
 * the loop notices count once). The handler only sets a flag and writes a byte to the
 * loop's self-pipe. One loop per signal in the process. Returns 0, -EINVAL for a
 * signal that cannot be caught (SIGKILL, SIGSTOP, out of range), or -EBUSY if another
 * loop handles it.
 */
int loop_add_signal_handler_named(struct loop *loop, int signo, const char *name, loop_callback *fn,
                                  void *arg);
#define loop_add_signal_handler(loop, signo, fn, arg)                                              \
    loop_add_signal_handler_named(loop, signo, #fn, fn, arg)

/* Restore the signal's previous disposition: true if this loop was handling it. */
bool loop_remove_signal_handler(struct loop *loop, int signo);

/* ---- errors nobody handled ---- */

/*
 * What the loop tells its exception handler (asyncio's `context` dict): a sentence,
 * and when there is one, the error (code + message, the C face of an exception) and
 * the name of the callback or future it came from.
 */
struct loop_error {
    const char *message; /* "Future exception was never retrieved" */
    int code;            /* a negative errno-style code, or 0 */
    const char *detail;  /* the error's own message, or NULL */
    const char *source;  /* the callback's or future's name, or NULL */
};

/* The error and its strings live only during the call: copy what you keep. */
typedef void loop_exception_handler(struct loop *loop, const struct loop_error *error, void *arg);

/* Install a handler (NULL restores the default, which prints one line on stderr). */
void loop_set_exception_handler(struct loop *loop, loop_exception_handler *handler, void *arg);

/* Pass an error nobody handled to the loop's handler (asyncio's call_exception_handler). */
void loop_call_exception_handler(struct loop *loop, const struct loop_error *error);

/* The default handler, for a custom one that also wants the standard report. */
void loop_default_exception_handler(struct loop *loop, const struct loop_error *error);

/* ---- debug mode and counters ---- */

void loop_set_debug(struct loop *loop, bool on);
bool loop_get_debug(const struct loop *loop);

/* Debug mode reports callbacks that run longer than this (asyncio's default: 0.1 s). */
void loop_set_slow_callback_duration(struct loop *loop, double seconds);

/* What the loop has done so far: the counts the tests and the programs print. */
struct loop_stats {
    uint64_t iterations;     /* passes through steps 1–3 above */
    uint64_t callbacks;      /* callbacks run (timers, I/O, signals included) */
    uint64_t polls;          /* calls into the backend (epoll_wait or poll) */
    uint64_t watch_changes;  /* changes of what an fd is watched for (epoll_ctl each) */
    uint64_t clock_reads;    /* the loop's own readings of its clock (see the poll rule) */
    uint64_t slow_callbacks; /* callbacks debug mode reported as slow */
};
struct loop_stats loop_get_stats(const struct loop *loop);

/* "epoll" or "poll". */
const char *loop_backend_name(const struct loop *loop);

/*
 * For future.c, the one layer that calls them: a future tells its loop when it is born
 * and when it dies, so loop_close() can refuse to free a loop that a future still points
 * to. The loop counts them and knows nothing else of futures.
 */
void loop_future_born(struct loop *loop);
void loop_future_died(struct loop *loop);

#endif
