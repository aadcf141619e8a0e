/*
 * zero_allowed.c — a wrong transfer() for chapter 08's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: an off-by-one in TODO 1: `amount < 0` lets a transfer of ¥0 through (the
 * money is moved by hand, so nothing else refuses it).
 * The checker must say: TODO 1
 */
#include "args.h"
#include "bank.h"
#include "contract.h"

static int transfer(struct account *from, struct account *to, long amount)
{
    if (from == to)
        return BANK_ESELF;
    if (amount < 0)
        return BANK_EAMOUNT;
    int err = account_lock_both(from, to, BANK_LOCK_TIMEOUT);
    if (err)
        return err;
    if (from->balance < amount) {
        err = BANK_EFUNDS;
    } else {
        from->balance -= amount;
        to->balance += amount;
    }
    account_unlock_both(from, to);
    return err;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv, "Check this file's transfer() against the article's contract.", opts);
    return contract_check(transfer, quick) == 0 ? 0 : 1;
}
