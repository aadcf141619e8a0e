/*
 * transfer.c — a correct transfer() for chapter 08's exercise, written differently from
 * the reference (solutions/transfer.c), kept so that the tests show the checker accepts
 * more than one right answer.
 *
 * The checks come in the other order, the locks are taken by account_lock_both() (lower
 * id first: the order bank_total()'s audit takes them in too, so any other order could
 * deadlock with it), and the money moves by hand, its balance checked under the locks.
 */
#include "args.h"
#include "bank.h"
#include "contract.h"

static int transfer(struct account *from, struct account *to, long amount)
{
    if (amount <= 0)
        return BANK_EAMOUNT;
    if (from->id == to->id)
        return BANK_ESELF;
    int err = account_lock_both(from, to, BANK_LOCK_TIMEOUT);
    if (err)
        return err;
    if (from->balance >= amount) {
        from->balance -= amount;
        to->balance += amount;
    } else {
        err = BANK_EFUNDS;
    }
    account_unlock_both(to, from);
    return err;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv, "Check this file's transfer() against the article's contract.", opts);
    return contract_check(transfer, quick) == 0 ? 0 : 1;
}
