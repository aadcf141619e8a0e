/*
 * timers.c — a correct heap for chapter 02's exercise, written differently from the
 * reference (solutions/timers.c), kept so that the tests show the checker accepts more
 * than one right answer.
 *
 * No swaps: the new timer's place is found by moving each later parent down into the
 * hole below it, and the timer is written once, where the hole stops; pop sinks a hole
 * from the top the same way, recursively.
 */
#include "harness.h"

void heap_push(struct heap *h, struct timer t)
{
    heap_grow(h);
    size_t hole = h->count++;
    while (hole > 0) {
        size_t parent = (hole - 1) / 2;
        if (!earlier(&t, &h->items[parent]))
            break;
        h->items[hole] = h->items[parent];
        hole = parent;
    }
    h->items[hole] = t;
}

/* Put `t` at `hole` or below it, moving earlier children up. */
static void sink(struct heap *h, size_t hole, struct timer t)
{
    size_t child = 2 * hole + 1;
    if (child + 1 < h->count && earlier(&h->items[child + 1], &h->items[child]))
        child++;
    if (child < h->count && earlier(&h->items[child], &t)) {
        h->items[hole] = h->items[child];
        sink(h, child, t);
    } else {
        h->items[hole] = t;
    }
}

struct timer heap_pop(struct heap *h)
{
    struct timer first = h->items[0];
    if (--h->count > 0)
        sink(h, 0, h->items[h->count]);
    return first;
}
