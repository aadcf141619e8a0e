/*
 * harness.c — the tiny event loop around chapter 02's exercise: call_later, a run that
 * sleeps until the earliest deadline, the demo, and the checks `make exercise-2` runs.
 * Nothing to change here: your part is heap_push and heap_pop in timers.c.
 */
#include "harness.h"

#include "args.h"
#include "check.h"
#include "clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long comparisons;

bool earlier(const struct timer *a, const struct timer *b)
{
    comparisons++;
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

void heap_grow(struct heap *h)
{
    if (h->count < h->cap)
        return;
    h->cap = h->cap ? 2 * h->cap : 16;
    h->items = realloc(h->items, h->cap * sizeof *h->items);
    if (!h->items)
        die("out of memory for %zu timers", h->cap);
}

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

/*
 * A sorted array is a min-heap too, and a binary search finds a timer's place in log2(n)
 * comparisons; but then every push and pop moves up to n timers, which no comparison count
 * sees. So look at the layout: timers pushed due ever sooner must end up in heap order
 * (no child earlier than its parent), and not sorted, as sifting up leaves them.
 */
static bool kept_as_a_heap(void)
{
    enum { M = 7 };
    struct heap h = {0};
    for (int i = 0; i < M; i++)
        heap_push(&h, (struct timer){.when = M - i, .seq = (unsigned long)i});
    bool heap_order = h.count == M, sorted = true;
    for (size_t i = 1; i < h.count; i++) {
        heap_order = heap_order && !earlier(&h.items[i], &h.items[(i - 1) / 2]);
        sorted = sorted && !earlier(&h.items[i], &h.items[i - 1]);
    }
    free(h.items);
    return heap_order && !sorted;
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
    failed += report(kept_as_a_heap(), "the timers are kept as a binary heap, not sorted",
                     "after pushes due ever sooner, each parent must come before its "
                     "children, but the array not be sorted: keeping it sorted moves up to n "
                     "timers per push; sift the new one up instead");
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
