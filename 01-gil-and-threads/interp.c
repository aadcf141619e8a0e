/* interp.c — the toy interpreter; see interp.h. */
#include "interp.h"

#include "burn.h"
#include "check.h"
#include "clock.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Atomics shared between processes work only if they are lock-free (no hidden mutex). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2,
               "the shared counters need lock-free atomics");

/* What every thread and every fork()ed child of this interpreter updates. */
struct shared_counters {
    atomic_int running, most_running; /* executing a bytecode */
    atomic_int waiting, most_waiting; /* in a blocking call or an await */
    atomic_ulong bytecodes;
};

struct interp {
    struct gil *gil; /* NULL: free-threaded */
    struct shared_counters *shared;
};

struct interp *interp_new(bool with_gil, double switch_interval)
{
    struct interp *in = xcalloc(1, sizeof *in);
    in->gil = with_gil ? gil_new(switch_interval) : NULL;
    /* MAP_SHARED survives fork(): parent and children see the same counters. */
    void *p = mmap(NULL, sizeof *in->shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED)
        die_errno(errno, "mmap");
    in->shared = p;
    atomic_init(&in->shared->running, 0);
    atomic_init(&in->shared->most_running, 0);
    atomic_init(&in->shared->waiting, 0);
    atomic_init(&in->shared->most_waiting, 0);
    atomic_init(&in->shared->bytecodes, 0);
    return in;
}

void interp_free(struct interp *in)
{
    if (in->gil)
        gil_free(in->gil);
    CHECK_SYS(munmap(in->shared, sizeof *in->shared));
    free(in);
}

void interp_enter(struct interp *in, int who)
{
    if (in->gil)
        gil_take(in->gil, who);
}

void interp_leave(struct interp *in, int who)
{
    if (in->gil)
        gil_drop(in->gil, who);
}

/* One more inside: count it, and keep the most ever seen at once. */
static void count_in(atomic_int *now_in, atomic_int *most_in)
{
    int now = atomic_fetch_add(now_in, 1) + 1;
    int most = atomic_load_explicit(most_in, memory_order_relaxed);
    while (now > most && !atomic_compare_exchange_weak(most_in, &most, now))
        ;
}

/* Run one bytecode, counting how many threads are inside one right now. */
static uint64_t bytecode(struct shared_counters *c, uint64_t iterations)
{
    count_in(&c->running, &c->most_running);
    uint64_t done = burn(iterations);
    atomic_fetch_sub(&c->running, 1);
    return done;
}

uint64_t interp_count(struct interp *in, int who, uint64_t n)
{
    uint64_t count = 0;
    unsigned long executed = 0;
    while (count < n) {
        if (in->gil)
            gil_eval_breaker(in->gil, who);
        uint64_t left = n - count;
        count += bytecode(in->shared, left < INTERP_BYTECODE ? left : INTERP_BYTECODE);
        executed++;
    }
    atomic_fetch_add_explicit(&in->shared->bytecodes, executed, memory_order_relaxed);
    return count;
}

void interp_wait_begin(struct interp *in)
{
    count_in(&in->shared->waiting, &in->shared->most_waiting);
}

void interp_wait_end(struct interp *in)
{
    atomic_fetch_sub(&in->shared->waiting, 1);
}

void interp_blocking_call(struct interp *in, int who, double seconds, bool release_gil)
{
    if (release_gil)
        interp_leave(in, who);
    interp_wait_begin(in);
    sleep_sec(seconds);
    interp_wait_end(in);
    if (release_gil)
        interp_enter(in, who);
}

struct interp_stats interp_stats(struct interp *in)
{
    return (struct interp_stats){
        .most_running = atomic_load(&in->shared->most_running),
        .most_waiting = atomic_load(&in->shared->most_waiting),
        .bytecodes = atomic_load(&in->shared->bytecodes),
        .gil = in->gil ? gil_stats(in->gil) : (struct gil_stats){0},
    };
}

struct gil *interp_gil(struct interp *in)
{
    return in->gil;
}
