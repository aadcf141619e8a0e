/*
 * gil.h — a global interpreter lock built the way CPython's is (Python/ceval_gil.c).
 *
 * The GIL is not a plain mutex. It is a flag ("held by whom") guarded by a mutex, two
 * condition variables, and three rules that together make running threads take turns:
 *
 *  1. A thread that wants the GIL waits on a condition for at most the switch interval
 *     (5 ms by default, Python's sys.setswitchinterval). When a whole interval passes
 *     and the same thread still holds the GIL, the waiter sets a *drop request*.
 *  2. The holder looks at the drop request between two bytecodes (CPython's "eval
 *     breaker") and, when it is set, drops the GIL and queues to take it again.
 *  3. Forced switching: a holder that drops on request waits until another thread has
 *     really taken the GIL. Without this rule it would grab the GIL straight back, long
 *     before the waiter's thread has even woken up, and the waiter would starve.
 *
 * A thread is named by a small number `who` (1, 2, ...), as CPython names it by its
 * thread state; 0 means "nobody".
 */
#ifndef CH01_GIL_H
#define CH01_GIL_H

#include <stddef.h>
#include <stdint.h>

struct gil;

/* A free GIL with the given switch interval (in seconds; CPython's default is 0.005). */
struct gil *gil_new(double switch_interval);
void gil_free(struct gil *g);

/*
 * A waiter woken by a drop waits this long more before it tries to take the GIL, as a
 * thread on a busy machine waits for a core: the hard case for rule 3, which without it
 * would let the dropper take the GIL straight back. 0 (the default): no delay.
 */
void gil_set_wakeup_delay(struct gil *g, double seconds);

/* Wait for the GIL and take it (rule 1 while waiting). */
void gil_take(struct gil *g, int who);

/* Release the GIL, which `who` must hold (rule 3 if a drop was requested). */
void gil_drop(struct gil *g, int who);

/* What the holder runs between two bytecodes: drop and retake if asked to (rule 2). */
void gil_eval_breaker(struct gil *g, int who);

struct gil_stats {
    unsigned long handovers;     /* times the GIL went to another thread than its last holder */
    unsigned long drop_requests; /* times a waiter ran out of patience and asked */
    unsigned long forced_drops;  /* drops made on request (rule 2), each one a forced switch */
    unsigned long retaken;       /* ...after which the dropper took the GIL back first: rule 3
                                    forbids it, so always 0 */
    uint64_t shortest_turn_ns;   /* the shortest turn a holder had had when a waiter's wait
                                    ran out and it asked: rule 1 makes it an interval */
};
struct gil_stats gil_stats(struct gil *g);

/* The first GIL_HISTORY changes of holder, oldest first, for drawing a timeline. */
enum { GIL_HISTORY = 512 };
struct gil_holder_change {
    uint64_t at_ns; /* now_ns() when `who` took the GIL from someone else (or first) */
    int who;
};
size_t gil_history(struct gil *g, struct gil_holder_change *out, size_t max);

#endif
