/*
 * one_at_a_time.c — a wrong transfer() for chapter 08's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: each account locked only for its own half: the money leaves `from`,
 * its lock is let go, and only then is `to` locked. Between the two, an audit sees the
 * money nowhere.
 * The checker must say: half-moved
 */
#include "args.h"
#include "bank.h"
#include "contract.h"

static int transfer(struct account *from, struct account *to, long amount)
{
    if (from == to)
        return BANK_ESELF;
    if (amount <= 0)
        return BANK_EAMOUNT;
    int err = account_lock(from, BANK_LOCK_TIMEOUT);
    if (err)
        return err;
    if (from->balance < amount) {
        account_unlock(from);
        return BANK_EFUNDS;
    }
    from->balance -= amount;
    account_unlock(from);
    err = account_lock(to, BANK_LOCK_TIMEOUT);
    if (err)
        return err; /* and the money is lost */
    to->balance += amount;
    account_unlock(to);
    return BANK_OK;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv, "Check this file's transfer() against the article's contract.", opts);
    return contract_check(transfer, quick) == 0 ? 0 : 1;
}
