/*
 * loop_private.h — the inside of struct loop, shared by the files that make the loop:
 *   loop.c         one iteration, and run / stop / new / close around it
 *   loop_handles.c handles in slots, the ready queue, call_soon/later/at, cancel
 *   loop_io.c      readers and writers: the fd table and the backend's events
 *   loop_wakeup.c  the self-pipe: calls from other threads, and signals
 *   future.c       counts the loop's live futures, so loop_close can check
 * Nothing outside those files includes it.
 */
#ifndef LAB_LOOP_PRIVATE_H
#define LAB_LOOP_PRIVATE_H

#include "loop.h"
#include "loop_backend.h"
#include "timer_heap.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

/*
 * Every scheduled callback lives in a slot of one growable array. A handle is the
 * slot's index and the slot's generation; freeing a slot bumps its generation, so
 * every handle to the old occupant stops matching at once.
 */
enum slot_state {
    SLOT_FREE,
    SLOT_READY, /* in the ready queue, runs once */
    SLOT_TIMER, /* in the timer heap, runs once */
    SLOT_IO,    /* a reader or writer: runs each time its fd is ready, until removed */
};

struct slot {
    loop_callback *fn;
    void *arg;
    loop_callback *drop;
    const char *name;
    uint32_t gen;
    uint8_t state;
    bool queued; /* SLOT_IO only: already in the ready queue for this readiness */
    uint32_t next_free;
};

/* The ready queue: a ring of handle ids, in the order they became ready. */
struct ready_ring {
    uint64_t *ids;
    size_t head, count, cap;
};

/* What an fd is watched for: the handles of its reader and writer (0 if none). */
struct fd_watch {
    uint64_t reader, writer;
};

struct signal_watch {
    loop_callback *fn;
    void *arg;
    const char *name;
    struct sigaction previous;
    bool installed;
};

struct threadsafe_call {
    loop_callback *fn;
    void *arg;
    const char *name;
};

enum { LOOP_MAX_EVENTS = 1024 };

struct loop {
    struct slot *slots;
    uint32_t nslots, first_free;
    struct ready_ring ready;
    struct timer_heap timers;
    uint64_t timer_seq;
    size_t cancelled_timers; /* cancelled entries still sitting in the heap */

    const struct loop_backend *backend;
    void *backend_state;
    struct fd_watch *fds;
    size_t fds_cap;
    int watched_fds; /* fds with a reader or a writer, the loop's own pipe included */
    struct loop_event events[LOOP_MAX_EVENTS];

    atomic_bool running; /* read by debug mode's check from any thread */
    bool stopping, closing;

    bool virtual_clock;
    uint64_t virtual_now;
    unsigned external; /* work running in other threads or processes (loop_external_begin) */
    bool stop_when_no_external; /* loop_run_until_external_done is running the loop */
    uint64_t now; /* the loop's last reading of its clock (loop.c, read_clock) */
    uint64_t last_poll_ns;
    uint64_t callbacks_at_poll, callbacks_at_clock; /* stats.callbacks at the last of each */

    bool debug;
    uint64_t slow_ns;
    struct loop_stats stats;

    loop_exception_handler *exception_handler;
    void *exception_arg;
    size_t live_futures;

    /* The self-pipe (loop_wakeup.c). */
    int wake_read, wake_write;
    atomic_bool wake_pending;
    pthread_mutex_t threadsafe_lock;
    struct threadsafe_call *threadsafe;
    size_t nthreadsafe, threadsafe_cap;
    atomic_size_t threadsafe_waiting; /* nthreadsafe, readable without the lock */
    struct signal_watch signals[NSIG];
};

/* loop_handles.c */
uint64_t loop_slot_new(struct loop *loop, enum slot_state state, const char *name,
                       loop_callback *fn, void *arg);
void loop_ready_grow(struct loop *loop);
uint64_t loop_seconds_to_ns(double seconds);
void loop_check_thread(const struct loop *loop, const char *call);

/* loop_io.c */
void loop_io_dispatch(struct loop *loop, const struct loop_event *events, int n);
void loop_io_close(struct loop *loop);

/* loop_wakeup.c */
void loop_wakeup_open(struct loop *loop);
void loop_take_threadsafe_calls_waiting(struct loop *loop);
void loop_wakeup_close(struct loop *loop);

/*
 * The steps every callback takes, inline: each is a few instructions, and on the path of
 * a task's turn (a push, a pop, a slot looked up and freed) the calls themselves would
 * cost as much as the work.
 */

/* The slot `id` names, or NULL if it names nothing live (see "Handles are values"). */
static inline struct slot *loop_slot(const struct loop *loop, uint64_t id)
{
    uint32_t index = (uint32_t)id, gen = (uint32_t)(id >> 32);
    if (id == 0 || index >= loop->nslots)
        return NULL;
    struct slot *s = &loop->slots[index];
    return s->gen == gen && s->state != SLOT_FREE ? s : NULL;
}

static inline void loop_slot_free(struct loop *loop, uint64_t id)
{
    uint32_t index = (uint32_t)id;
    struct slot *s = &loop->slots[index];
    s->state = SLOT_FREE;
    s->gen = s->gen == UINT32_MAX ? 1 : s->gen + 1; /* every old handle stops matching */
    s->next_free = loop->first_free;
    loop->first_free = index;
}

/* The ring's capacity is a power of two, so a position wraps with a mask: a division
 * would cost more than the rest of a push. */
static inline void loop_ready_push(struct loop *loop, uint64_t id)
{
    struct ready_ring *r = &loop->ready;
    if (r->count == r->cap)
        loop_ready_grow(loop);
    r->ids[(r->head + r->count++) & (r->cap - 1)] = id;
}

static inline uint64_t loop_ready_pop(struct loop *loop)
{
    struct ready_ring *r = &loop->ready;
    uint64_t id = r->ids[r->head];
    r->head = (r->head + 1) & (r->cap - 1);
    r->count--;
    return id;
}

/* Move other threads' calls into the ready queue, in the order they were made. Most
 * often there is none, which an atomic load tells without taking the lock. */
static inline void loop_take_threadsafe_calls(struct loop *loop)
{
    if (atomic_load(&loop->threadsafe_waiting) != 0)
        loop_take_threadsafe_calls_waiting(loop);
}

#endif
