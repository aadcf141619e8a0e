/* Unit tests of common/future: the laws at the top of future.h, and reference counting. */
#include "future.h"
#include "loop.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A done callback that notes its argument in the transcript. */
static void note_done(struct future *f, void *arg)
{
    (void)f;
    note("%s", (const char *)arg);
}

static void stop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

static void run_a_while(struct loop *loop)
{
    loop_call_later(loop, 1.0, stop, NULL);
    loop_run_forever(loop);
}

static int errors_reported, last_code;
static char last_report[256];

/* The error's strings live only during the call: keep a copy. */
static void remember_error(struct loop *loop, const struct loop_error *e, void *arg)
{
    (void)loop;
    (void)arg;
    errors_reported++;
    last_code = e->code;
    snprintf(last_report, sizeof last_report, "%s|%s|%s", e->message, e->detail, e->source);
}

struct task_like {
    struct future future;
    int *destroyed;
};

static int cancel_requests;

static bool refuse_cancel(struct future *f)
{
    (void)f;
    cancel_requests++;
    return false;
}

static void destroy_task_like(struct future *f)
{
    (*((struct task_like *)f)->destroyed)++;
}

static void unref_in_callback(struct future *f, void *arg)
{
    (void)arg;
    strncat(trace, future_name(f), sizeof trace - strlen(trace) - 1);
}

/* The future the child below dies holding, kept where valgrind sees it reachable (volatile:
 * a store nothing reads back would be left out). */
static struct future *volatile held_by_the_child;

int main(void)
{
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    loop_set_exception_handler(loop, remember_error, NULL);

    /* A result. */
    struct future *f = future_new(loop);
    void *value = NULL;
    ok(!future_done(f) && future_result(f, &value) == -EAGAIN, "a new future is pending");
    future_add_done_callback(f, note_done, "1");
    future_add_done_callback(f, note_done, "2");
    future_add_done_callback(f, note_done, "3");
    is_long((long)future_remove_done_callback(f, note_done, "2"), 1, "a done callback can be removed");
    trace[0] = 0;
    is_long(future_set_result(f, "forty-two"), 0, "set_result ends the future");
    is_str(trace, "", "done callbacks do not run inside set_result");
    run_a_while(loop);
    is_str(trace, "13", "they run in the loop, in the order added");
    ok(future_result(f, &value) == 0 && strcmp(value, "forty-two") == 0, "the result is read back");
    value = NULL;
    is_long(future_result(f, &value), -EALREADY,
            "one owner: a second read that asks for the result gets -EALREADY");
    ok(value == NULL && future_result(f, NULL) == 0 && future_error(f) == 0,
       "and no pointer; a read without a place for the result only looks");
    is_long(future_set_result(f, "again"), -EINVAL, "a future ends once: set_result again fails");
    ok(!future_cancel(f) && future_state(f) == FUTURE_RESULT, "and cancel changes nothing");
    trace[0] = 0;
    future_add_done_callback(f, note_done, "late");
    run_a_while(loop);
    is_str(trace, "late", "a callback added after the end is scheduled at once");
    future_unref(f);

    /* The first callback is kept apart from the others: removing it, or adding after it was
     * removed, must keep the order callbacks were added in. */
    f = future_new(loop);
    future_add_done_callback(f, note_done, "a");
    future_add_done_callback(f, note_done, "b");
    future_add_done_callback(f, note_done, "c");
    future_add_done_callback(f, note_done, "a");
    is_long((long)future_remove_done_callback(f, note_done, "a"), 2,
            "remove takes every copy, the first callback included");
    future_add_done_callback(f, note_done, "d");
    is_long((long)future_done_callbacks(f), 3, "three callbacks wait");
    trace[0] = 0;
    future_set_result(f, NULL);
    is_long((long)future_done_callbacks(f), 0, "none wait once it is done: they are scheduled");
    run_a_while(loop);
    is_str(trace, "bcd", "the next one took the first's place: the order is kept");
    future_unref(f);
    f = future_new(loop);
    future_add_done_callback(f, note_done, "x");
    future_remove_done_callback(f, note_done, "x");
    future_add_done_callback(f, note_done, "y");
    trace[0] = 0;
    future_cancel(f);
    run_a_while(loop);
    is_str(trace, "y", "a callback added after the only one was removed runs, once");
    future_unref(f);

    /* An error, retrieved. */
    f = future_new(loop);
    future_set_error(f, -EIO, "disk on fire (%d)", 3);
    ok(future_error(f) == -EIO && strcmp(future_error_message(f), "disk on fire (3)") == 0,
       "an error has a code and a message");
    errors_reported = 0;
    future_unref(f);
    is_long(errors_reported, 0, "an error that was read is not reported");

    /* An error nobody retrieved. */
    f = future_new(loop);
    future_set_name(f, "faulty_task");
    future_set_error(f, -EINVAL, "任务出错");
    future_unref(f);
    ok(errors_reported == 1 && last_code == -EINVAL &&
           strcmp(last_report, "Future exception was never retrieved|任务出错|faulty_task") == 0,
       "an error never retrieved reaches the exception handler when the future is freed");

    /* Cancelling a failed future: refused, and it silences the report (asyncio's cancel()). */
    f = future_new(loop);
    future_set_error(f, -EIO, "failed, then cancelled");
    errors_reported = 0;
    ok(!future_cancel(f) && future_state(f) == FUTURE_ERROR,
       "cancelling a failed future is refused and leaves its error");
    future_unref(f);
    is_long(errors_reported, 0, "and its error, no longer 'never retrieved', is not reported");

    /* Cancelled. */
    f = future_new(loop);
    trace[0] = 0;
    future_add_done_callback(f, note_done, "c");
    ok(future_cancel(f) && future_cancelled(f), "a pending future can be cancelled");
    is_long(future_result(f, NULL), -ECANCELED, "its result is -ECANCELED");
    run_a_while(loop);
    is_str(trace, "c", "and its done callbacks run");
    future_unref(f);

    /* A scheduled callback holds its own reference. */
    f = future_new(loop);
    future_set_name(f, "alive");
    trace[0] = 0;
    future_add_done_callback(f, unref_in_callback, NULL);
    future_set_result(f, NULL);
    future_unref(f); /* the owner lets go before the callback has run */
    run_a_while(loop);
    is_str(trace, "alive", "a done callback receives a live future though its owner released it");

    /* A type built on a future. */
    int destroyed = 0;
    struct task_like *t =
        (struct task_like *)future_new_extended(loop, sizeof *t, destroy_task_like);
    t->destroyed = &destroyed;
    future_ref(&t->future);
    future_unref(&t->future);
    is_long(destroyed, 0, "an extended future lives while referenced");
    future_unref(&t->future);
    is_long(destroyed, 1, "and its destroy function runs with the last reference");

    /* A cancel hook decides what cancelling means for a type built on a future. */
    f = future_new(loop);
    future_set_cancel_hook(f, refuse_cancel);
    ok(!future_cancel(f) && !future_done(f) && cancel_requests == 1,
       "future_cancel calls the cancel hook instead of ending the future");
    future_set_cancel_hook(f, NULL);
    ok(future_cancel(f) && future_cancelled(f), "without the hook it cancels at once again");
    future_set_cancel_hook(f, refuse_cancel);
    ok(!future_cancel(f) && cancel_requests == 1, "a done future's hook is not called");
    future_unref(f);

    /* Callbacks still scheduled when the loop closes give their reference back. */
    f = future_new(loop);
    future_add_done_callback(f, note_done, "never");
    future_set_result(f, NULL);
    future_unref(f);
    loop_close(loop); /* would die if the dropped callback kept the future alive */
    ok(1, "closing the loop drops scheduled done callbacks and their references");

    /* Closing a loop while a future is still referenced is a clear error, not a dangling pointer.
     */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        close(STDERR_FILENO);
        struct loop *l = loop_new();
        held_by_the_child = future_new(l);
        loop_close(l);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 1,
       "loop_close dies (status 1) while a future of the loop is still referenced");
    return done_testing();
}
