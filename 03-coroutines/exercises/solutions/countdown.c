/*
 * countdown.c — exercise: turn a coroutine into a stackless generator (a state machine).
 *
 * As a coroutine, a countdown is four lines:
 *
 *     for (int n = c->from; n > 0; n--) {
 *         say("%d", n);
 *         async_sleep(c->pause);
 *     }
 *     say("liftoff");
 *
 * Python compiles such a function into a generator object that remembers where it
 * stopped; C will not do that for you. Write countdown_next() so that each call runs the
 * countdown up to its next pause and returns that pause in seconds, or -1 once it has
 * said "liftoff". Between calls its frame is gone: whatever must survive a pause (where
 * to resume, the current number) goes into struct countdown. Use a switch on where to
 * resume, as three_forms.c does (Duff's device), or an explicit state enum.
 *
 * The driver below runs two countdowns on the event loop at once, and prints each line
 * with the time since they began. `make exercise-3` runs them on the virtual clock and compares
 * every line with what the four-line coroutine would print.
 */
#include "args.h"
#include "loop.h"

#include <stdio.h>

struct countdown {
    const char *name;
    int from;
    double pause;
    /* What survives a pause: */
    int resume_at; /* 0: from the top; 1: after the pause */
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
    switch (c->resume_at) {
    case 0:
        for (c->n = c->from; c->n > 0; c->n--) {
            snprintf(number, sizeof number, "%d", c->n);
            say_at(loop, c, number);
            c->resume_at = 1;
            return c->pause;
        case 1:;
        }
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
