/*
 * interleave.h — run a transfer() in the interleaving that shows a locking mistake,
 * every time, however busy the machine.
 *
 * A stress test finds a race only when two threads happen to overlap at the wrong
 * instant; on a loaded machine they often run one after the other, and a transfer()
 * with no locks at all passes. These scenes force the overlap instead. They watch every
 * account_lock()/account_unlock() of the threads they start (account_watch_locks) and:
 *
 *   - with_lock_held: this thread holds one account's lock, and a transfer between that
 *     account and another runs. A transfer that takes the accounts' locks must wait for
 *     it, having moved nothing yet. One that returns instead (no locks, or a lock of its
 *     own) or has moved money before it waits (money visible half-moved) is caught.
 *   - lockstep: two transfers at once, and a thread that has just taken a lock goes on
 *     only when the other one is waiting for a lock, holds one, or has returned. So
 *     whatever a transfer does before its first lock (check a balance, take a first
 *     lock) both have done before either goes further: two transfers in opposite
 *     directions that lock `from` first both hold one lock and wait for the other (a
 *     deadlock, every time), and two that check the balance before locking both see
 *     the money that only one of them may take.
 */
#ifndef INTERLEAVE_H
#define INTERLEAVE_H

#include "stress.h"

/* One call of transfer(from, to, amount), and what it returned. */
struct move {
    struct account *from, *to;
    long amount;
    int rc;
};

enum held_outcome {
    HELD_WAITED,     /* it waited for the lock, nothing moved yet: right */
    HELD_IGNORED,    /* it returned while another thread held the lock */
    HELD_HALF_MOVED, /* it waited for the lock, but money had already moved */
    HELD_HUNG,       /* it neither waited for the lock nor returned in 10 s */
};

/*
 * Run `m` in a thread while this one holds `held` (m->from or m->to), then let it go.
 * After HELD_HUNG the thread is left running (with `m`): the caller must exit.
 */
enum held_outcome interleave_with_lock_held(transfer_fn *transfer, struct move *m,
                                            struct account *held);

/* Run `a` and `b` at once, in lockstep (above). Each move's rc says what it returned. */
void interleave_lockstep(transfer_fn *transfer, struct move *a, struct move *b);

/* How many of these accounts' locks are still held by someone: each one is a missing unlock. */
int interleave_locks_held(struct account *const *accounts, int count);

#endif
