/*
 * contract.c — check a transfer() against the article's rules. See contract.h.
 */
#include "contract.h"

#include "interleave.h"
#include "results.h"

#include <stdlib.h>

#include <stdio.h>

/* Destroy the accounts whose locks are free; count the others (each a missing unlock). */
static int settle(struct account *const *accounts, int count)
{
    int held = interleave_locks_held(accounts, count);
    if (held == 0)
        for (int i = 0; i < count; i++)
            account_destroy(accounts[i]);
    return held; /* a lock still held cannot be destroyed: left as it is */
}

static int locks_left_held; /* by any transfer() so far */

/* One call on a fresh pair of accounts (¥100 and ¥0): its code and what it moved. */
static bool refuses(transfer_fn *transfer, const char *call, bool self, long amount, int want)
{
    struct account a, b;
    account_init(&a, 1, 100);
    account_init(&b, 2, 0);
    int got = transfer(&a, self ? &a : &b, amount);
    bool moved = a.balance != 100 || b.balance != 0;
    locks_left_held += settle((struct account *[]){&a, &b}, 2);
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
    locks_left_held += settle((struct account *[]){&a, &b}, 2);
    return right;
}

/*
 * A scene that ends in a lock timeout is played again, up to three times: a deadlock
 * times out every time, a correct transfer only when the machine stalled it for the
 * whole timeout, which does not happen three times running.
 */
enum { TRIES = 3 };

/* transfer(a -> b, 30) while another thread holds `which` (0: a, 1: b). */
static enum held_outcome with_lock_held(transfer_fn *transfer, int which)
{
    static const char *const names[] = {"a (from)", "b (to)"};
    for (int try = 1;; try++) {
        struct account a, b;
        account_init(&a, 1, 100);
        account_init(&b, 2, 0);
        struct move m = {&a, &b, 30, 0};
        enum held_outcome got = interleave_with_lock_held(transfer, &m, which ? &b : &a);
        if (got == HELD_HUNG) {
            printf("FAIL transfer(a -> b, 30) while another thread holds %s: neither waited for "
                   "that lock nor returned in 10 s\n", names[which]);
            return got;
        }
        bool moved = m.rc == BANK_OK && a.balance == 70 && b.balance == 30;
        locks_left_held += settle((struct account *[]){&a, &b}, 2);
        if (got == HELD_WAITED && m.rc == BANK_ETIMEDOUT && try < TRIES)
            continue;
        bool right = got == HELD_WAITED && moved;
        printf("%-4s transfer(a -> b, 30) while another thread holds %s's lock: %s\n",
               right ? "ok" : "FAIL", names[which],
               got == HELD_IGNORED      ? "it did not wait for that lock"
               : got == HELD_HALF_MOVED ? "it moved money before it had that lock"
               : moved                  ? "it waited, then moved exactly ¥30"
                                        : "it waited, then did not move exactly ¥30");
        return got;
    }
}

/* Two transfers in lockstep (interleave.h), from fresh accounts; true if `right` holds. */
struct pair_scene {
    const char *what;
    long balances[3];
    int from[2], to[2]; /* indexes into balances */
    long amount;
};

static bool lockstep(transfer_fn *transfer, const struct pair_scene *s, int *timeouts, long *lowest,
                     int *succeeded)
{
    for (int try = 1;; try++) {
        struct account acc[3];
        for (int i = 0; i < 3; i++)
            account_init(&acc[i], i + 1, s->balances[i]);
        struct move m[2];
        for (int i = 0; i < 2; i++)
            m[i] = (struct move){&acc[s->from[i]], &acc[s->to[i]], s->amount, 0};
        interleave_lockstep(transfer, &m[0], &m[1]);
        *timeouts = (m[0].rc == BANK_ETIMEDOUT) + (m[1].rc == BANK_ETIMEDOUT);
        *succeeded = (m[0].rc == BANK_OK) + (m[1].rc == BANK_OK);
        long total = 0, total_before = 0;
        *lowest = acc[0].balance;
        for (int i = 0; i < 3; i++) {
            total += acc[i].balance;
            total_before += s->balances[i];
            if (acc[i].balance < *lowest)
                *lowest = acc[i].balance;
        }
        printf("     %s: %s and %s; balances ¥%ld ¥%ld ¥%ld\n", s->what, bank_strerror(m[0].rc),
               bank_strerror(m[1].rc), acc[0].balance, acc[1].balance, acc[2].balance);
        locks_left_held += settle((struct account *[]){&acc[0], &acc[1], &acc[2]}, 3);
        if (*timeouts && try < TRIES)
            continue;
        return *timeouts == 0 && total == total_before && *lowest >= 0;
    }
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

    /* The locks, each mistake forced to show (interleave.h). Outcomes: enum held_outcome. */
    int broken = 0;
    for (int which = 0; which < 2; which++) {
        enum held_outcome got = with_lock_held(transfer, which);
        result_record(which ? "contract.held_to" : "contract.held_from", got, "outcome");
        if (got == HELD_HUNG)
            exit(1);
        broken += got != HELD_WAITED;
    }
    int timeouts, succeeded;
    long lowest;
    const struct pair_scene opposite = {"a -> b and b -> a, ¥10 each, in lockstep", {100, 100, 0},
                                        {0, 1}, {1, 0}, 10};
    bool right = lockstep(transfer, &opposite, &timeouts, &lowest, &succeeded);
    printf("%-4s two transfers in opposite directions, each holding its first lock before the "
           "other moves on: %s\n",
           right ? "ok" : "FAIL", timeouts ? "they deadlocked (lock timeout)" : "both went through");
    result_record("contract.opposite_timeouts", timeouts, "transfers");
    broken += !right;
    const struct pair_scene same_source = {"a -> b and a -> c, ¥60 each from ¥100, in lockstep",
                                           {100, 0, 0}, {0, 0}, {1, 2}, 60};
    right = lockstep(transfer, &same_source, &timeouts, &lowest, &succeeded) && succeeded == 1;
    printf("%-4s two transfers of ¥60 from an account of ¥100, both before their first lock at "
           "once: %d went through, lowest balance ¥%ld\n",
           right ? "ok" : "FAIL", succeeded, lowest);
    result_record("contract.same_source_succeeded", succeeded, "transfers");
    result_record("contract.same_source_lowest", (double)lowest, "yuan");
    broken += !right;
    printf("%-4s every lock free again after each call: %d left held\n",
           locks_left_held ? "FAIL" : "ok", locks_left_held);
    result_record("contract.locks_left_held", locks_left_held, "locks");
    if (locks_left_held)
        exit(1); /* the stress test would only time out on them */
    result_record("contract.locks_wrong", broken, "scenes");

    int stress = !survives_stress(transfer, quick);
    result_record("contract.stress_wrong", stress, "runs");
    return (refusals > 0) + moves + (broken > 0) + stress;
}
