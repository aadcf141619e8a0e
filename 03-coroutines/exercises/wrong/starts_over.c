/*
 * starts_over.c — a wrong countdown for chapter 03's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: no place to resume is kept: each call starts from the top, says the
 * first number again and pauses, for ever.
 * The checker must say: never reached liftoff
 */
#include "args.h"
#include "loop.h"

#include <stdio.h>

struct countdown {
    const char *name;
    int from;
    double pause;
    int n;
};

static double start; /* the loop's time when the countdowns began: lines say time since */

static void say_at(struct loop *loop, const struct countdown *c, const char *what)
{
    printf("[%.3f] %s %s\n", loop_time(loop) - start, c->name, what);
}

/* Run up to the next pause and return it, or -1 once the countdown has said "liftoff". */
static double countdown_next(struct loop *loop, struct countdown *c)
{
    char number[16];
    for (c->n = c->from; c->n > 0; c->n--) {
        snprintf(number, sizeof number, "%d", c->n);
        say_at(loop, c, number);
        return c->pause;
    }
    say_at(loop, c, "liftoff");
    return -1;
}

/* ---- the driver: what a task does for a coroutine, done by hand ---- */

static int running;

static void drive(struct loop *loop, void *arg)
{
    struct countdown *c = arg;
    double pause = countdown_next(loop, c);
    if (pause >= 0)
        loop_call_later(loop, pause, drive, c);
    else if (--running == 0)
        loop_stop(loop);
}

int main(int argc, char **argv)
{
    const struct opt opts[] = {OPT_END};
    args_parse(argc, argv, "Two countdowns written as state machines, on one event loop.", opts);
    struct countdown a = {.name = "A", .from = 3, .pause = 0.2};
    struct countdown b = {.name = "B", .from = 4, .pause = 0.15};
    /* Each line out at once: a run stopped because it hangs still shows what it said. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct loop *loop = loop_new();
    start = loop_time(loop);
    running = 2;
    loop_call_soon(loop, drive, &a);
    loop_call_soon(loop, drive, &b);
    loop_run_forever(loop);
    printf("[%.3f] done\n", loop_time(loop) - start);
    loop_close(loop);
    return 0;
}
