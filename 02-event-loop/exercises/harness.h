/*
 * harness.h — what chapter 02's exercise gives you: the timers of a tiny event loop,
 * the comparison earlier(), and the two heap functions you write in timers.c.
 * harness.c is the loop around them, its demo and its checks.
 */
#ifndef EXERCISE_HARNESS_H
#define EXERCISE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

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

/*
 * True if `a` must run before `b`: the earlier deadline or, on a tie, scheduled first.
 * Every call is counted: the checker uses the count to see that push and pop cost
 * O(log n) comparisons.
 */
bool earlier(const struct timer *a, const struct timer *b);

/* Make room for one more timer in h->items. */
void heap_grow(struct heap *h);

/* Yours, in timers.c: add a timer; take out the earliest (h->count > 0). */
void heap_push(struct heap *h, struct timer t);
struct timer heap_pop(struct heap *h);

#endif
