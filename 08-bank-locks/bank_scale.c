/*
 * bank_scale.c — many threads, many accounts: three ways to lock a transfer, measured.
 *
 * Mirrors A4 「线程安全和锁机制」 at scale: the article's transfer() locks two accounts in
 * a fixed order. Here N threads make M random transfers each among K accounts, once per
 * strategy, on the same seeded transfers:
 *   global_lock  one lock for the whole bank: simple, but transfers never overlap;
 *   per_account  the article's way: both accounts' locks, lower id first;
 *   trylock      lock `from`, only *try* `to`; if busy, let go and back off, then retry.
 * Watch the sum of all balances (conserved by all three) and the transfers per second;
 * "correct" means: the same total after, no transfer timed out, no balance below zero.
 */
#include "args.h"
#include "bank.h"
#include "burn.h"
#include "check.h"
#include "clock.h"
#include "results.h"
#include "rng.h"
#include "stress.h"
#include "table.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The work a transfer does while it holds its locks (checking, logging, writing it
 * down; the article's deposit() sleeps 0.1 s there). Set once before the threads start.
 */
static uint64_t hold_iterations;
static double lock_timeout = BANK_LOCK_TIMEOUT; /* scaled to the queue: bank_lock_timeout */

static int move_money(struct account *from, struct account *to, long amount)
{
    burn(hold_iterations);
    return account_move(from, to, amount);
}

static pthread_mutex_t whole_bank = PTHREAD_MUTEX_INITIALIZER;

static int transfer_global_lock(struct account *from, struct account *to, long amount)
{
    int err = lock_within(&whole_bank, lock_timeout);
    if (err)
        return err;
    err = move_money(from, to, amount);
    CHECK_PT(pthread_mutex_unlock(&whole_bank));
    return err;
}

/* The article's transfer(): both accounts' locks, the lower id first (see bank.c). */
static int transfer_per_account(struct account *from, struct account *to, long amount)
{
    int err = account_lock_both(from, to, lock_timeout);
    if (err)
        return err;
    err = move_money(from, to, amount);
    account_unlock_both(from, to);
    return err;
}

/*
 * No order at all, and still no deadlock: a thread never waits while it holds a lock.
 * Two threads that keep colliding could retry in lockstep forever (a livelock), so
 * each backs off a random time, longer after every collision.
 */
enum { BACKOFF_MIN_NS = 1000, BACKOFF_MAX_NS = 100 * 1000 };

static int transfer_trylock(struct account *from, struct account *to, long amount)
{
    static _Thread_local struct rng backoff_rng;
    if (backoff_rng.state == 0)
        rng_seed(&backoff_rng, (uint64_t)(uintptr_t)&backoff_rng ^ now_ns());
    uint64_t deadline = now_ns() + (uint64_t)(lock_timeout * 1e9);
    long backoff = BACKOFF_MIN_NS;
    for (;;) {
        int err = account_lock(from, lock_timeout);
        if (err)
            return err;
        err = pthread_mutex_trylock(&to->lock);
        if (err == 0) {
            err = move_money(from, to, amount);
            account_unlock(to);
            account_unlock(from);
            return err;
        }
        if (err != EBUSY)
            die_errno(err, "pthread_mutex_trylock");
        account_unlock(from);
        if (now_ns() >= deadline)
            return BANK_ETIMEDOUT;
        sleep_sec((double)rng_range(&backoff_rng, 0, backoff) / 1e9);
        if (backoff < BACKOFF_MAX_NS)
            backoff *= 2;
    }
}

static const struct strategy {
    const char *name;
    transfer_fn *transfer;
} strategies[] = {
    {"global_lock", transfer_global_lock},
    {"per_account", transfer_per_account},
    {"trylock", transfer_trylock},
};
enum { STRATEGIES = sizeof strategies / sizeof strategies[0] };

/* --quick shrinks the run unless --transfers is given. */
enum { TRANSFERS = 100000, QUICK_TRANSFERS = 2000 };

int main(int argc, char **argv)
{
    long threads = 4, accounts = 100, transfers = TRANSFERS, seed = 1, hold_ns = 1000;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("threads", "N", &threads, 1, 256, "threads making transfers"),
        OPT_INT("accounts", "N", &accounts, 1, 1000000,
                "accounts in the bank (at least 2: a transfer needs two)"),
        OPT_INT("transfers", "N", &transfers, 1, 100000000, "transfers per thread"),
        OPT_QUICK_INT(&transfers, QUICK_TRANSFERS),
        OPT_INT("hold-ns", "N", &hold_ns, 0, 100000,
                "nanoseconds of CPU work a transfer does while holding its locks"),
        OPT_INT("seed", "N", &seed, 0, INT_MAX, "random seed (the same seed, the same transfers)"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "N threads make M random transfers each among K accounts, with one global "
               "lock, with per-account locks in id order, and with try-lock and back-off.",
               opts);
    if (accounts < 2) {
        fprintf(stderr,
                "%s: --accounts 1: no transfer is possible, a transfer needs two "
                "different accounts\n",
                program_invocation_short_name);
        return 2;
    }
    /* Calibrated, then measured (the best of 20 runs, which no preemption inflates) and
     * corrected once: a calibration on a busy machine can be off severalfold. */
    hold_iterations = burn_calibrate((double)hold_ns / 1e9);
    double hold = hold_ns ? bank_hold_seconds(hold_iterations) : 0;
    if (hold > 0) {
        hold_iterations = (uint64_t)((double)hold_iterations * ((double)hold_ns / 1e9) / hold) + 1;
        hold = bank_hold_seconds(hold_iterations);
    }
    lock_timeout = bank_lock_timeout(threads, hold);

    enum { BALANCE = 1000 };
    printf("%ld threads x %ld transfers among %ld accounts of ¥%d, each holding its locks "
           "%.0f ns (asked for %ld; measured, best of 20) (seed %ld)\n"
           "lock timeout %.2f s: the article's 1 s, or longer if %ld threads queueing for one "
           "lock could wait that long\n\n",
           threads, transfers, accounts, BALANCE, hold * 1e9, hold_ns, seed, lock_timeout,
           threads);
    result_record("bank.scale.hold_ns", hold * 1e9, "ns");
    result_record("bank.scale.lock_timeout", lock_timeout, "s");
    struct table *t = table_new("strategy|transfers/s|vs global_lock|done|refused|timeouts|"
                                "total before|total after|correct");
    bool all_right = true;
    double global_tps = 0;
    for (int i = 0; i < STRATEGIES; i++) {
        struct bank *bank = bank_new((int)accounts, BALANCE);
        struct stress_plan plan = {threads, transfers, (uint64_t)seed, false};
        struct stress_result r;
        stress_run(bank, strategies[i].transfer, &plan, &r);
        bank_free(bank);

        double tps = (double)(r.done + r.refused) / r.seconds;
        if (i == 0)
            global_tps = tps;
        bool right = r.total_after == r.total_before && r.timeouts == 0 && r.other_errors == 0 &&
                     r.lowest_balance >= 0;
        all_right &= right;
        table_row(t, "%s|%.0f|%.2fx|%ld|%ld|%ld|%ld|%ld|%s", strategies[i].name, tps,
                  tps / global_tps, r.done, r.refused, r.timeouts, r.total_before, r.total_after,
                  right ? "yes" : "NO");

        char name[64];
        snprintf(name, sizeof name, "bank.tps.%s.t%ld", strategies[i].name, threads);
        result_record(name, tps, "transfers/s");
        snprintf(name, sizeof name, "bank.scale.%s.correct", strategies[i].name);
        result_record(name, right, "bool");
        snprintf(name, sizeof name, "bank.scale.%s.done", strategies[i].name);
        result_record(name, (double)r.done, "transfers");
    }
    table_print(t);
    table_free(t);
    printf("\n%s\n", all_right ? "every strategy kept the total exact, with no timeout"
                               : "WRONG: a strategy lost money, overdrew or timed out");
    return all_right ? 0 : 1;
}
