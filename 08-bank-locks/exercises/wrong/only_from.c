/*
 * only_from.c — a wrong transfer() for chapter 08's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: only the paying account is locked: whoever holds `to` (a deposit, another
 * transfer into it) writes its balance at the same time.
 * The checker must say: did not wait while another thread held the lock of the to account
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
    err = account_move(from, to, amount);
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
