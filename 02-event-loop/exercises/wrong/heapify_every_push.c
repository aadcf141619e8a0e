/*
 * heapify_every_push.c — a wrong heap for chapter 02's exercise, kept so that the tests show
 * the checker rejects it, every run, naming the mistake.
 *
 * The mistake: push appends the timer, then rebuilds the whole heap (every parent sunk
 * below its earlier child, last parent first). The heap is right after every push, and
 * pop is right, but each push costs about n comparisons instead of log2(n).
 * The checker must say: O\(log n\)
 */
#include "harness.h"

static void swap(struct timer *a, struct timer *b)
{
    struct timer t = *a;
    *a = *b;
    *b = t;
}

static void sink(struct heap *h, size_t i)
{
    for (;;) {
        size_t next = i, left = 2 * i + 1, right = left + 1;
        if (left < h->count && earlier(&h->items[left], &h->items[next]))
            next = left;
        if (right < h->count && earlier(&h->items[right], &h->items[next]))
            next = right;
        if (next == i)
            return;
        swap(&h->items[i], &h->items[next]);
        i = next;
    }
}

void heap_push(struct heap *h, struct timer t)
{
    heap_grow(h);
    h->items[h->count++] = t;
    for (size_t parent = h->count / 2; parent-- > 0;)
        sink(h, parent);
}

struct timer heap_pop(struct heap *h)
{
    struct timer first = h->items[0];
    h->items[0] = h->items[--h->count];
    sink(h, 0);
    return first;
}
