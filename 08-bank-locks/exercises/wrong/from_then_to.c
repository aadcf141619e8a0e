/*
 * from_then_to.c — a wrong transfer() for chapter 08's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: TODO 1 done, TODO 2 not: the locks taken `from` first, then `to`.
 * Two transfers in opposite directions each hold one and wait for the other.
 * The checker must say: TODO 2.*deadlock
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
    err = account_lock(to, BANK_LOCK_TIMEOUT);
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
