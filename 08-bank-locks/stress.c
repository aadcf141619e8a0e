/*
 * stress.c — random transfers from many threads. See stress.h.
 */
#include "stress.h"

#include "check.h"
#include "clock.h"
#include "rng.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Amounts are ¥1 … ¥MAX_AMOUNT: small next to the balances, so most transfers succeed. */
enum { MAX_AMOUNT = 100 };

struct shared {
    struct bank *bank;
    transfer_fn *transfer;
    long transfers_each;
    atomic_bool go;       /* the threads start together, so they really contend */
    atomic_bool stop;     /* set by the first timeout */
    atomic_bool finished; /* every transfer thread is done: the auditor stops */
    long total;           /* the total before, which every audit must find */
    long audits, audits_wrong, audit_timeouts; /* written by the auditor only */
};

struct worker {
    struct shared *shared;
    uint64_t seed;
    long done, refused, timeouts, other_errors;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->shared;
    struct rng rng;
    rng_seed(&rng, w->seed);
    int accounts = s->bank->count;
    while (!atomic_load(&s->go))
        sched_yield();
    for (long i = 0; i < s->transfers_each && !atomic_load_explicit(&s->stop, memory_order_relaxed);
         i++) {
        /* Two different accounts: draw `to` from the others, skipping `from`. */
        int from = (int)rng_range(&rng, 1, accounts);
        int to = (int)rng_range(&rng, 1, accounts - 1);
        if (to >= from)
            to++;
        long amount = rng_range(&rng, 1, MAX_AMOUNT);
        int err = s->transfer(bank_find(s->bank, from), bank_find(s->bank, to), amount);
        if (err == BANK_OK) {
            w->done++;
        } else if (err == BANK_EFUNDS) {
            w->refused++;
        } else if (err == BANK_ETIMEDOUT) {
            w->timeouts++;
            atomic_store(&s->stop, true);
        } else {
            w->other_errors++;
        }
    }
    return NULL;
}

static void *audit(void *arg)
{
    struct shared *s = arg;
    /* One audit at least, even when the transfers end before this thread first runs. */
    do {
        long total = 0;
        if (bank_total(s->bank, &total) == BANK_ETIMEDOUT) {
            s->audit_timeouts++;
            atomic_store(&s->stop, true);
            break;
        }
        s->audits++;
        s->audits_wrong += total != s->total;
        sleep_sec(100e-6); /* let the transfers run between audits */
    } while (!atomic_load(&s->finished) && !atomic_load(&s->stop));
    return NULL;
}

/*
 * Plain reads, with no lock: they run before the threads start or after all are
 * joined. (Not bank_total(): a transfer that forgot to unlock would make it fail, and
 * that transfer is what the test must report, not die of.)
 */
static void sum_balances(const struct bank *bank, long *total, long *lowest)
{
    *total = 0;
    *lowest = bank->accounts[0].balance;
    for (int i = 0; i < bank->count; i++) {
        *total += bank->accounts[i].balance;
        if (bank->accounts[i].balance < *lowest)
            *lowest = bank->accounts[i].balance;
    }
}

void stress_run(struct bank *bank, transfer_fn *transfer, const struct stress_plan *plan,
                struct stress_result *result)
{
    if (bank->count < 2)
        die("a transfer needs two accounts; the bank has %d", bank->count);
    long threads = plan->threads;
    struct shared shared = {
        .bank = bank, .transfer = transfer, .transfers_each = plan->transfers_each};
    struct worker *workers = xcalloc((size_t)threads, sizeof *workers);
    pthread_t *tids = xcalloc((size_t)threads, sizeof *tids);
    pthread_t auditor;
    *result = (struct stress_result){0};
    sum_balances(bank, &result->total_before, &result->lowest_balance);
    shared.total = result->total_before;

    for (long i = 0; i < threads; i++) {
        workers[i] = (struct worker){&shared, plan->seed + (uint64_t)i, 0, 0, 0, 0};
        CHECK_PT(pthread_create(&tids[i], NULL, work, &workers[i]));
    }
    if (plan->audit)
        CHECK_PT(pthread_create(&auditor, NULL, audit, &shared));
    double start = now_sec();
    atomic_store(&shared.go, true);
    for (long i = 0; i < threads; i++) {
        CHECK_PT(pthread_join(tids[i], NULL));
        result->done += workers[i].done;
        result->refused += workers[i].refused;
        result->timeouts += workers[i].timeouts;
        result->other_errors += workers[i].other_errors;
    }
    result->seconds = now_sec() - start;
    atomic_store(&shared.finished, true);
    if (plan->audit) {
        CHECK_PT(pthread_join(auditor, NULL));
        result->audits = shared.audits;
        result->audits_wrong = shared.audits_wrong;
        result->timeouts += shared.audit_timeouts;
    }

    sum_balances(bank, &result->total_after, &result->lowest_balance);
    free(tids);
    free(workers);
}
