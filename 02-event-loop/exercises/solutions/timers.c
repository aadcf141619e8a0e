/*
 * timers.c — the reference solution of the exercise: the timer heap written out.
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

static void swap(struct timer *a, struct timer *b)
{
    struct timer t = *a;
    *a = *b;
    *b = t;
}

/* The new timer climbs while it is earlier than its parent. */
void heap_push(struct heap *h, struct timer t)
{
    heap_grow(h);
    size_t i = h->count++;
    h->items[i] = t;
    while (i > 0 && earlier(&h->items[i], &h->items[(i - 1) / 2])) {
        swap(&h->items[i], &h->items[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
}

/* The last timer, put at the top, sinks below the earlier of its children. */
struct timer heap_pop(struct heap *h)
{
    struct timer first = h->items[0];
    h->items[0] = h->items[--h->count];
    for (size_t i = 0;;) {
        size_t next = i, left = 2 * i + 1, right = left + 1;
        if (left < h->count && earlier(&h->items[left], &h->items[next]))
            next = left;
        if (right < h->count && earlier(&h->items[right], &h->items[next]))
            next = right;
        if (next == i)
            break;
        swap(&h->items[i], &h->items[next]);
        i = next;
    }
    return first;
}
