/*
 * Unit tests of common/loop's debug mode, exception handler, virtual clock and loop_run:
 * the slow-callback report names the callback; the environment turns debug on and sets
 * the threshold; errors nobody handled reach the handler.
 */
#include "future.h"
#include "loop.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

static void blocking_sleep(struct loop *loop, void *arg)
{
    (void)loop;
    (void)arg;
    usleep(60 * 1000);
}

static void quick_step(struct loop *loop, void *arg)
{
    (void)loop;
    (void)arg;
}

/* Call fn(loop) with stderr kept; return what was written there. */
static const char *stderr_of(void (*fn)(struct loop *), struct loop *loop)
{
    stderr_capture_begin();
    fn(loop);
    return stderr_capture_end();
}

static struct loop_error seen;
static int handled;

static void handler(struct loop *loop, const struct loop_error *e, void *arg)
{
    (void)loop;
    handled += arg == &handled;
    seen = *e;
}

static void report_lost_error(struct loop *loop)
{
    loop_call_exception_handler(loop, &(struct loop_error){"lost", -EIO, "detail", "cb"});
}

static struct future *hello_main(struct loop *loop, void *arg)
{
    struct future *f = future_new(loop);
    if (arg)
        future_set_error(f, -ETIMEDOUT, "took too long");
    else
        future_set_result(f, NULL);
    return f;
}

static void jump_far(struct loop *loop, void *arg)
{
    *(double *)arg = loop_time(loop);
    loop_stop(loop);
}

static void *call_soon_from_elsewhere(void *loop)
{
    loop_call_soon(loop, quick_step, NULL); /* wrong: only loop_call_soon_threadsafe may */
    return NULL;
}

static void start_wrong_thread(struct loop *loop, void *arg)
{
    pthread_t *t = arg;
    pthread_create(t, NULL, call_soon_from_elsewhere, loop);
    pthread_join(*t, NULL);
}

/* In a child process (debug mode dies on purpose): exit status of the misuse. */
static int status_of_wrong_thread_call(void)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        close(STDERR_FILENO);
        struct loop *loop = loop_new();
        loop_set_debug(loop, true);
        pthread_t t;
        loop_call_soon(loop, start_wrong_thread, &t);
        loop_call_soon(loop, stop, NULL);
        loop_run_forever(loop);
        loop_close(loop);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void new_loop(void *unused)
{
    (void)unused;
    loop_close(loop_new());
}

int main(void)
{
    unsetenv("LAB_LOOP_DEBUG");
    unsetenv("LAB_SLOW_CALLBACK_MS");
    struct loop *loop = loop_new();
    ok(!loop_get_debug(loop), "debug mode is off by default");
    loop_set_debug(loop, true);
    loop_set_slow_callback_duration(loop, 0.03);
    loop_call_soon(loop, quick_step, NULL);
    loop_call_soon(loop, blocking_sleep, NULL);
    loop_call_soon(loop, stop, NULL);
    const char *report = stderr_of(loop_run_forever, loop);
    is_long((long)loop_get_stats(loop).slow_callbacks, 1,
            "debug mode reports one slow callback among three");
    ok(strstr(report, "slow callback: blocking_sleep took") != NULL,
       "the report names the callback that blocked");
    double at;
    char who[16];
    ok(sscanf(report, "[%lfs] [%15[^]]] slow callback", &at, who) == 2 && strcmp(who, "loop") == 0,
       "in the format of every log line, '[ 0.102s] [loop] ...': %.40s", report);
    ok(strstr(report, "quick_step") == NULL, "and not the quick one");
    loop_close(loop);

    setenv("LAB_LOOP_DEBUG", "1", 1);
    setenv("LAB_SLOW_CALLBACK_MS", "1000", 1);
    loop = loop_new();
    ok(loop_get_debug(loop), "LAB_LOOP_DEBUG=1 turns debug mode on");
    loop_call_soon(loop, blocking_sleep, NULL);
    loop_call_soon(loop, stop, NULL);
    report = stderr_of(loop_run_forever, loop);
    ok(loop_get_stats(loop).slow_callbacks == 0 && report[0] == 0,
       "LAB_SLOW_CALLBACK_MS=1000 raises the threshold: a 60 ms callback is not reported");
    loop_close(loop);
    unsetenv("LAB_LOOP_DEBUG");
    unsetenv("LAB_SLOW_CALLBACK_MS");

    setenv("LAB_LOOP_DEBUG", "0", 1);
    loop = loop_new();
    ok(!loop_get_debug(loop), "LAB_LOOP_DEBUG=0 leaves it off");
    loop_close(loop);
    char refused[256];
    setenv("LAB_LOOP_DEBUG", "yes", 1);
    int status = run_in_child(new_loop, NULL, refused, sizeof refused);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 2 &&
           strstr(refused, "LAB_LOOP_DEBUG=yes: set it to 1 (on) or 0 (off)"),
       "LAB_LOOP_DEBUG=yes is refused, exit 2, as every LAB_ flag is (env_flag): %s", refused);
    unsetenv("LAB_LOOP_DEBUG");
    setenv("LAB_VIRTUAL_CLOCK", "true", 1);
    status = run_in_child(new_loop, NULL, refused, sizeof refused);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 2 && strstr(refused, "LAB_VIRTUAL_CLOCK=true"),
       "and so is LAB_VIRTUAL_CLOCK=true: %s", refused);
    unsetenv("LAB_VIRTUAL_CLOCK");

    loop = loop_new();
    loop_set_exception_handler(loop, handler, &handled);
    loop_call_exception_handler(loop,
                                &(struct loop_error){"socket went away", -EPIPE, NULL, "on_write"});
    ok(handled == 1 && seen.code == -EPIPE && strcmp(seen.source, "on_write") == 0,
       "loop_call_exception_handler passes the error to the installed handler");
    loop_set_exception_handler(loop, NULL, NULL);
    report = stderr_of(report_lost_error, loop);
    ok(strstr(report, "lost (in cb)") && strstr(report, "detail"),
       "the default handler prints the error on stderr: %s", report);
    loop_close(loop);

    loop = loop_new();
    loop_set_virtual_clock(loop, true);
    double ran_at = 0;
    loop_call_later(loop, 3600.0, jump_far, &ran_at);
    loop_run_forever(loop);
    ok(ran_at == 3600.0, "the virtual clock jumps an hour to the next timer, at once");
    loop_close(loop);

    is_long(status_of_wrong_thread_call(), 1,
            "debug mode stops loop_call_soon from another thread with a message (exit 1)");

    is_long(loop_run(hello_main, NULL), 0, "loop_run returns 0 when main's future has a result");
    is_long(loop_run(hello_main, "fail"), -ETIMEDOUT, "and the error code when it failed");
    ok(loop_get_running() == NULL, "no loop is running once it returned");
    return done_testing();
}
