/*
 * scan_for_earliest.c — a wrong heap for chapter 02's exercise, kept so that the tests show the checker
 * rejects it, every run, naming the mistake.
 *
 * The mistake: no heap at all: push appends, pop scans every timer for the earliest,
 * which keeps the earliest first but costs n comparisons per pop.
 * The checker must say: no timer is earlier than its parent|O\(log n\)
 */
#include "harness.h"

void heap_push(struct heap *h, struct timer t)
{
    heap_grow(h);
    h->items[h->count++] = t;
}

struct timer heap_pop(struct heap *h)
{
    size_t best = 0;
    for (size_t i = 1; i < h->count; i++)
        if (earlier(&h->items[i], &h->items[best]))
            best = i;
    struct timer first = h->items[best];
    h->items[best] = h->items[--h->count];
    return first;
}
