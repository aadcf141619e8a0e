/*
 * timers.c — exercise: give a tiny event loop its timers (call_later needs a heap).
 *
 * The loop below is complete except for heap_push and heap_pop. As shipped, they keep
 * the timers in arrival order, so a timer due in 0.1 s waits behind one due in 0.3 s.
 * Make them a binary min-heap ordered by earlier(): the earliest deadline at items[0],
 * equal deadlines in the order they were scheduled (that is what `seq` is for).
 *   - push: put the new timer at the end, then swap it with its parent while it is earlier
 *     (the parent of i is (i - 1) / 2);
 *   - pop: take items[0], move the last timer to the top, then swap it with its earlier
 *     child while that child is earlier (the children of i are 2i + 1 and 2i + 2).
 * Compare only with earlier(): the checker counts its calls to see that push and pop
 * cost O(log n), not O(n). Run `make exercise-2` until it says everything is right;
 * `timers` alone shows the demo, `timers --check` runs the checks.
 */
#include "args.h"
#include "check.h"
#include "clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mini_loop;
struct timer;
typedef void timer_fn(struct mini_loop *loop, const struct timer *t);

struct timer {
    double when;       /* deadline on the loop's clock, in seconds */
    unsigned long seq; /* the order timers were scheduled in: breaks ties */
    timer_fn *fn;
    const char *name;
};

struct heap {
    struct timer *items;
    size_t count, cap;
};

static unsigned long comparisons;

/* True if `a` must run before `b`: the earlier deadline or, on a tie, scheduled first.
 * (Marked unused only so that the starter, which does not call it yet, compiles.) */
__attribute__((unused)) static bool earlier(const struct timer *a, const struct timer *b)
{
    comparisons++;
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_grow(struct heap *h)
{
    if (h->count < h->cap)
        return;
    h->cap = h->cap ? 2 * h->cap : 16;
    h->items = realloc(h->items, h->cap * sizeof *h->items);
    if (!h->items)
        die("out of memory for %zu timers", h->cap);
}

/* TODO: keep items[0] the earliest timer (sift the new one up). */
static void heap_push(struct heap *h, struct timer t)
{
    heap_grow(h);
    h->items[h->count++] = t;
}

/* TODO: return the earliest timer and restore the heap (sift the last one down). */
static struct timer heap_pop(struct heap *h)
{
    struct timer first = h->items[0];
    memmove(&h->items[0], &h->items[1], --h->count * sizeof first);
    return first;
}

/* ---- the loop: nothing to change below ---- */

struct mini_loop {
    struct heap timers;
    unsigned long next_seq;
    bool virtual_clock; /* jump to each deadline instead of sleeping (for the checks) */
    double now, start;
};

static double loop_now(struct mini_loop *loop)
{
    return loop->virtual_clock ? loop->now : now_sec() - loop->start;
}

static void call_later(struct mini_loop *loop, double delay, timer_fn *fn, const char *name)
{
    heap_push(&loop->timers, (struct timer){loop_now(loop) + delay, loop->next_seq++, fn, name});
}

/* Sleep until the earliest deadline, run that timer, and again until none is left. */
static void run(struct mini_loop *loop)
{
    while (loop->timers.count) {
        double wait = loop->timers.items[0].when - loop_now(loop);
        if (loop->virtual_clock)
            loop->now += wait > 0 ? wait : 0;
        else
            sleep_sec(wait);
        struct timer t = heap_pop(&loop->timers);
        t.fn(loop, &t);
    }
    free(loop->timers.items);
    loop->timers = (struct heap){0};
}

/* ---- the demo ---- */

static void print_timer(struct mini_loop *loop, const struct timer *t)
{
    printf("[%5.2fs] %s\n", loop_now(loop), t->name);
}

static void demo(void)
{
    struct mini_loop loop = {.start = now_sec()};
    call_later(&loop, 0.3, print_timer, "timer for 0.3 s");
    call_later(&loop, 0.1, print_timer, "timer for 0.1 s (first of two)");
    call_later(&loop, 0.2, print_timer, "timer for 0.2 s");
    call_later(&loop, 0.1, print_timer, "timer for 0.1 s (second of two)");
    call_later(&loop, 0.0, print_timer, "timer for 0 s");
    run(&loop);
}

/* ---- the checks (make exercise-2) ---- */

static struct {
    unsigned long fired, out_of_order, ties_swapped, early, seed;
    struct timer last;
} seen;

static double random_delay(void)
{
    seen.seed = seen.seed * 6364136223846793005ul + 1442695040888963407ul;
    return (double)((seen.seed >> 33) % 100) / 100.0; /* 0.00 .. 0.99 s: many ties */
}

/* Each timer checks that it came in order; one in four schedules another (push during run). */
static void check_order(struct mini_loop *loop, const struct timer *t)
{
    seen.early += loop_now(loop) < t->when;
    if (seen.fired++) {
        seen.out_of_order += t->when < seen.last.when;
        seen.ties_swapped += t->when == seen.last.when && t->seq < seen.last.seq;
    }
    seen.last = *t;
    if (t->seq % 4 == 0)
        call_later(loop, random_delay(), check_order, "again");
}

static int report(bool passed, const char *what, const char *hint)
{
    printf("%s - %s\n", passed ? "ok  " : "FAIL", what);
    if (!passed)
        printf("       %s\n", hint);
    return !passed;
}

static int check(void)
{
    enum { N = 20000 };
    struct mini_loop loop = {.virtual_clock = true};
    seen.seed = 12345;
    for (int i = 0; i < N; i++)
        call_later(&loop, random_delay(), check_order, "t");
    comparisons = 0;
    run(&loop);

    unsigned long scheduled = loop.next_seq;
    int failed = 0;
    failed += report(seen.fired == scheduled, "every timer fires, once",
                     "heap_pop must return each timer exactly once");
    failed += report(seen.out_of_order == 0, "timers fire earliest deadline first",
                     "heap_pop must return items[0], the earliest, and restore the heap");
    failed += report(seen.ties_swapped == 0, "equal deadlines fire in the order scheduled",
                     "compare with earlier(): on equal deadlines it puts the lower seq first");
    failed += report(seen.early == 0, "no timer fires before its deadline",
                     "the loop sleeps until items[0].when, so items[0] must be the earliest");
    double n = (double)scheduled, bound = 3 * n * log2(n);
    char hint[200];
    snprintf(hint, sizeof hint,
             "%lu calls to earlier() for %lu timers: a heap needs about log2(n) per push and "
             "2 log2(n) per pop (%.0f at most)",
             comparisons, scheduled, bound);
    failed += report(comparisons > 0 && (double)comparisons <= bound,
                     "push and pop cost O(log n) comparisons", hint);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    bool run_checks = false;
    const struct opt opts[] = {
        OPT_FLAG("check", &run_checks, "check heap_push and heap_pop instead of the demo"),
        OPT_QUICK(&(bool){false}),
        OPT_END,
    };
    args_parse(argc, argv, "Exercise: a tiny event loop whose timers need a min-heap.", opts);
    if (run_checks)
        return check();
    demo();
    return 0;
}
