/*
 * check_then_act.c — a wrong transfer() for chapter 08's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: the balance is checked before the locks are taken (check-then-act),
 * and the money moved by hand once they are: two transfers can both see enough money.
 * The checker must say: both took the money
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
    if (from->balance < amount)
        return BANK_EFUNDS;
    int err = account_lock_both(from, to, BANK_LOCK_TIMEOUT);
    if (err)
        return err;
    from->balance -= amount;
    to->balance += amount;
    account_unlock_both(from, to);
    return BANK_OK;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv, "Check this file's transfer() against the article's contract.", opts);
    return contract_check(transfer, quick) == 0 ? 0 : 1;
}
