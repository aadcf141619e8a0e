/*
 * callback_hell.c — three steps in a row, written as callbacks: a counter-example.
 *
 * Mirrors A0 §2.1 「回调地狱与解决方案」: callback1 schedules callback2, which
 * schedules callback3. Python nests each callback inside the previous one; C has no
 * nested functions, so what the steps share (here: when the chain started, which step
 * it is at, what to do on failure) must be carried by hand in a struct passed as `arg`.
 * Watch: the three lines come 0.1 s apart, as in the article's chain_tasks(); then read
 * the code and count what a coroutine would have kept for you (chapter 03 rewrites it).
 */
#include "args.h"
#include "future.h"
#include "loop.h"
#include "results.h"
#include "say.h"

#include <stdio.h>

/* Everything the chain needs between steps: what a coroutine's stack frame would hold. */
struct chain {
    double pause; /* 0: the next step at once (the article's call_soon) */
    double started;
    int steps_done;
    struct future *done;
};

static void then(struct loop *loop, loop_callback *next, const char *name, struct chain *c)
{
    if (c->pause > 0)
        loop_call_later_named(loop, c->pause, name, next, c);
    else
        loop_call_soon_named(loop, name, next, c);
}

static void step3(struct loop *loop, void *arg)
{
    struct chain *c = arg;
    say("回调3 (step 3), %.3f s after the start", loop_time(loop) - c->started);
    c->steps_done++;
    future_set_result(c->done, NULL);
}

static void step2(struct loop *loop, void *arg)
{
    struct chain *c = arg;
    say("回调2 (step 2), %.3f s after the start", loop_time(loop) - c->started);
    c->steps_done++;
    then(loop, step3, "step3", c);
}

static void step1(struct loop *loop, void *arg)
{
    struct chain *c = arg;
    say("回调1 (step 1), %.3f s after the start", loop_time(loop) - c->started);
    c->steps_done++;
    then(loop, step2, "step2", c);
}

/* Run the chain from step 1 to step 3; return how long it took. */
static double run_chain(struct chain *c)
{
    struct loop *loop = loop_new();
    c->done = future_new(loop);
    c->started = loop_time(loop);
    then(loop, step1, "step1", c);
    loop_run_until_complete(loop, c->done);
    double took = loop_time(loop) - c->started;
    future_unref(c->done);
    loop_close(loop);
    return took;
}

int main(int argc, char **argv)
{
    double step_seconds = 0.1;
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &step_seconds, 0, 10, "the pause before each step"),
        OPT_QUICK_DOUBLE(&step_seconds, 0.02),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Three steps chained as callbacks (callback hell): each one schedules the "
               "next, and their shared state travels in a struct.",
               opts);

    printf("As the article writes it: each callback schedules the next with call_soon.\n");
    struct chain soon = {.pause = 0};
    run_chain(&soon);

    printf("\nWith chain_tasks()'s timing: each step waits %.2f s (call_later) first.\n",
           step_seconds);
    struct chain later = {.pause = step_seconds};
    double took = run_chain(&later);
    say("%d steps in %.3f s (%.2f s expected); chapter 03's chain_tasks is the same as one "
        "coroutine",
        later.steps_done, took, 3 * step_seconds);
    result_record("callback_hell.steps", later.steps_done, "count");
    result_record("callback_hell.seconds", took, "s");
    return 0;
}
