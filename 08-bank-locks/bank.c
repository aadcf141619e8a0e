/*
 * bank.c — the article's BankAccount (A4 「线程安全和锁机制」). See bank.h.
 */
#include "bank.h"

#include "burn.h"
#include "check.h"
#include "clock.h"
#include "say.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

const char *bank_strerror(int err)
{
    switch (err) {
    case BANK_OK:
        return "ok";
    case BANK_EAMOUNT:
        return "金额必须大于 0 (the amount must be positive)";
    case BANK_ESELF:
        return "不能转账给自己 (a transfer to the same account)";
    case BANK_EFUNDS:
        return "余额不足！ (insufficient funds)";
    case BANK_ETIMEDOUT:
        return "无法获取账户锁，操作超时 (a lock was not free in time)";
    case BANK_ENOACCOUNT:
        return "no such account";
    case BANK_EOVERFLOW:
        return "the balance would overflow";
    default:
        return "unknown error";
    }
}

void account_init(struct account *a, int id, long balance)
{
    *a = (struct account){.id = id, .balance = balance};
    pthread_mutexattr_t attr;
    CHECK_PT(pthread_mutexattr_init(&attr));
    CHECK_PT(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE));
    CHECK_PT(pthread_mutex_init(&a->lock, &attr));
    CHECK_PT(pthread_mutexattr_destroy(&attr));
}

void account_destroy(struct account *a)
{
    int err = pthread_mutex_destroy(&a->lock);
    if (err == EBUSY)
        die("account %d is destroyed while its lock is held: an unlock is missing", a->id);
    CHECK_PT(err);
}

/*
 * The article's acquire(timeout=...): pthread_mutex_timedlock, whose deadline is an
 * absolute time on CLOCK_REALTIME, the wall clock. So the deadline is computed on that
 * clock, and a jump of the wall clock (NTP, an administrator) while we wait moves it:
 * back an hour, the wait lasts an hour longer; forward, it times out at once.
 * README.md ("The timed lock and the clock") says how to avoid that, and why the lab
 * keeps this call anyway.
 */
int lock_within(pthread_mutex_t *m, double seconds)
{
    if (seconds < 0)
        seconds = 0;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    long long ns = deadline.tv_nsec + (long long)((seconds - (double)(time_t)seconds) * 1e9);
    deadline.tv_sec += (time_t)seconds + (time_t)(ns / 1000000000);
    deadline.tv_nsec = (long)(ns % 1000000000);
    int err = pthread_mutex_timedlock(m, &deadline);
    if (err == ETIMEDOUT)
        return BANK_ETIMEDOUT;
    if (err != 0)
        die_errno(err, "pthread_mutex_timedlock");
    return BANK_OK;
}

double bank_lock_timeout(long threads, double hold)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    double slices = threads > cores && cores > 0 ? (double)threads / (double)cores : 1;
    double queue = (double)threads * hold + slices * 0.050; /* a busy machine's time slice */
    return 4 * queue > BANK_LOCK_TIMEOUT ? 4 * queue : BANK_LOCK_TIMEOUT; /* 4: a wide margin */
}

double bank_hold_seconds(uint64_t iterations)
{
    enum { ROUNDS = 20 };
    double best = 1e9;
    for (int i = 0; i < ROUNDS; i++) { /* the best of several: a preempted round is not the cost */
        double start = now_sec();
        burn(iterations);
        double took = now_sec() - start;
        best = took < best ? took : best;
    }
    return best;
}

static void (*lock_watcher)(struct account *a, enum lock_event event);

void account_watch_locks(void (*watch)(struct account *a, enum lock_event event))
{
    lock_watcher = watch;
}

int account_lock(struct account *a, double seconds)
{
    if (lock_watcher)
        lock_watcher(a, LOCK_WAITING);
    int err = lock_within(&a->lock, seconds);
    if (lock_watcher)
        lock_watcher(a, err ? LOCK_TIMED_OUT : LOCK_TAKEN);
    return err;
}

void account_unlock(struct account *a)
{
    CHECK_PT(pthread_mutex_unlock(&a->lock));
    if (lock_watcher)
        lock_watcher(a, LOCK_RELEASED);
}

int account_lock_both(struct account *a, struct account *b, double seconds)
{
    /*
     * The article sorts by id(), the object's address. C may not compare the
     * addresses of two separate objects with '<' (undefined behaviour), and an
     * address says nothing once accounts live in a file or move in memory; a
     * stable id gives the same order in every run and every process.
     */
    struct account *first = a->id < b->id ? a : b;
    struct account *second = first == a ? b : a;
    int err = account_lock(first, seconds);
    if (err)
        return err;
    err = account_lock(second, seconds);
    if (err)
        account_unlock(first);
    return err;
}

void account_unlock_both(struct account *a, struct account *b)
{
    account_unlock(a);
    account_unlock(b);
}

int account_balance(struct account *a, long *balance)
{
    int err = account_lock(a, BANK_LOCK_TIMEOUT);
    if (err)
        return err;
    *balance = a->balance;
    account_unlock(a);
    return BANK_OK;
}

int account_deposit(struct account *a, long amount)
{
    if (amount <= 0)
        return BANK_EAMOUNT;
    int err = account_lock(a, BANK_LOCK_TIMEOUT);
    if (err)
        return err;
    if (a->balance > LONG_MAX - amount) {
        err = BANK_EOVERFLOW;
    } else {
        if (a->narrate)
            say("存款 ¥%ld...", amount);
        sleep_sec(a->work_sec);
        a->balance += amount;
        if (a->narrate)
            say("存款完成，当前余额：¥%ld", a->balance);
    }
    account_unlock(a);
    return err;
}

int account_withdraw(struct account *a, long amount)
{
    if (amount <= 0)
        return BANK_EAMOUNT;
    int err = account_lock(a, BANK_LOCK_TIMEOUT);
    if (err)
        return err;
    /* The check and the change under one lock: nobody can spend the money in between. */
    if (a->balance < amount) {
        err = BANK_EFUNDS;
    } else {
        if (a->narrate)
            say("取款 ¥%ld...", amount);
        sleep_sec(a->work_sec);
        a->balance -= amount;
        if (a->narrate)
            say("取款完成，当前余额：¥%ld", a->balance);
    }
    account_unlock(a);
    return err;
}

int account_move(struct account *from, struct account *to, long amount)
{
    if (amount <= 0) /* and LONG_MAX - amount below cannot overflow */
        return BANK_EAMOUNT;
    if (from->balance < amount)
        return BANK_EFUNDS;
    if (to->balance > LONG_MAX - amount)
        return BANK_EOVERFLOW;
    from->balance -= amount;
    to->balance += amount;
    return BANK_OK;
}

int account_transfer(struct account *from, struct account *to, long amount)
{
    if (from == to)
        return BANK_ESELF;
    if (amount <= 0)
        return BANK_EAMOUNT;
    int err = account_lock_both(from, to, BANK_LOCK_TIMEOUT);
    if (err)
        return err;
    err = account_move(from, to, amount);
    if (from->narrate && err == BANK_OK)
        say("转账 ¥%ld (账户 %d -> 账户 %d) 转账完成", amount, from->id, to->id);
    account_unlock_both(from, to);
    return err;
}

struct bank *bank_new(int count, long balance_each)
{
    struct bank *b = xmalloc(sizeof *b);
    b->count = count;
    b->accounts = xcalloc((size_t)count, sizeof *b->accounts);
    for (int i = 0; i < count; i++)
        account_init(&b->accounts[i], i + 1, balance_each);
    return b;
}

void bank_free(struct bank *b)
{
    for (int i = 0; i < b->count; i++)
        account_destroy(&b->accounts[i]);
    free(b->accounts);
    free(b);
}

struct account *bank_find(struct bank *b, int id)
{
    return id >= 1 && id <= b->count ? &b->accounts[id - 1] : NULL;
}

int bank_transfer(struct bank *b, int from_id, int to_id, long amount)
{
    struct account *from = bank_find(b, from_id);
    struct account *to = bank_find(b, to_id);
    if (!from || !to)
        return BANK_ENOACCOUNT;
    return account_transfer(from, to, amount);
}

int bank_total(struct bank *b, long *total)
{
    int locked = 0;
    int err = BANK_OK;
    while (locked < b->count && err == BANK_OK) {
        err = account_lock(&b->accounts[locked], BANK_LOCK_TIMEOUT);
        if (err == BANK_OK)
            locked++;
    }
    long sum = 0;
    for (int i = 0; i < locked; i++)
        sum += b->accounts[i].balance;
    while (locked > 0)
        account_unlock(&b->accounts[--locked]);
    if (err == BANK_OK)
        *total = sum;
    return err;
}
