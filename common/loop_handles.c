/*
 * loop_handles.c — what a handle is: scheduled callbacks in slots, the ready queue, and
 * call_soon / call_later / call_at / cancel. See loop.h ("Handles are values").
 */
#include "loop_private.h"

#include "check.h"

#include <stdlib.h>

/* ---- slots and handles ---- */

static uint64_t make_id(uint32_t index, uint32_t gen)
{
    return (uint64_t)gen << 32 | index;
}

uint64_t loop_slot_new(struct loop *loop, enum slot_state state, const char *name,
                       loop_callback *fn, void *arg)
{
    if (loop->first_free == UINT32_MAX) {
        /* A slot's index is 32 bits of its handle's id, and UINT32_MAX ends the free list. */
        uint32_t old = loop->nslots;
        size_t cap = old;
        loop->slots =
            grow_array(loop->slots, &cap, (size_t)old + 1, sizeof *loop->slots, "loop's callbacks");
        if (cap >= UINT32_MAX)
            die("loop: more than %u callbacks at once", UINT32_MAX - 1);
        uint32_t grown = (uint32_t)cap;
        /* Thread the new slots onto the free list; generations start at 1, so no id is 0. */
        for (uint32_t i = old; i < grown; i++)
            loop->slots[i] = (struct slot){.gen = 1, .next_free = i + 1};
        loop->slots[grown - 1].next_free = UINT32_MAX;
        loop->first_free = old;
        loop->nslots = grown;
    }
    uint32_t index = loop->first_free;
    struct slot *s = &loop->slots[index];
    loop->first_free = s->next_free;
    uint32_t gen = s->gen;
    *s = (struct slot){.fn = fn, .arg = arg, .name = name, .gen = gen, .state = (uint8_t)state};
    return make_id(index, gen);
}

/* ---- the ready queue ---- */

/* The ring is full: double it (its capacity stays a power of two, see loop_private.h). */
void loop_ready_grow(struct loop *loop)
{
    struct ready_ring *r = &loop->ready;
    size_t grown = grow_capacity(r->cap, r->count + 1, sizeof *r->ids);
    if (!grown || (grown & (grown - 1)))
        die("loop: a ready queue of %zu callbacks cannot grow", r->count);
    uint64_t *ids = xmalloc(grown * sizeof *ids);
    for (size_t i = 0; i < r->count; i++)
        ids[i] = r->ids[(r->head + i) & (r->cap - 1)];
    free(r->ids);
    *r = (struct ready_ring){.ids = ids, .head = 0, .count = r->count, .cap = grown};
}

/* ---- scheduling ---- */

void loop_check_thread(const struct loop *loop, const char *call)
{
    /* Only the running loop's own thread has it as its running loop (a thread-local). */
    if (loop->debug && loop->running && loop_get_running() != loop)
        die("%s: called from another thread than the loop's (use "
            "loop_call_soon_threadsafe)",
            call);
}

struct loop_handle loop_call_soon_named(struct loop *loop, const char *name, loop_callback *fn,
                                        void *arg)
{
    loop_check_thread(loop, "loop_call_soon");
    loop_take_threadsafe_calls(loop); /* calls other threads made before this one go first */
    uint64_t id = loop_slot_new(loop, SLOT_READY, name, fn, arg);
    loop_ready_push(loop, id);
    return (struct loop_handle){id};
}

uint64_t loop_seconds_to_ns(double seconds)
{
    if (!(seconds > 0)) /* also catches NaN */
        return 0;
    return seconds >= 1e10 ? (uint64_t)1e19 : (uint64_t)(seconds * 1e9 + 0.5);
}

static struct loop_handle call_at_ns(struct loop *loop, uint64_t when, const char *name,
                                     loop_callback *fn, void *arg)
{
    loop_check_thread(loop, "loop_call_at");
    uint64_t id = loop_slot_new(loop, SLOT_TIMER, name, fn, arg);
    timer_heap_push(&loop->timers, (struct timer_entry){when, loop->timer_seq++, id});
    return (struct loop_handle){id};
}

struct loop_handle loop_call_later_named(struct loop *loop, double delay, const char *name,
                                         loop_callback *fn, void *arg)
{
    return call_at_ns(loop, loop_time_ns(loop) + loop_seconds_to_ns(delay), name, fn, arg);
}

struct loop_handle loop_call_at_named(struct loop *loop, double when, const char *name,
                                      loop_callback *fn, void *arg)
{
    return call_at_ns(loop, loop_seconds_to_ns(when), name, fn, arg);
}

static bool timer_is_live(const struct timer_entry *e, void *loop)
{
    return loop_slot(loop, e->id) != NULL;
}

bool loop_cancel(struct loop *loop, struct loop_handle h)
{
    loop_check_thread(loop, "loop_cancel");
    struct slot *s = loop_slot(loop, h.id);
    if (!s || s->state == SLOT_IO)
        return false;
    bool was_timer = s->state == SLOT_TIMER;
    loop_callback *drop = s->drop;
    void *arg = s->arg;
    /* The id stays in the ready ring or the heap; with its slot freed it is skipped there. */
    loop_slot_free(loop, h.id);
    if (was_timer && ++loop->cancelled_timers > 64 &&
        loop->cancelled_timers > loop->timers.count / 2) {
        timer_heap_filter(&loop->timers, timer_is_live, loop);
        loop->cancelled_timers = 0;
    }
    if (drop)
        drop(loop, arg);
    return true;
}

bool loop_handle_pending(const struct loop *loop, struct loop_handle h)
{
    const struct slot *s = loop_slot(loop, h.id);
    return s && s->state != SLOT_IO;
}

bool loop_handle_on_drop(struct loop *loop, struct loop_handle h, loop_callback *drop)
{
    struct slot *s = loop_slot(loop, h.id);
    if (!s || s->state == SLOT_IO)
        return false;
    s->drop = drop;
    return true;
}
