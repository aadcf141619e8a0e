/*
 * race.c — DELIBERATELY BROKEN: the article's deposit() without its lock loses money.
 *
 * Mirrors A4 「线程安全和锁机制」: what the account's lock is for.
 * N threads each deposit ¥1 many times into one account. `balance += amount` is a
 * read, an add and a write; two threads that read the same balance both write back
 * "balance + 1", and one deposit vanishes. Watch "lost" in the first row, then the
 * same work with the lock: nothing lost. (In C an unlocked shared write is a data race,
 * which is undefined behaviour: ThreadSanitizer and helgrind both report it.)
 */
#include "args.h"
#include "bank.h"
#include "burn.h"
#include "check.h"
#include "results.h"
#include "table.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * The article's deposit() with the line `with self._account_lock():` deleted. The
 * processing between the read and the write (the article sleeps there; we burn a
 * little CPU) widens the window in which another deposit is overwritten; with
 * --gap 0 what is left is a bare read-add-write, which loses money too.
 */
static void deposit_without_lock(struct account *a, long amount, long gap)
{
    long balance = a->balance;     /* read */
    burn((uint64_t)gap);           /* process */
    a->balance = balance + amount; /* write: a deposit made since the read is lost */
}

struct hammer {
    struct account *account;
    long iterations;
    long gap;
    bool use_lock;
    double lock_timeout; /* long enough for every other thread's turn (bank_lock_timeout) */
    atomic_bool go; /* the threads start together, or the first could finish alone */
};

static void *depositor(void *arg)
{
    struct hammer *h = arg;
    while (!atomic_load(&h->go))
        sched_yield();
    for (long i = 0; i < h->iterations; i++) {
        /* The same read, process, write; with the lock, nobody can write in between. */
        if (h->use_lock)
            CHECK_BANK(account_lock(h->account, h->lock_timeout));
        deposit_without_lock(h->account, 1, h->gap);
        if (h->use_lock)
            account_unlock(h->account);
    }
    return NULL;
}

/* Run `threads` depositors on a fresh account; returns its final balance. */
static long hammer(long threads, long iterations, long gap, bool use_lock)
{
    struct account account;
    account_init(&account, 1, 0);
    struct hammer h = {&account, iterations, gap, use_lock,
                       bank_lock_timeout(threads, bank_hold_seconds((uint64_t)gap)), false};
    pthread_t *tids = xcalloc((size_t)threads, sizeof *tids);
    for (long i = 0; i < threads; i++)
        CHECK_PT(pthread_create(&tids[i], NULL, depositor, &h));
    atomic_store(&h.go, true);
    for (long i = 0; i < threads; i++)
        CHECK_PT(pthread_join(tids[i], NULL));
    free(tids);
    long balance = account.balance; /* every depositor has been joined: no race here */
    account_destroy(&account);
    return balance;
}

/* --quick shrinks the run unless --iterations is given. */
enum { ITERATIONS = 1000000, QUICK_ITERATIONS = 100000 };

int main(int argc, char **argv)
{
    long threads = 4, iterations = ITERATIONS, gap = 50;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("threads", "N", &threads, 2, 64, "threads depositing at once"),
        OPT_INT("iterations", "N", &iterations, 1, 100000000, "deposits of ¥1 per thread"),
        OPT_QUICK_INT(&iterations, QUICK_ITERATIONS),
        OPT_INT("gap", "N", &gap, 0, 1000000,
                "CPU work between reading and writing the balance (burn() iterations)"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "A deliberate data race: threads deposit into one account without its lock "
               "and money disappears; then the same with the lock.",
               opts);

    long expected = threads * iterations;
    printf("%ld threads each deposit ¥1 %ld times into one account that starts at ¥0 "
           "(amounts below in yuan)\n\n",
           threads, iterations);
    long unlocked = hammer(threads, iterations, gap, false);
    long locked = hammer(threads, iterations, gap, true);

    struct table *t = table_new("deposits|expected|actual|lost|lost %");
    table_row(t, "without the lock|%ld|%ld|%ld|%.1f%%", expected, unlocked, expected - unlocked,
              100.0 * (double)(expected - unlocked) / (double)expected);
    table_row(t, "with the lock|%ld|%ld|%ld|%.1f%%", expected, locked, expected - locked,
              100.0 * (double)(expected - locked) / (double)expected);
    table_print(t);
    table_free(t);
    if (unlocked == expected)
        printf("\nNo deposit was lost this time: the threads happened not to overlap. A race "
               "is a bug even on the runs where it does not show; run it again.\n");
    else
        printf("\n¥%ld vanished: each lost deposit was overwritten by a thread that had read "
               "the balance before it.\n",
               expected - unlocked);

    result_record("bank.race.expected", (double)expected, "yuan");
    result_record("bank.race.unlocked", (double)unlocked, "yuan");
    result_record("bank.race.locked", (double)locked, "yuan");
    return 0; /* a demonstration: losing money is what it exists to show */
}
