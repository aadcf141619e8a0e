/* timer_heap.c — a binary min-heap of timers. See timer_heap.h. */
#include "timer_heap.h"

#include "check.h"

#include <stdlib.h>

static bool earlier(const struct timer_entry *a, const struct timer_entry *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void swap(struct timer_entry *a, struct timer_entry *b)
{
    struct timer_entry t = *a;
    *a = *b;
    *b = t;
}

/* A new entry at the bottom climbs while it is earlier than its parent. */
static void sift_up(struct timer_heap *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(&h->entries[i], &h->entries[parent]))
            break;
        swap(&h->entries[i], &h->entries[parent]);
        i = parent;
    }
}

/* An entry put at the top sinks below the earlier of its children until it is the earliest. */
static void sift_down(struct timer_heap *h, size_t i)
{
    for (;;) {
        size_t first = i, left = 2 * i + 1, right = left + 1;
        if (left < h->count && earlier(&h->entries[left], &h->entries[first]))
            first = left;
        if (right < h->count && earlier(&h->entries[right], &h->entries[first]))
            first = right;
        if (first == i)
            return;
        swap(&h->entries[i], &h->entries[first]);
        i = first;
    }
}

void timer_heap_init(struct timer_heap *h)
{
    *h = (struct timer_heap){0};
}

void timer_heap_free(struct timer_heap *h)
{
    free(h->entries);
    timer_heap_init(h);
}

void timer_heap_push(struct timer_heap *h, struct timer_entry e)
{
    if (h->count == h->cap)
        h->entries =
            grow_array(h->entries, &h->cap, h->count + 1, sizeof *h->entries, "timer_heap");
    h->entries[h->count] = e;
    sift_up(h, h->count++);
}

const struct timer_entry *timer_heap_peek(const struct timer_heap *h)
{
    return h->count ? &h->entries[0] : NULL;
}

bool timer_heap_pop(struct timer_heap *h, struct timer_entry *out)
{
    if (h->count == 0)
        return false;
    *out = h->entries[0];
    h->entries[0] = h->entries[--h->count];
    sift_down(h, 0);
    return true;
}

void timer_heap_filter(struct timer_heap *h, bool (*keep)(const struct timer_entry *, void *),
                       void *ctx)
{
    size_t kept = 0;
    for (size_t i = 0; i < h->count; i++)
        if (keep(&h->entries[i], ctx))
            h->entries[kept++] = h->entries[i];
    h->count = kept;
    /* Floyd's heap construction: sift down every parent, the last one first. O(n). */
    for (size_t i = kept / 2; i-- > 0;)
        sift_down(h, i);
}
