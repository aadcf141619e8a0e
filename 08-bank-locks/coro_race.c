/*
 * coro_race.c — DELIBERATELY BROKEN, then cured: tasks on ONE thread lose money too,
 * when they await between reading a balance and writing it back.
 *
 * Mirrors A1 「1. 异步编程的本质与价值」, its 关键认知: 前者没有线程切换开销,也不存在锁竞争问题
 * (coroutines have no thread switches, and no lock contention). No preemption, true:
 * between two awaits nothing else runs. But a deposit written as
 *     balance = account.balance;  await ledger_write();  account.balance = balance + 1
 * awaits in the middle, and every other task reads the same old balance meanwhile. Watch
 * the first round: every task reads ¥0 before any writes, all on one thread; then the
 * total, short by most of what was deposited. An async lock (asyncio.Lock, common/lock.h)
 * held across the read, the await and the write cures it, on the same thread.
 */
#include "args.h"
#include "check.h"
#include "future.h"
#include "gather.h"
#include "lock.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>

struct account {
    long balance;
    bool use_lock;
    struct lock *lock; /* NULL: the broken deposit */
    long deposits_each;
    pthread_t thread;    /* the loop's thread */
    int other_threads;   /* deposits that ran anywhere else: none, ever */
};

/* Deposit ¥1, deposits_each times: read, await (the ledger's round trip), write. */
static void *depositor(void *arg)
{
    struct account *acc = arg;
    for (long i = 0; i < acc->deposits_each; i++) {
        int err = acc->lock ? lock_acquire(acc->lock) : 0;
        if (err)
            return task_raise(err, "waiting for the account's lock");
        long balance = acc->balance;
        if (i == 0)
            say("read ¥%ld", balance);
        err = async_sleep(0); /* await: the other tasks run now */
        if (err == 0) {
            acc->balance = balance + 1;
            if (i == 0)
                say("wrote ¥%ld", balance + 1);
        }
        if (acc->lock)
            lock_release(acc->lock);
        if (err)
            return task_raise(err, "deposit");
        acc->other_threads += !pthread_equal(pthread_self(), acc->thread);
    }
    return NULL;
}

static long tasks = 10;

static void *deposit_all(void *arg)
{
    struct account *acc = arg;
    acc->thread = pthread_self();
    acc->lock = acc->use_lock ? lock_new() : NULL;
    struct task *t[64];
    struct future *f[64];
    for (long i = 0; i < tasks; i++) {
        char name[32];
        snprintf(name, sizeof name, "deposit-%ld", i + 1);
        t[i] = create_task(name, depositor, acc);
        f[i] = task_future(t[i]);
    }
    struct future *all = gather(f, (size_t)tasks, GATHER_FAIL_FAST);
    int err = await_future(all, NULL);
    future_unref(all);
    for (long i = 0; i < tasks; i++)
        task_release(t[i]);
    if (acc->lock)
        lock_free(acc->lock);
    return err ? task_raise(err, "deposits") : NULL;
}

/* One run of every task's deposits, with or without the lock: the balance it ends with. */
static long run(long each, bool use_lock, int *other_threads)
{
    struct account acc = {.deposits_each = each, .use_lock = use_lock};
    if (async_run(deposit_all, &acc, NULL) != 0)
        die("the deposits failed");
    *other_threads = acc.other_threads;
    return acc.balance;
}

int main(int argc, char **argv)
{
    long each = 1000;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("tasks", "N", &tasks, 2, 64, "tasks depositing at once"),
        OPT_INT("iterations", "N", &each, 1, 1000000, "deposits of ¥1 by each task"),
        OPT_QUICK_INT(&each, 100),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Tasks on one thread lose money when they await between reading a balance and "
               "writing it back; an async lock cures it.",
               opts);
    long expected = tasks * each;
    int others[2];
    printf("%ld tasks deposit ¥1 %ld times each, on one thread; each deposit awaits between "
           "its read and its write.\n\n1. without a lock\n",
           tasks, each);
    long unlocked = run(each, false, &others[0]);
    printf("\n2. with an async lock around the read, the await and the write\n");
    long locked = run(each, true, &others[1]);
    long lost = expected - unlocked;
    printf("\nexpected ¥%ld\nwithout the lock: ¥%ld (%s)\nwith the lock:    ¥%ld (%s)\n"
           "deposits that ran on another thread than the loop's: %d\n",
           expected, unlocked,
           lost > 0 ? "money lost on one thread: 不存在锁竞争问题 does not hold" : "nothing lost",
           locked, locked == expected ? "nothing lost" : "MONEY LOST", others[0] + others[1]);
    result_record("bank.coro_race.expected", (double)expected, "yuan");
    result_record("bank.coro_race.unlocked", (double)unlocked, "yuan");
    result_record("bank.coro_race.locked", (double)locked, "yuan");
    result_record("bank.coro_race.other_threads", others[0] + others[1], "deposits");
    return locked == expected ? 0 : 1;
}
