/*
 * future.h — asyncio.Future in C: a value that is not there yet.
 *
 * A future starts pending and ends exactly once, in one of three ways: a result (a
 * void *), an error (a negative errno-style code and a message: the C face of an
 * exception), or cancelled. Whoever waits for it adds a done callback; tasks,
 * gather, wait, wait_for and shield are all built from futures and done callbacks.
 *
 * The laws, each tested in tests/unit/future.c:
 *   A future ends once: setting a result, an error or cancelling a done future fails
 *   with -EINVAL and changes nothing (asyncio's InvalidStateError).
 *   Done callbacks never run inside the call that ends the future: each is scheduled
 *   with loop_call_soon, in the order they were added, as asyncio does.
 *   A done callback added to a future that is already done is scheduled at once.
 *   An error nobody retrieved is reported to the loop's exception handler ("Future
 *   exception was never retrieved", "Task exception..." for a task: its kind, and its
 *   name as the source) when the future's last reference is released.
 *   Cancelling a failed future is refused, but counts as retrieving its error: it is not
 *   reported (asyncio's cancel() does the same).
 *
 * One owner: an outcome is handed out once. The first read that asks for it (a result
 *   pointer given to future_result, await_future or wait_for; any await_task; gather_result;
 *   a shield passing it on) takes it, and every later read that asks gets -EALREADY, so a
 *   result pointer (often memory to free) never has two owners. Reads that only look take
 *   nothing: future_result or await_future with NULL, future_state, future_error,
 *   future_error_message, gather_error.
 *
 * Lifetimes, by reference counting:
 *   future_new() returns a future with one reference, owned by the caller.
 *   future_ref() adds one; future_unref() drops one; the last one frees the future.
 *   A scheduled done callback holds its own reference until it has run (or been dropped
 *   by loop_close), so a callback always receives a live future: unref freely.
 *   A future holds no reference to its arguments: the result pointer and each callback's
 *   arg stay the caller's to free. Freeing a pending future forgets its done callbacks.
 *   Every future must be released before its loop is closed (loop_close checks).
 */
#ifndef LAB_FUTURE_H
#define LAB_FUTURE_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct future;

enum future_state { FUTURE_PENDING, FUTURE_RESULT, FUTURE_ERROR, FUTURE_CANCELLED };

typedef void future_callback(struct future *f, void *arg);

/* For types built on a future (a task): called when the last reference goes. */
typedef void future_destroy(struct future *f);

/*
 * For types built on a future: what future_cancel() does instead of ending the future at
 * once. asyncio's Task overrides cancel() this way: cancelling a task asks its coroutine
 * to stop, and the task ends later (cancelled, or not if the coroutine swallows it).
 */
typedef bool future_cancel_hook(struct future *f);

struct future_done_callback {
    future_callback *fn;
    void *arg;
    const char *name;
};

/*
 * The fields are private: use the functions below. The definition is public only so
 * that a type built on a future (a task) can embed it as its first member and be
 * allocated by future_new_extended().
 */
struct future {
    struct loop *loop;
    unsigned refs;
    enum future_state state;
    bool error_retrieved;
    bool taken; /* the outcome has been handed out (one owner) */
    void *result;
    int error_code;
    char *error_message;
    const char *name;
    const char *kind; /* what reports call it: "Future", "Task" */
    /* The first done callback is kept here, the others in `more`: a future most often has
     * one (the task waiting for it), which then costs no allocation, here or when it is
     * scheduled. `first` is kept until it has run, after the future is done. */
    bool has_first;
    struct future_done_callback first;
    struct future_done_callback *more;
    size_t nmore, more_cap;
    future_destroy *destroy;
    future_cancel_hook *cancel_hook;
};

/* A pending future on `loop`, with one reference owned by the caller. */
struct future *future_new(struct loop *loop);

/*
 * The same for a type that begins with a struct future: allocates `size` bytes (at least
 * sizeof(struct future)), zeroed; `destroy` (may be NULL) runs when the last reference
 * goes, before the memory is freed.
 */
struct future *future_new_extended(struct loop *loop, size_t size, future_destroy *destroy);

struct future *future_ref(struct future *f);
void future_unref(struct future *f);

/* The name reports use ("future" unless set); the string must outlive the future. */
void future_set_name(struct future *f, const char *name);
const char *future_name(const struct future *f);

/* What kind of future reports call it, as asyncio names the class: "Future" unless set
 * ("Task exception was never retrieved"); the string must outlive the future. */
void future_set_kind(struct future *f, const char *kind);

struct loop *future_loop(const struct future *f);

enum future_state future_state(const struct future *f);
bool future_done(const struct future *f);
bool future_cancelled(const struct future *f);

/* End the future. 0, or -EINVAL if it is already done. `code` must be negative. */
int future_set_result(struct future *f, void *result);
int future_set_error(struct future *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Cancel a pending future: true if it was pending (asyncio's cancel()). A future with a
 * cancel hook calls the hook instead and returns what it returns.
 */
bool future_cancel(struct future *f);

/* Give a future a cancel hook (NULL removes it: future_cancel then ends it at once). */
void future_set_cancel_hook(struct future *f, future_cancel_hook *hook);

/*
 * The outcome, as asyncio's result() (which raises the error): 0 and *result set for
 * a result; the error's code for an error (which counts as retrieved); -ECANCELED if
 * cancelled; -EAGAIN if still pending. With a `result` pointer it takes the outcome
 * (one owner: a later read with one gets -EALREADY); with NULL it only looks.
 */
int future_result(struct future *f, void **result);

/* Whether a read has taken the outcome (future_result with a result pointer). */
bool future_taken(const struct future *f);

/* The error's code, 0 for a result, -ECANCELED, -EAGAIN (asyncio's exception()); an
 * error read this way counts as retrieved. */
int future_error(struct future *f);
/* The error's message, or NULL if the future did not end with an error. */
const char *future_error_message(const struct future *f);

/*
 * Call fn(f, arg) in the loop once the future is done (at once if it already is).
 * `name` is what debug mode and error reports show; the macro uses the function's.
 */
void future_add_done_callback_named(struct future *f, const char *name, future_callback *fn,
                                    void *arg);
#define future_add_done_callback(f, fn, arg) future_add_done_callback_named(f, #fn, fn, arg)

/* Remove every not-yet-scheduled callback equal to (fn, arg); returns how many. */
size_t future_remove_done_callback(struct future *f, future_callback *fn, void *arg);

/* How many callbacks wait for it to be done (none once it is: they are scheduled then). */
size_t future_done_callbacks(const struct future *f);

#endif
