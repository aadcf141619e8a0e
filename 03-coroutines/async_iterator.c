/*
 * async_iterator.c — an asynchronous iterator: each next value is awaited.
 *
 * Mirrors A2 「异步迭代器」: class AsyncIterator with __aiter__ / __anext__, which
 * sleeps 0.5 s before each number, used as `async for number in AsyncIterator(5)`.
 * In C, __anext__ is a function that may suspend and returns 0 with the next value, or
 * STOP_ASYNC_ITERATION at the end (Python raises StopAsyncIteration), and `async for`
 * is a while loop. Watch the ticker task: it runs while the iterator sleeps, so the
 * numbers and the ticks interleave on one thread.
 */
#include "args.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>

static double pause = 0.5;

/* StopAsyncIteration: not an error, so not a negative code. */
enum { STOP_ASYNC_ITERATION = 1 };

/* class AsyncIterator: what __init__ sets up. */
struct async_counter {
    int current, stop;
};

/* __anext__: 0 and the next number, STOP_ASYNC_ITERATION, or a negative error code. */
static int counter_next(struct async_counter *it, int *number)
{
    if (it->current >= it->stop)
        return STOP_ASYNC_ITERATION;
    int err = async_sleep(pause); /* 模拟IO操作: the loop runs others meanwhile */
    if (err)
        return err;
    *number = ++it->current;
    return 0;
}

struct seen {
    int numbers[8], count;
    int ticks;
    bool ticker_cancelled; /* it ended cancelled, as it was asked to */
};

static void *ticker(void *arg)
{
    struct seen *s = arg;
    int err;
    while ((err = async_sleep(pause / 2)) == 0) {
        s->ticks++;
        say("tick %d", s->ticks);
    }
    return task_raise(err, "ticker"); /* cancelled when the iteration is over: it ends cancelled */
}

static void *main_task(void *arg)
{
    struct seen *s = arg;
    struct task *tick = create_task("ticker", ticker, s);

    /* async for number in AsyncIterator(5): print(number) */
    struct async_counter it = {.current = 0, .stop = 5};
    int number, rc;
    while ((rc = counter_next(&it, &number)) == 0) {
        say("%d", number);
        if (s->count < 8)
            s->numbers[s->count++] = number;
    }

    task_cancel(tick);
    s->ticker_cancelled = await_task(tick, NULL) == -ECANCELED;
    task_release(tick);
    return rc == STOP_ASYNC_ITERATION ? NULL : task_raise(rc, "async for");
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &pause, 0.001, 10, "the sleep before each number"),
        OPT_QUICK_DOUBLE(&pause, 0.02),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "An async iterator producing 1..5 with a sleep before each, consumed by a "
               "while loop (async for) while a ticker task keeps running.",
               opts);
    struct seen s = {.count = 0};
    int rc = async_run(main_task, &s, NULL);
    printf("\nnumbers:");
    for (int i = 0; i < s.count; i++)
        printf(" %d", s.numbers[i]);
    printf("; the ticker ticked %d times meanwhile, and ended %s when cancelled\n", s.ticks,
           s.ticker_cancelled ? "cancelled" : "with a result (the cancel was swallowed)");
    int in_order = s.count == 5;
    for (int i = 0; i < s.count; i++)
        in_order &= s.numbers[i] == i + 1;
    result_record("async_iterator.count", s.count, "count");
    result_record("async_iterator.in_order", in_order, "bool");
    result_record("async_iterator.ticks", s.ticks, "count");
    result_record("async_iterator.ticker_cancelled", s.ticker_cancelled, "bool");
    return rc == 0 ? 0 : 1;
}
