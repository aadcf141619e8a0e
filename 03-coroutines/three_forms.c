/*
 * three_forms.c — the same job in the three forms of A1: a plain function, a generator
 * (a stackless state machine) and a coroutine (stackful, on the loop).
 *
 * Mirrors A1 §2.2 「协程(Coroutine)的三种形态」: 普通函数 = red light (it blocks),
 * 生成器协程 = yellow (it pauses with yield), async/await 协程 = green. The job: three
 * workers, each waiting three times before a step. Watch the times: the plain functions
 * wait one after another (9 pauses); the other two forms wait together on one thread
 * (3 pauses). Then read the generator: its locals live in a struct and it resumes by
 * jumping into the middle of its own loop, which is what Python does for you.
 */
#include "args.h"
#include "clock.h"
#include "coro.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "table.h"
#include "task.h"
#include "trace.h"

#include <stdio.h>

enum { WORKERS = 3, STEPS = 3 };
static const char *const names[WORKERS] = {"worker-1", "worker-2", "worker-3"};
static double pause = 0.1;

/* ---- 1. a plain function: sleeping blocks the thread, so workers run one after another ---- */

static void worker_blocking(const char *name)
{
    for (int step = 1; step <= STEPS; step++) {
        sleep_sec(pause);
        say_as(name, "step %d", step);
    }
}

/* ---- 2. a generator: a function that returns at each pause and is called again ---- */

/*
 * Its stack frame is gone each time it returns, so what must survive a pause lives here:
 * where to resume, and the loop counter. Python keeps exactly this in a generator object.
 */
struct worker_gen {
    const char *name;
    int resume_at; /* 0: from the top; 1: just after the pause */
    int step;
};

/*
 * Run up to the next pause and return how long it is (`yield asyncio.sleep(pause)`), or
 * -1 once finished. The `case 1:` inside the for loop is Duff's device: the switch jumps
 * back into the middle of the loop, to the line after the pause.
 */
static double worker_next(struct worker_gen *g)
{
    switch (g->resume_at) {
    case 0:
        for (g->step = 1; g->step <= STEPS; g->step++) {
            g->resume_at = 1;
            return pause;
        case 1:
            say_as(g->name, "step %d", g->step);
        }
    }
    return -1;
}

struct gen_driver {
    struct worker_gen gen[WORKERS];
    int running;
};

static struct gen_driver driver;

/* What the loop calls: one step of a generator, then its pause becomes a timer. */
static void drive(struct loop *loop, void *arg)
{
    struct worker_gen *g = arg;
    double next_pause = worker_next(g);
    if (next_pause >= 0)
        loop_call_later(loop, next_pause, drive, g);
    else if (--driver.running == 0)
        loop_stop(loop);
}

static double run_generators(void)
{
    struct loop *loop = loop_new();
    driver.running = WORKERS;
    for (int i = 0; i < WORKERS; i++) {
        driver.gen[i] = (struct worker_gen){.name = names[i]};
        loop_call_soon(loop, drive, &driver.gen[i]);
    }
    double start = loop_time(loop);
    loop_run_forever(loop);
    double took = loop_time(loop) - start;
    loop_close(loop);
    return took;
}

/* ---- 3. a coroutine: the plain function again, with the loop's sleep ---- */

static void *worker_task(void *arg)
{
    (void)arg;
    for (int step = 1; step <= STEPS; step++) {
        int err = async_sleep(pause);
        if (err)
            return task_raise(err, "step %d", step);
        say("step %d", step); /* say() knows which task is speaking */
    }
    return NULL;
}

static void *run_tasks(void *took)
{
    struct loop *loop = loop_get_running();
    double start = loop_time(loop);
    struct task *t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        t[i] = create_task(names[i], worker_task, NULL);
    for (int i = 0; i < WORKERS; i++) {
        await_task(t[i], NULL);
        task_release(t[i]);
    }
    *(double *)took = loop_time(loop) - start;
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &pause, 0.001, 10, "each pause of each worker"),
        OPT_QUICK_DOUBLE(&pause, 0.02),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Three workers, each pausing three times: as plain functions, as stackless "
               "generators (state machines) and as stackful coroutines on the loop.",
               opts);

    printf("1. Plain functions (red light): sleep_sec() blocks, so one worker at a time.\n");
    double start = now_sec();
    for (int i = 0; i < WORKERS; i++)
        worker_blocking(names[i]);
    double blocking = now_sec() - start;

    printf("\n2. Generators (yellow light): each returns at a pause; the loop calls it again.\n");
    double generators = run_generators();

    printf("\n3. Coroutines (green light): the plain function's code, with async_sleep().\n");
    trace_start();
    double tasks = 0;
    async_run(run_tasks, &tasks, NULL);
    trace_timeline_print(stdout, 60);

    printf("\n");
    struct table *t = table_new("form|seconds|pauses waited in a row|what a paused worker keeps");
    table_row(t, "plain function|%.3f|%.0f|the thread's whole stack (the thread is stuck)",
              blocking, blocking / pause);
    table_row(t, "generator (stackless)|%.3f|%.0f|%zu bytes: struct worker_gen", generators,
              generators / pause, sizeof(struct worker_gen));
    table_row(t, "coroutine (stackful)|%.3f|%.0f|its own stack: %zu KiB reserved, a page used",
              tasks, tasks / pause, coro_default_stack_size() / 1024);
    table_print(t);
    table_free(t);
    printf("\nThe generator and the coroutine take %.0f pauses, not %d: they wait together.\n",
           tasks / pause, WORKERS * STEPS);

    result_record("three_forms.seconds.blocking", blocking, "s");
    result_record("three_forms.seconds.generator", generators, "s");
    result_record("three_forms.seconds.coroutine", tasks, "s");
    result_record("three_forms.pause", pause, "s");
    return 0;
}
