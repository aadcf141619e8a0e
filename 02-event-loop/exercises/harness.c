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
    h->items = grow_array(h->items, &h->cap, h->count + 1, sizeof *h->items, "timers");
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

/*
 * The heap property after every single push and pop. A run of the loop may never notice a
 * sift that stops one step early (with many equal deadlines the root is soon one of the
 * earliest anyway), so try every order of seven deadlines, pushed one by one, then popped,
 * and look at the array after each call. The first thing wrong is described in `why`.
 */
enum { SMALL = 7 };

static void show(char *out, size_t size, const struct heap *h)
{
    size_t used = (size_t)snprintf(out, size, "[");
    for (size_t i = 0; i < h->count && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%g", i ? " " : "", h->items[i].when);
    if (used < size)
        snprintf(out + used, size - used, "]");
}

/* The first child earlier than its parent, or 0 if none (0 is nobody's child). */
static size_t misplaced(const struct heap *h)
{
    for (size_t i = 1; i < h->count; i++)
        if (earlier(&h->items[i], &h->items[(i - 1) / 2]))
            return i;
    return 0;
}

static bool one_order(const double *order, char *why, size_t size)
{
    struct heap h = {0};
    char before[64], after[64];
    bool right = true;
    for (size_t n = 0; right && n < SMALL; n++) {
        show(before, sizeof before, &h);
        heap_push(&h, (struct timer){.when = order[n], .seq = n});
        show(after, sizeof after, &h);
        size_t bad = misplaced(&h);
        if (h.count != n + 1) {
            snprintf(why, size, "after heap_push of %g onto %s, h->count is %zu, not %zu", order[n],
                     before, h.count, n + 1);
            right = false;
        } else if (bad) {
            snprintf(why, size,
                     "heap_push of %g onto %s left %s: items[%zu] is earlier than its parent "
                     "items[%zu]. The new timer must climb while it is earlier than its parent, "
                     "all the way up to index 0 (the parent of i is (i - 1) / 2)",
                     order[n], before, after, bad, (bad - 1) / 2);
            right = false;
        }
    }
    for (double want = 1; right && h.count > 0; want++) {
        show(before, sizeof before, &h);
        size_t count = h.count;
        struct timer got = heap_pop(&h);
        show(after, sizeof after, &h);
        size_t bad = misplaced(&h);
        if (h.count != count - 1) {
            snprintf(why, size, "heap_pop from %s left h->count at %zu, not %zu: it must take the "
                     "timer out", before, h.count, count - 1);
            right = false;
        } else if (got.when != want) {
            snprintf(why, size, "heap_pop from %s returned %g, not the earliest (%g)", before,
                     got.when, want);
            right = false;
        } else if (bad) {
            snprintf(why, size,
                     "heap_pop from %s left %s: items[%zu] is earlier than its parent items[%zu]. "
                     "The last timer, moved to the top, must sink below the earlier of its two "
                     "children while one of them is earlier (the children of i are 2i + 1 and "
                     "2i + 2)",
                     before, after, bad, (bad - 1) / 2);
            right = false;
        }
    }
    free(h.items);
    return right;
}

/* Every order of SMALL deadlines (Heap's algorithm), until one goes wrong. */
static bool every_order(char *why, size_t size)
{
    double order[SMALL];
    size_t c[SMALL] = {0};
    for (size_t i = 0; i < SMALL; i++)
        order[i] = (double)(i + 1);
    if (!one_order(order, why, size))
        return false;
    for (size_t i = 1; i < SMALL;) {
        if (c[i] < i) {
            size_t j = i % 2 ? c[i] : 0;
            double t = order[j];
            order[j] = order[i];
            order[i] = t;
            if (!one_order(order, why, size))
                return false;
            c[i]++;
            i = 1;
        } else {
            c[i++] = 0;
        }
    }
    return true;
}

static int check(void)
{
    /* First on seven timers, where each mistake is named and nothing can loop for ever. */
    char why[400];
    if (!every_order(why, sizeof why)) {
        report(false, "after every push and every pop, no timer is earlier than its parent", why);
        printf("       (the run of 20000 timers is skipped until this is right)\n");
        return 1;
    }
    report(true, "after every push and every pop, no timer is earlier than its parent", "");

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
