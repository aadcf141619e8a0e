/*
 * timers.c — exercise: give a tiny event loop its timers (call_later needs a heap).
 *
 * The loop (harness.c) is complete except for heap_push and heap_pop. As shipped, they keep
 * the timers in arrival order, so a timer due in 0.1 s waits behind one due in 0.3 s.
 * Make them a binary min-heap ordered by earlier(): the earliest deadline at items[0],
 * equal deadlines in the order they were scheduled (that is what `seq` is for).
 *   - push: put the new timer at the end, then swap it with its parent while it is earlier
 *     (the parent of i is (i - 1) / 2);
 *   - pop: take items[0], move the last timer to the top, then swap it with its earlier
 *     child while that child is earlier (the children of i are 2i + 1 and 2i + 2).
 * Compare only with earlier(): the checker counts its calls to see that push and pop
 * cost O(log n), not O(n), and looks at the array's layout (a sorted array would pass the
 * count, but moves up to n timers per push). Run `make exercise-2` until it says everything
 * is right; `timers` alone shows the demo, `timers --check` runs the checks.
 */
#include "harness.h"

#include <string.h>

/* TODO: keep items[0] the earliest timer (sift the new one up). */
void heap_push(struct heap *h, struct timer t)
{
    heap_grow(h);
    h->items[h->count++] = t;
}

/* TODO: return the earliest timer and restore the heap (sift the last one down). */
struct timer heap_pop(struct heap *h)
{
    struct timer first = h->items[0];
    memmove(&h->items[0], &h->items[1], --h->count * sizeof first);
    return first;
}
