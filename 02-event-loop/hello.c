/*
 * hello.c — the article's first program on the lab's event loop, in both styles.
 *
 * Mirrors A1 §2.1 「事件循环(Event Loop)工作原理」 (loop = get_event_loop();
 * run_until_complete(main()); close()) and A2 「简单示例」 / 「Python 3.7+ 简化语法」
 * (asyncio.run(hello())).
 * Without coroutines, "print Hello, sleep 1 s, print World" is two callbacks: the first
 * asks the loop to call the second later. Watch the loop's counters: during the second
 * it made one blocking poll and ran a handful of iterations, it did not spin.
 */
#include "args.h"
#include "clock.h"
#include "future.h"
#include "loop.h"
#include "results.h"
#include "say.h"

#include <stdio.h>

static double pause_seconds = 1.0;

/* The second half of hello(): what runs after `await asyncio.sleep(1)`. */
static void world(struct loop *loop, void *done)
{
    (void)loop;
    say("World");
    future_set_result(done, NULL); /* "hello() has returned" */
}

/* The first half: print, then ask the loop to run the rest later, and return at once. */
static void hello(struct loop *loop, void *done)
{
    say("Hello");
    loop_call_later(loop, pause_seconds, world, done);
}

static void report(const char *style, struct loop *loop, double seconds)
{
    struct loop_stats s = loop_get_stats(loop);
    say("%s style took %.3f s: %llu iterations, %llu polls (%s), %llu callbacks", style, seconds,
        (unsigned long long)s.iterations, (unsigned long long)s.polls, loop_backend_name(loop),
        (unsigned long long)s.callbacks);
}

/* The old style: create the loop, run it until hello() is done, close it. */
static void old_style(void)
{
    printf("\nloop = loop_new(); loop_run_until_complete(loop, hello); loop_close(loop);\n");
    struct loop *loop = loop_new();
    struct future *done = future_new(loop);
    double start = loop_time(loop);
    loop_call_soon(loop, hello, done);
    loop_run_until_complete(loop, done);
    double took = loop_time(loop) - start;
    report("old", loop, took);
    result_record("hello.old.seconds", took, "s");
    result_record("hello.old.iterations", (double)loop_get_stats(loop).iterations, "count");
    future_unref(done);
    loop_close(loop);
}

/* The run style: loop_run() creates the loop, runs main's future to the end, closes it. */
static struct future *hello_main(struct loop *loop, void *arg)
{
    (void)arg;
    struct future *done = future_new(loop);
    loop_call_soon(loop, hello, done);
    return done; /* loop_run releases it */
}

static void run_style(void)
{
    printf("\nloop_run(hello_main, NULL);   /* asyncio.run(hello()) */\n");
    double start = now_sec();
    int rc = loop_run(hello_main, NULL);
    double took = now_sec() - start;
    say("run style took %.3f s and returned %d", took, rc);
    result_record("hello.run.seconds", took, "s");
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &pause_seconds, 0, 60,
                   "how long hello() waits between its lines"),
        OPT_QUICK_DOUBLE(&pause_seconds, 0.05),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Hello, (wait), World on the event loop: the old style (new, run until "
               "complete, close) and the run style (loop_run, like asyncio.run).",
               opts);
    old_style();
    run_style();
    printf("\nBoth waited %.2f s without blocking the thread: the wait was one poll with a "
           "timeout, set by the timer heap.\n",
           pause_seconds);
    return 0;
}
