/*
 * countdown.c — a correct countdown for chapter 03's exercise, written differently from
 * the reference (solutions/countdown.c), kept so that the tests show the checker accepts
 * more than one right answer.
 *
 * An explicit state instead of Duff's device: the number still to say, 0 once liftoff is
 * next, and a flag for the end.
 */
#include "args.h"
#include "loop.h"

#include <stdbool.h>
#include <stdio.h>

struct countdown {
    const char *name;
    int from;
    double pause;
    /* What survives a pause: */
    bool started;
    int left; /* the next number to say; 0: liftoff is next */
};

static double start; /* the loop's time when the countdowns began: lines say time since */

static void say_at(struct loop *loop, const struct countdown *c, const char *what)
{
    printf("[%.3f] %s %s\n", loop_time(loop) - start, c->name, what);
}

/* Run up to the next pause and return it, or -1 once the countdown has said "liftoff". */
static double countdown_next(struct loop *loop, struct countdown *c)
{
    if (!c->started) {
        c->started = true;
        c->left = c->from;
    }
    if (c->left == 0) {
        say_at(loop, c, "liftoff");
        return -1;
    }
    char number[16];
    snprintf(number, sizeof number, "%d", c->left--);
    say_at(loop, c, number);
    return c->pause;
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
