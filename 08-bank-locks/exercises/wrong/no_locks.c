/*
 * no_locks.c — a wrong transfer() for chapter 08's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: no lock at all. One thread at a time, it moves the money right; a stress
 * test passes it whenever the machine is too busy for the threads to overlap.
 * The checker must say: did not wait while another thread held
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
    return account_move(from, to, amount);
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv, "Check this file's transfer() against the article's contract.", opts);
    return contract_check(transfer, quick) == 0 ? 0 : 1;
}
