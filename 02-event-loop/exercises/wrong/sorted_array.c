/*
 * sorted_array.c — a wrong heap for chapter 02's exercise, kept so that the tests show the checker
 * rejects it, every run, naming the mistake.
 *
 * The mistake: the timers kept sorted, a binary search finding each one's place: log n
 * comparisons, which the count cannot tell from a heap, but up to n timers moved per push
 * and per pop.
 * The checker must say: kept as a binary heap, not sorted
 */
#include "harness.h"

#include <string.h>

void heap_push(struct heap *h, struct timer t)
{
    heap_grow(h);
    size_t lo = 0, hi = h->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (earlier(&h->items[mid], &t))
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&h->items[lo + 1], &h->items[lo], (h->count++ - lo) * sizeof t);
    h->items[lo] = t;
}

struct timer heap_pop(struct heap *h)
{
    struct timer first = h->items[0];
    memmove(&h->items[0], &h->items[1], --h->count * sizeof first);
    return first;
}
