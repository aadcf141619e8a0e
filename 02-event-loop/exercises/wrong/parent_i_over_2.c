/*
 * parent_i_over_2.c — a wrong heap for chapter 02's exercise, kept so that the tests show the checker
 * rejects it, every run, naming the mistake.
 *
 * The mistake: the parent of i taken as i / 2, the formula of a heap counted from 1.
 * The checker must say: heap_push .*earlier than its parent
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
    while (i > 0 && earlier(&h->items[i], &h->items[i / 2])) {
        swap(&h->items[i], &h->items[i / 2]);
        i = i / 2;
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
