/*
 * bank.h — the article's BankAccount in C: a balance, a recursive lock taken with a
 * timeout, and operations that return an error code where Python raises.
 *
 * Mirrors A4 「线程安全和锁机制」:
 *
 *   Python                                   C
 *   threading.RLock()                        a PTHREAD_MUTEX_RECURSIVE mutex
 *   self._lock.acquire(timeout=1.0)          account_lock(a, 1.0)      -> BANK_ETIMEDOUT
 *   raise ValueError("…金额必须大于 0")         BANK_EAMOUNT
 *   raise ValueError("不能转账给自己")           BANK_ESELF
 *   raise InsufficientFundsError("余额不足！")  BANK_EFUNDS
 *   sorted([self, other], key=id)            lock the lower account id first
 *
 * The laws, in one line each:
 *   - Every operation either happens whole or not at all: an error moves no money.
 *   - Every lock is taken with a deadline; nothing here waits forever.
 *   - transfer() holds both accounts' locks, taken lower id first, so two transfers
 *     can never each hold the lock the other waits for.
 *   - Amounts are whole yuan in a long: money is never a floating-point number.
 */
#ifndef BANK_H
#define BANK_H

#include "check.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* The article's default: _account_lock(self, timeout=1.0). */
#define BANK_LOCK_TIMEOUT 1.0

enum bank_error {
    BANK_OK = 0,
    BANK_EAMOUNT = -1,    /* the amount is zero or negative (ValueError) */
    BANK_ESELF = -2,      /* a transfer to the same account (ValueError) */
    BANK_EFUNDS = -3,     /* not enough money (InsufficientFundsError) */
    BANK_ETIMEDOUT = -4,  /* a lock was not free before the deadline (TimeoutError) */
    BANK_ENOACCOUNT = -5, /* no account has that id */
    BANK_EOVERFLOW = -6,  /* the balance would not fit in a long */
};

struct account {
    int id;               /* stable and unique: the global order in which locks are taken */
    long balance;         /* whole yuan; read and written only under `lock` */
    pthread_mutex_t lock; /* recursive: the owner may take it again, like an RLock */
    double work_sec;      /* "processing time" inside deposit/withdraw: the article's sleep */
    bool narrate;         /* print the article's 存款/取款/转账 lines (off by default) */
};

/* The article's message for an error code, e.g. "余额不足！ (insufficient funds)". */
const char *bank_strerror(int err);

/* For a call that fails only if the program itself is wrong: die, saying why. */
#define CHECK_BANK(call)                                                                           \
    do {                                                                                           \
        int bank_err_ = (call);                                                                    \
        if (bank_err_ != BANK_OK)                                                                  \
            die("%s:%d: %s: %s", __FILE__, __LINE__, #call, bank_strerror(bank_err_));             \
    } while (0)

void account_init(struct account *a, int id, long balance);
void account_destroy(struct account *a);

/*
 * Take `m` within `seconds` (pthread_mutex_timedlock: a deadline on the wall clock), or
 * return BANK_ETIMEDOUT. A recursive mutex is taken again at once by its owner.
 */
int lock_within(pthread_mutex_t *m, double seconds);

/*
 * A lock timeout for `threads` threads that may all queue for one lock, each holding it
 * about `hold` seconds: the article's 1 s, or longer when the queue alone could last
 * that long. A waiter may wait for every other thread's turn, and on a machine with fewer
 * cores than threads a holder may itself wait for a core behind the other runnable
 * threads (a time slice each, tens of ms on a busy machine). A timeout shorter than that wait reports a
 * deadlock where there is only a queue: the false alarm of "A timeout that fires with no
 * deadlock" (README).
 */
double bank_lock_timeout(long threads, double hold);

/* How long burn(iterations) takes here, measured (seconds). */
double bank_hold_seconds(uint64_t iterations);

/* lock_within() for an account's lock, and its release. */
int account_lock(struct account *a, double seconds);
void account_unlock(struct account *a);

/*
 * For a checker that must see how a transfer() uses the locks (contract.c): `watch` is
 * called by the calling thread when it starts waiting for an account's lock, when it got
 * it, when a wait timed out, and when it released it. NULL (the default) watches nothing.
 * Set it while no other thread uses the accounts.
 */
enum lock_event { LOCK_WAITING, LOCK_TAKEN, LOCK_TIMED_OUT, LOCK_RELEASED };
void account_watch_locks(void (*watch)(struct account *a, enum lock_event event));

/*
 * Both accounts' locks, the lower id first, each within `seconds`: the order that makes
 * transfers deadlock-free. On an error neither lock is held.
 */
int account_lock_both(struct account *a, struct account *b, double seconds);
void account_unlock_both(struct account *a, struct account *b);

/* The operations of the article's class; each returns BANK_OK or an error code. */
int account_balance(struct account *a, long *balance);
int account_deposit(struct account *a, long amount);
int account_withdraw(struct account *a, long amount);
int account_transfer(struct account *from, struct account *to, long amount);

/*
 * Move `amount` if `from` has it, else BANK_EFUNDS (BANK_EAMOUNT if it is not
 * positive). The caller holds whatever locks make that safe: both accounts' locks,
 * or one lock over the whole bank.
 */
int account_move(struct account *from, struct account *to, long amount);

/* Many accounts, found by id (1 … count). */
struct bank {
    int count;
    struct account *accounts; /* accounts[i] has id i + 1 */
};

struct bank *bank_new(int count, long balance_each);
void bank_free(struct bank *b);

/* The account with this id, or NULL. */
struct account *bank_find(struct bank *b, int id);

/* account_transfer() between accounts named by id; BANK_ENOACCOUNT for an unknown id. */
int bank_transfer(struct bank *b, int from_id, int to_id, long amount);

/*
 * The sum of all balances, taken with every account locked (in id order, like a
 * transfer), so it is exact even while account_transfer()s run.
 */
int bank_total(struct bank *b, long *total);

#endif
