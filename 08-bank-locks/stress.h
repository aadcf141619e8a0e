/*
 * stress.h — many threads making many random transfers: the load that finds locking bugs.
 *
 * Each thread makes its share of transfers between two different accounts picked at
 * random (seeded: the same seed gives the same transfers), through the transfer
 * function it is given, and counts what each call returned. The total of all
 * balances is taken before and after; a correct transfer keeps it exact.
 *
 * With `audit`, one more thread adds up all balances again and again while the
 * transfers run, with every account locked (bank_total): a transfer that lets anyone
 * see the money half-moved (taken from one account, not yet in the other) shows up
 * as an audit with the wrong total, even when the final total is right.
 *
 * A transfer that times out stops every thread: with locks held for microseconds, a
 * lock still taken after a whole second means a deadlock (or a machine too loaded to
 * tell), and waiting for more of them would only make the run longer.
 */
#ifndef STRESS_H
#define STRESS_H

#include "bank.h"

#include <stdint.h>

/* A way to move money: BANK_OK, or an error code (bank.h). */
typedef int transfer_fn(struct account *from, struct account *to, long amount);

struct stress_plan {
    long threads;
    long transfers_each;
    uint64_t seed;
    bool audit;
};

struct stress_result {
    long done;         /* transfers that moved money */
    long refused;      /* BANK_EFUNDS: not enough money, nothing moved */
    long timeouts;     /* BANK_ETIMEDOUT */
    long other_errors; /* any other code: a transfer between valid accounts must not */
    long total_before, total_after;
    long lowest_balance; /* below zero: an overdraft got through */
    long audits;         /* totals taken while the transfers ran */
    long audits_wrong;   /* ...that did not match the total before */
    double seconds;
};

void stress_run(struct bank *bank, transfer_fn *transfer, const struct stress_plan *plan,
                struct stress_result *result);

#endif
