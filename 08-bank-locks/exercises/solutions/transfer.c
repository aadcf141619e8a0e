/*
 * transfer.c — the reference solution of the exercise: the article's transfer().
 *
 * Mirrors A4 「线程安全和锁机制」: BankAccount.transfer().
 * The contract (contract.h): refuse a non-positive amount (BANK_EAMOUNT), a transfer to
 * the same account (BANK_ESELF) and too little money (BANK_EFUNDS), moving nothing;
 * otherwise move exactly the amount; and under four threads hammering three accounts,
 * never deadlock, never lose or make money, never overdraw.
 *
 * The checks come first and return before any lock is taken; then both locks, lower
 * id first, as the article's sorted(..., key=id) does with addresses.
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

static int transfer(struct account *from, struct account *to, long amount)
{
    if (from == to)
        return BANK_ESELF;
    if (amount <= 0)
        return BANK_EAMOUNT;

    /* Every transfer takes the lower id first: no two can each hold what the other wants. */
    struct account *first = from->id < to->id ? from : to;
    struct account *second = first == from ? to : from;
    int err = account_lock(first, lock_timeout);
    if (err)
        return err;
    err = account_lock(second, lock_timeout);
    if (err) {
        account_unlock(first);
        return err;
    }
    err = account_move(from, to, amount);
    account_unlock(second);
    account_unlock(first);
    return err;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv, "Check this file's transfer() against the article's contract.", opts);
    return contract_check(transfer, quick) == 0 ? 0 : 1;
}
