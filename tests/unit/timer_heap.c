/* Unit tests of common/timer_heap: earliest first, FIFO among equals, filter keeps order. */
#include "rng.h"
#include "tap.h"
#include "timer_heap.h"

static bool keep_even_ids(const struct timer_entry *e, void *ctx)
{
    (void)ctx;
    return e->id % 2 == 0;
}

/* Pop everything; true if deadlines never decrease and equal deadlines keep their order. */
static bool pops_in_order(struct timer_heap *h, size_t *popped)
{
    struct timer_entry prev = {0}, e;
    bool in_order = true;
    *popped = 0;
    while (timer_heap_pop(h, &e)) {
        if (*popped && (e.when < prev.when || (e.when == prev.when && e.seq < prev.seq)))
            in_order = false;
        prev = e;
        ++*popped;
    }
    return in_order;
}

int main(void)
{
    struct timer_heap h;
    timer_heap_init(&h);
    struct timer_entry e;
    ok(timer_heap_peek(&h) == NULL && !timer_heap_pop(&h, &e), "an empty heap has no top");

    uint64_t whens[] = {30, 10, 20, 10, 5, 10};
    for (uint64_t i = 0; i < 6; i++)
        timer_heap_push(&h, (struct timer_entry){whens[i], i, i});
    is_long((long)timer_heap_peek(&h)->when, 5, "the top is the earliest deadline");
    uint64_t want_ids[] = {4, 1, 3, 5, 2, 0}, got_ok = 1;
    for (int i = 0; i < 6; i++)
        got_ok &= timer_heap_pop(&h, &e) && e.id == want_ids[i];
    ok(got_ok, "timers come out earliest first, and equal deadlines in the order pushed");

    struct rng r;
    rng_seed(&r, 42);
    for (uint64_t i = 0; i < 10000; i++)
        timer_heap_push(&h, (struct timer_entry){(uint64_t)rng_range(&r, 0, 99), i, i});
    size_t popped;
    ok(pops_in_order(&h, &popped) && popped == 10000,
       "10,000 random deadlines (many equal) come out in order, FIFO among equals");

    for (uint64_t i = 0; i < 1000; i++)
        timer_heap_push(&h, (struct timer_entry){(uint64_t)rng_range(&r, 0, 9), i, i});
    timer_heap_filter(&h, keep_even_ids, NULL);
    is_long((long)h.count, 500, "filter keeps exactly the entries asked for");
    ok(pops_in_order(&h, &popped) && popped == 500, "and the heap is still in order after it");
    timer_heap_free(&h);
    return done_testing();
}
