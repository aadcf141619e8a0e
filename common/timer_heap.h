/*
 * timer_heap.h — the event loop's timers: a binary min-heap ordered by deadline.
 *
 * The earliest deadline is always at the top, so the loop learns how long it may
 * sleep in O(1) and takes each due timer out in O(log n). Ties are broken by a
 * sequence number, so equal deadlines come out in the order they went in (FIFO).
 *
 * The heap stores plain values; it knows nothing of callbacks. A cancelled timer stays
 * in the heap until it reaches the top (the loop skips it then), or until
 * timer_heap_filter() sweeps the cancelled ones out when they pile up, as asyncio does.
 */
#ifndef LAB_TIMER_HEAP_H
#define LAB_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct timer_entry {
    uint64_t when; /* deadline, in the loop's nanoseconds */
    uint64_t seq;  /* order of scheduling: breaks ties between equal deadlines */
    uint64_t id;   /* whatever the user needs to find the timer again (a handle) */
};

struct timer_heap {
    struct timer_entry *entries; /* entries[0] is the earliest; children of i: 2i+1, 2i+2 */
    size_t count, cap;
};

void timer_heap_init(struct timer_heap *h);
void timer_heap_free(struct timer_heap *h);

void timer_heap_push(struct timer_heap *h, struct timer_entry e);
/* The earliest entry, or NULL if the heap is empty. */
const struct timer_entry *timer_heap_peek(const struct timer_heap *h);
/* Remove the earliest entry into *out; false if the heap is empty. */
bool timer_heap_pop(struct timer_heap *h, struct timer_entry *out);

/* Keep only the entries for which keep(e, ctx) is true, then restore the heap order. */
void timer_heap_filter(struct timer_heap *h, bool (*keep)(const struct timer_entry *, void *),
                       void *ctx);

#endif
