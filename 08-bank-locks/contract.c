/*
 * contract.c — check a transfer() against the article's rules. See contract.h.
 */
#include "contract.h"

#include "results.h"

#include <stdio.h>

/* One call on a fresh pair of accounts (¥100 and ¥0): its code and what it moved. */
static bool refuses(transfer_fn *transfer, const char *call, bool self, long amount, int want)
{
    struct account a, b;
    account_init(&a, 1, 100);
    account_init(&b, 2, 0);
    int got = transfer(&a, self ? &a : &b, amount);
    bool moved = a.balance != 100 || b.balance != 0;
    account_destroy(&a);
    account_destroy(&b);
    bool right = got == want && !moved;
    printf("%-4s %-34s -> %s%s\n", right ? "ok" : "FAIL", call, bank_strerror(got),
           right         ? ""
           : got != want ? "   (expected another code)"
                         : "   (and money moved)");
    return right;
}

static bool moves_exactly(transfer_fn *transfer)
{
    struct account a, b;
    account_init(&a, 1, 100);
    account_init(&b, 2, 0);
    int got = transfer(&a, &b, 30);
    bool right = got == BANK_OK && a.balance == 70 && b.balance == 30;
    printf("%-4s %-34s -> %s, balances ¥%ld and ¥%ld (expected ¥70 and ¥30)\n",
           right ? "ok" : "FAIL", "transfer(a -> b, 30)", bank_strerror(got), a.balance, b.balance);
    account_destroy(&a);
    account_destroy(&b);
    return right;
}

/* Few accounts and many threads: the same pairs collide all the time. */
enum { THREADS = 4, ACCOUNTS = 3, SEEDS = 3 };

static bool survives_stress(transfer_fn *transfer, bool quick)
{
    long transfers = quick ? 5000 : 20000;
    for (int seed = 1; seed <= SEEDS; seed++) {
        struct bank *bank = bank_new(ACCOUNTS, 1000);
        struct stress_plan plan = {THREADS, transfers, (uint64_t)seed, true};
        struct stress_result r;
        stress_run(bank, transfer, &plan, &r);
        bank_free(bank);
        bool right = r.timeouts == 0 && r.total_after == r.total_before && r.lowest_balance >= 0 &&
                     r.other_errors == 0 && r.audits_wrong == 0;
        printf("%-4s stress, seed %d: %d threads x %ld transfers among %d accounts: %ld done, "
               "%ld timed out, total ¥%ld -> ¥%ld, lowest balance ¥%ld, %ld of %ld audits "
               "wrong\n",
               right ? "ok" : "FAIL", seed, THREADS, transfers, ACCOUNTS, r.done, r.timeouts,
               r.total_before, r.total_after, r.lowest_balance, r.audits_wrong, r.audits);
        if (!right) {
            result_record("contract.stress.audits_wrong", (double)r.audits_wrong, "audits");
            result_record("contract.stress.timeouts", (double)r.timeouts, "transfers");
            result_record("contract.stress.lost", (double)(r.total_before - r.total_after), "yuan");
            result_record("contract.stress.lowest_balance", (double)r.lowest_balance, "yuan");
            result_record("contract.stress.other_errors", (double)r.other_errors, "transfers");
            return false;
        }
    }
    return true;
}

int contract_check(transfer_fn *transfer, bool quick)
{
    int refusals = 0;
    refusals += !refuses(transfer, "transfer(a -> b, 0)", false, 0, BANK_EAMOUNT);
    refusals += !refuses(transfer, "transfer(a -> b, -5)", false, -5, BANK_EAMOUNT);
    refusals += !refuses(transfer, "transfer(a -> a, 10)", true, 10, BANK_ESELF);
    refusals += !refuses(transfer, "transfer(a -> b, 101), a has 100", false, 101, BANK_EFUNDS);
    /* Each verdict is recorded as soon as it is known: a program that dies later keeps them. */
    result_record("contract.refusals_wrong", refusals, "calls");
    int moves = !moves_exactly(transfer);
    result_record("contract.move_wrong", moves, "calls");
    int stress = !survives_stress(transfer, quick);
    result_record("contract.stress_wrong", stress, "runs");
    return (refusals > 0) + moves + stress;
}
