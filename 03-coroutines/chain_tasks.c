/*
 * chain_tasks.c — chapter 02's callback hell, rewritten as one coroutine.
 *
 * Mirrors A0 §2.1 「回调地狱与解决方案」, the 解决方案 (solution): chain_tasks() awaits
 * sleep(0.1) three times and prints 任务1, 任务2, 任务3. In 02-event-loop/callback_hell.c
 * the same three steps are three callbacks, and what they share travels in a struct.
 * Here the steps are three lines of one function, and what they share (the start time,
 * the step count) is in ordinary local variables: the coroutine's stack keeps them while
 * it waits. Watch: the same output, 0.1 s apart, as the callbacks gave.
 */
#include "args.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <stdio.h>

static double pause = 0.1;

/* The article's chain_tasks(): three awaits, read top to bottom. */
static void *chain_tasks(void *arg)
{
    int *steps_done = arg;
    double started = loop_time(loop_get_running());
    for (int step = 1; step <= 3; step++) {
        int err = async_sleep(pause); /* 0: asyncio.sleep(0), a turn like call_soon */
        if (err)
            return task_raise(err, "任务%d", step);
        say("任务%d (step %d), %.3f s after the start", step, step,
            loop_time(loop_get_running()) - started);
        (*steps_done)++;
    }
    return NULL;
}

/* Run chain_tasks with asyncio.run() and say how long it took. */
static double run_chain(int *steps_done)
{
    struct loop *loop = loop_new();
    double start = loop_time(loop);
    int rc = async_run_on(loop, chain_tasks, steps_done, NULL);
    double took = loop_time(loop) - start;
    loop_close(loop);
    if (rc != 0)
        say("chain_tasks failed: %d", rc);
    return took;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &pause, 0, 10, "the pause before each step"),
        OPT_QUICK_DOUBLE(&pause, 0.02),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "The three chained steps of callback hell as one coroutine: three awaits in a "
               "row, the shared state in local variables.",
               opts);
    double step_pause = pause;

    printf("With no pause (callback_hell's call_soon): each await is a turn of the loop.\n");
    int soon_steps = 0;
    pause = 0;
    run_chain(&soon_steps);

    printf("\nThe article's chain_tasks(): each step awaits sleep(%.2f) first.\n", step_pause);
    int steps = 0;
    pause = step_pause;
    double took = run_chain(&steps);
    say("%d steps in %.3f s (%.2f s expected), and no struct carried the state between them", steps,
        took, 3 * step_pause);
    result_record("chain_tasks.steps", steps, "count");
    result_record("chain_tasks.steps.soon", soon_steps, "count");
    result_record("chain_tasks.seconds", took, "s");
    return 0;
}
