/*
 * global_mutex.c — a wrong transfer() for chapter 08's exercise, kept so that the tests show the
 * checker rejects it, every run, naming the mistake.
 *
 * The mistake: one mutex of its own around every transfer. Transfers exclude each
 * other, but not the other users of the accounts' locks (deposits, withdrawals, audits).
 * The checker must say: did not wait while another thread held
 */
#include "args.h"
#include "bank.h"
#include "contract.h"

#include <pthread.h>

static pthread_mutex_t bank_mutex = PTHREAD_MUTEX_INITIALIZER;

static int transfer(struct account *from, struct account *to, long amount)
{
    if (from == to)
        return BANK_ESELF;
    if (amount <= 0)
        return BANK_EAMOUNT;
    CHECK_PT(pthread_mutex_lock(&bank_mutex));
    int err = account_move(from, to, amount);
    CHECK_PT(pthread_mutex_unlock(&bank_mutex));
    return err;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv, "Check this file's transfer() against the article's contract.", opts);
    return contract_check(transfer, quick) == 0 ? 0 : 1;
}
