/*
 * deadlock.c — DELIBERATELY BROKEN: two transfers that lock "from, then to" deadlock.
 *
 * Mirrors A4 「线程安全和锁机制」: transfer() and its comment 始终按照内存地址顺序获取锁，
 * 防止死锁 (always take the locks in one fixed order, to prevent deadlock).
 * Three acts, the same two transfers each time (account 1 -> 2, and 2 -> 1):
 *   1. naive locking, one transfer after the other: both work — that is how the bug ships;
 *   2. naive locking, both at once: each holds one account and waits for the other.
 *      The timed lock gives up after --timeout; watch the report of who waited for what,
 *      read from what the two threads did (their waits overlapped, each holding what the
 *      other wanted), so `--stagger 0.5` (the second starts after the first is done) shows
 *      no deadlock, and says so;
 *   3. both at once, lower account id first (the article's cure): no deadlock.
 * Exit status: 0 when act 2 deadlocked and act 3 did not; 3 when act 2 did not deadlock
 * this time; 1 when money was lost or an ordered transfer failed.
 */
#include "args.h"
#include "bank.h"
#include "check.h"
#include "clock.h"
#include "results.h"
#include "say.h"
#include "transfer_job.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

static void *transfer_thread(void *arg)
{
    struct transfer_job *job = arg;
    say_my_name(job->name);
    while (!atomic_load(job->go)) /* start together, as the article's threads would */
        sched_yield();
    sleep_sec(job->delay);

    struct account *first = job->from, *second = job->to;
    if (job->ordered && second->id < first->id) {
        first = job->to;
        second = job->from;
    }
    say("wants account %d first", first->id);
    job->result = account_lock(first, job->timeout);
    if (job->result != BANK_OK) {
        say("gave up waiting for account %d: %s", first->id, bank_strerror(job->result));
        return NULL;
    }
    say("holds account %d, working %.2fs...", first->id, job->work);
    sleep_sec(job->work);

    say("waits for account %d", second->id);
    job->held_id = first->id;
    job->wanted_id = second->id;
    job->wait_began = now_sec();
    job->result = account_lock(second, job->timeout);
    job->waited = now_sec() - job->wait_began;
    if (job->result != BANK_OK) {
        say("gave up after %.2fs waiting for account %d: %s", job->waited, second->id,
            bank_strerror(job->result));
        account_unlock(first); /* giving up must let go of what it holds */
        return NULL;
    }
    job->result = account_move(job->from, job->to, job->amount);
    /* Said while both locks are held, as the article's print inside `with` is. */
    say("转账 ¥%ld (账户 %d -> 账户 %d): %s", job->amount, job->from->id, job->to->id,
        bank_strerror(job->result));
    account_unlock(second);
    account_unlock(first);
    return NULL;
}

/* --show-locks: each thread says when it takes and releases a lock, in its own order. */
static void show_lock(struct account *a, enum lock_event event)
{
    static const char *const what[] = {"waiting for", "took", "timed out on", "released"};
    say("(lock) %s account %d", what[event], a->id);
}

/* Run the two jobs in threads, together or one after the other, and wait for both. */
static void run_pair(struct transfer_job jobs[2], bool together)
{
    atomic_bool go = false;
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        jobs[i].go = &go;
        CHECK_PT(pthread_create(&threads[i], NULL, transfer_thread, &jobs[i]));
        if (!together) {
            atomic_store(&go, true);
            CHECK_PT(pthread_join(threads[i], NULL));
            atomic_store(&go, false);
        }
    }
    if (together) {
        atomic_store(&go, true);
        for (int i = 0; i < 2; i++)
            CHECK_PT(pthread_join(threads[i], NULL));
    }
}

static long balance_of(struct account *a)
{
    long balance = 0;
    CHECK_BANK(account_balance(a, &balance));
    return balance;
}

/* --quick shortens the article's 1 s timeout unless --timeout is given. */
static const double QUICK_TIMEOUT = 0.3;

int main(int argc, char **argv)
{
    double work = 0.1, timeout = BANK_LOCK_TIMEOUT; /* time.sleep(0.1), acquire(timeout=1.0) */
    double stagger = 0;
    bool show_locks = false;
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("work", "S", &work, 0.01, 10,
                   "seconds each transfer works while holding its first lock"),
        OPT_DOUBLE("timeout", "S", &timeout, 0.01, 60, "seconds to wait for a lock, then give up"),
        OPT_QUICK_DOUBLE(&timeout, QUICK_TIMEOUT),
        OPT_DOUBLE("stagger", "S", &stagger, 0, 10,
                   "in act 2, start the second transfer this much later (longer than --work: "
                   "no overlap, no deadlock)"),
        OPT_FLAG("show-locks", &show_locks, "say each lock taken and released"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "A deliberate deadlock: two transfers in opposite directions lock their "
               "accounts in opposite orders. The timed lock detects it; ordered locking cures it. "
               "Exit status 0: it deadlocked and was cured; 3: no deadlock this time.",
               opts);
    if (timeout <= work) {
        fprintf(stderr,
                "%s: --timeout %.2f must be longer than --work %.2f, or even the "
                "ordered transfers would give up\n",
                program_invocation_short_name, timeout, work);
        return 2;
    }

    if (show_locks)
        account_watch_locks(show_lock);
    struct bank *bank = bank_new(2, 0);
    struct account *account1 = bank_find(bank, 1), *account2 = bank_find(bank, 2);
    account1->balance = 1000;
    account2->balance = 500;
    long total_before = 1500;
    struct transfer_job template[2] = {
        {.name = "Transfer-1-to-2", .from = account1, .to = account2, .amount = 100, .work = work,
         .timeout = timeout},
        {.name = "Transfer-2-to-1", .from = account2, .to = account1, .amount = 50, .work = work,
         .timeout = timeout},
    };
    struct transfer_job jobs[2];
    double started = now_sec();

    printf("1. naive locking (from, then to), one transfer after the other\n");
    jobs[0] = template[0], jobs[1] = template[1];
    run_pair(jobs, false);
    bool act1_ok = jobs[0].result == BANK_OK && jobs[1].result == BANK_OK;
    printf("both %s: nothing looks wrong. Balances ¥%ld and ¥%ld\n\n",
           act1_ok ? "done" : "NOT done", balance_of(account1), balance_of(account2));

    printf("2. naive locking, both at once (each lock waited for at most %.2fs)\n", timeout);
    jobs[0] = template[0], jobs[1] = template[1];
    jobs[1].delay = stagger;
    double act2_start = now_sec();
    run_pair(jobs, true);
    double act2_seconds = now_sec() - act2_start;
    bool detected = report_deadlock(&jobs[0], &jobs[1]);
    int naive_timeouts = 0;
    double gave_up_after = 0; /* the longest wait that ended in giving up */
    for (int i = 0; i < 2; i++) {
        if (jobs[i].result == BANK_ETIMEDOUT) {
            naive_timeouts++;
            gave_up_after = jobs[i].waited > gave_up_after ? jobs[i].waited : gave_up_after;
        }
    }
    printf("act 2 ended after %.2fs with %d transfer(s) given up. Balances ¥%ld and ¥%ld\n\n",
           act2_seconds, naive_timeouts, balance_of(account1), balance_of(account2));

    printf("3. both at once, each taking the lower account id first\n");
    jobs[0] = template[0], jobs[1] = template[1];
    jobs[0].ordered = jobs[1].ordered = true;
    run_pair(jobs, true);
    int ordered_done = (jobs[0].result == BANK_OK) + (jobs[1].result == BANK_OK);
    long total_after = 0;
    CHECK_BANK(bank_total(bank, &total_after));
    printf("%d of 2 transfers done, no deadlock possible: both wait for account 1 first, so\n"
           "whoever holds it never waits for a lock the other holds. Balances ¥%ld and ¥%ld\n\n",
           ordered_done, balance_of(account1), balance_of(account2));

    double seconds = now_sec() - started;
    printf("money: ¥%ld before, ¥%ld after (%s); whole run %.2fs, every wait bounded\n",
           total_before, total_after, total_before == total_after ? "conserved" : "NOT conserved",
           seconds);

    result_record("bank.deadlock.detected", detected, "bool");
    result_record("bank.deadlock.naive_timeouts", naive_timeouts, "transfers");
    result_record("bank.deadlock.gave_up_after", gave_up_after, "s");
    result_record("bank.deadlock.timeout", timeout, "s");
    result_record("bank.deadlock.ordered_done", ordered_done, "transfers");
    result_record("bank.deadlock.act1_done", act1_ok ? 2 : 0, "transfers");
    result_record("bank.deadlock.total_before", (double)total_before, "yuan");
    result_record("bank.deadlock.total_after", (double)total_after, "yuan");
    result_record("bank.deadlock.seconds", seconds, "s");
    bank_free(bank);
    if (total_before != total_after || ordered_done != 2)
        return 1;
    return detected ? 0 : 3;
}
