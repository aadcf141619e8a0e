/*
 * transfer.c — exercise: write the article's transfer() so that it keeps its contract.
 *
 * Mirrors A4 「线程安全和锁机制」: BankAccount.transfer().
 * The contract (contract.h): refuse a non-positive amount (BANK_EAMOUNT), a transfer to
 * the same account (BANK_ESELF) and too little money (BANK_EFUNDS), moving nothing;
 * otherwise move exactly the amount; and under four threads hammering three accounts,
 * never deadlock, never lose or make money, never overdraw.
 *
 * Build and check:   make exercise-8
 * Run it yourself:   build/08-bank-locks/exercises/transfer
 * Try it first without opening bank.c: its account_transfer() with account_lock_both()
 * is one answer.
 */
#include "args.h"
#include "bank.h"
#include "contract.h"

/*
 * Wait at most this long for a lock: the article's 1 s (BANK_LOCK_TIMEOUT). Locks here
 * are held for microseconds, yet four threads on a busy machine can keep a transfer
 * waiting a few hundred ms for its turn; a wait of a whole second means a deadlock.
 */
static const double lock_timeout = BANK_LOCK_TIMEOUT;

/*
 * What you have: account_lock(a, seconds) takes a's lock or returns BANK_ETIMEDOUT,
 * account_unlock(a) releases it, account_move(from, to, amount) moves the money (or
 * returns BANK_EFUNDS) while you hold the locks. Each account has a unique a->id.
 */
static int transfer(struct account *from, struct account *to, long amount)
{
    /* TODO 1: refuse a transfer to the same account and an amount of zero or less. */

    /*
     * TODO 2: this takes `from`, then `to`. Run two transfers in opposite directions
     * at once and each can hold one lock and wait for the other. Take them in one
     * order that every transfer agrees on.
     */
    int err = account_lock(from, lock_timeout);
    if (err)
        return err;
    err = account_lock(to, lock_timeout);
    if (err) {
        account_unlock(from);
        return err;
    }
    err = account_move(from, to, amount);
    account_unlock(to);
    account_unlock(from);
    return err;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv, "Check this file's transfer() against the article's contract.", opts);
    return contract_check(transfer, quick) == 0 ? 0 : 1;
}
