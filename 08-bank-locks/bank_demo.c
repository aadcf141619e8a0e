/*
 * bank_demo.c — the article's test_bank_account: three threads, two accounts, one lock each.
 *
 * Mirrors A4 「线程安全和锁机制」 (BankAccount and test_bank_account).
 * Deposit-1, Withdraw-1 and Transfer-1-to-2 start together on account 1. Its lock makes
 * them take turns, in whatever order the scheduler picks, so the final balances are
 * always 1000 + 500 - 300 - 400 = 800 and 500 + 400 = 900. Then the article's exceptions
 * as error codes, and what the "R" of RLock means.
 */
#include "args.h"
#include "bank.h"
#include "check.h"
#include "results.h"
#include "say.h"

#include <stdio.h>

struct operation {
    const char *thread_name;
    enum { DEPOSIT, WITHDRAW, TRANSFER } kind;
    struct account *account, *other;
    long amount;
    int result;
};

static void *run_operation(void *arg)
{
    struct operation *op = arg;
    say_my_name(op->thread_name);
    switch (op->kind) {
    case DEPOSIT:
        op->result = account_deposit(op->account, op->amount);
        break;
    case WITHDRAW:
        op->result = account_withdraw(op->account, op->amount);
        break;
    case TRANSFER:
        op->result = account_transfer(op->account, op->other, op->amount);
        break;
    }
    if (op->result != BANK_OK)
        say("failed: %s", bank_strerror(op->result));
    return NULL;
}

/* The article's three threads; returns true when the balances are 800 and 900. */
static bool test_bank_account(struct account *account1, struct account *account2)
{
    printf("account 1: ¥%ld, account 2: ¥%ld; three threads start at once\n\n", account1->balance,
           account2->balance);
    struct operation ops[] = {
        {"Deposit-1", DEPOSIT, account1, NULL, 500, 0},
        {"Withdraw-1", WITHDRAW, account1, NULL, 300, 0},
        {"Transfer-1-to-2", TRANSFER, account1, account2, 400, 0},
    };
    enum { N = sizeof ops / sizeof ops[0] };
    pthread_t threads[N];
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_create(&threads[i], NULL, run_operation, &ops[i]));
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_join(threads[i], NULL));

    long balance1 = 0, balance2 = 0;
    CHECK_BANK(account_balance(account1, &balance1));
    CHECK_BANK(account_balance(account2, &balance2));
    printf("\n最终状态：\n账户 1 余额：¥%ld\n账户 2 余额：¥%ld\n", balance1, balance2);
    result_record("bank.demo.account1", (double)balance1, "yuan");
    result_record("bank.demo.account2", (double)balance2, "yuan");
    bool right = balance1 == 800 && balance2 == 900;
    printf("%s: expected ¥800 and ¥900 (1000 + 500 - 300 - 400, and 500 + 400)\n\n",
           right ? "correct" : "WRONG");
    return right;
}

/* One call that must fail with `want` and move no money. */
static bool expect_error(const char *call, int got, int want)
{
    bool right = got == want;
    say("%-32s -> %s%s", call, bank_strerror(got), right ? "" : "   WRONG: expected another code");
    return right;
}

/* The article raises ValueError and InsufficientFundsError; C returns codes instead. */
static bool show_errors(struct bank *bank)
{
    struct account *account1 = bank_find(bank, 1), *account2 = bank_find(bank, 2);
    int right = 0;
    right += expect_error("deposit(account 1, 0)", account_deposit(account1, 0), BANK_EAMOUNT);
    right +=
        expect_error("withdraw(account 1, -50)", account_withdraw(account1, -50), BANK_EAMOUNT);
    right += expect_error("transfer(account 1 -> 1, 100)",
                          account_transfer(account1, account1, 100), BANK_ESELF);
    right +=
        expect_error("withdraw(account 2, 5000)", account_withdraw(account2, 5000), BANK_EFUNDS);
    right += expect_error("transfer(account 2 -> 1, 5000)",
                          account_transfer(account2, account1, 5000), BANK_EFUNDS);
    right += expect_error("transfer(account 1 -> 99, 100)", bank_transfer(bank, 1, 99, 100),
                          BANK_ENOACCOUNT);
    long total = 0;
    CHECK_BANK(bank_total(bank, &total));
    printf("%d of 6 errors reported as expected; total still ¥%ld (no money moved)\n\n", right,
           total);
    result_record("bank.demo.errors_as_expected", right, "calls");
    result_record("bank.demo.total_after_errors", (double)total, "yuan");
    return right == 6 && total == 1700;
}

/*
 * The "R" in RLock: the thread that holds the lock may take it again, here inside
 * account_balance(). A default mutex would wait for itself forever.
 */
static bool show_reentry(struct account *account1)
{
    CHECK_BANK(account_lock(account1, BANK_LOCK_TIMEOUT));
    long balance = 0;
    int again = account_balance(account1, &balance);
    account_unlock(account1);
    say("holding account 1's lock, account_balance() locks it again: %s (¥%ld)",
        bank_strerror(again), balance);
    return again == BANK_OK;
}

/*
 * The article's time.sleep(0.1); --quick shortens it unless --work is given. Account 1's
 * lock is wanted by three threads at once, so the last in line waits for the other two's
 * work: at 0.5 s that wait reaches the lock's 1 s timeout and the transfer gives up,
 * though nothing is deadlocked. MAX_WORK leaves that wait 0.2 s to spare.
 */
static const double WORK = 0.1, QUICK_WORK = 0.02, MAX_WORK = 0.4;

int main(int argc, char **argv)
{
    double work = WORK;
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("work", "S", &work, 0, MAX_WORK,
                   "seconds each deposit and withdrawal sleeps holding the lock (time.sleep); "
                   "the last of three threads to get account 1 waits for the other two's work, "
                   "and its lock gives up after 1 s"),
        OPT_QUICK_DOUBLE(&work, QUICK_WORK),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "The article's test_bank_account: deposit, withdrawal and transfer on two "
               "accounts from three threads; then the errors, and the recursive lock.",
               opts);

    struct bank *bank = bank_new(2, 0);
    struct account *account1 = bank_find(bank, 1), *account2 = bank_find(bank, 2);
    account1->balance = 1000;
    account2->balance = 500;
    account1->narrate = account2->narrate = true;
    account1->work_sec = account2->work_sec = work;

    bool right = test_bank_account(account1, account2);
    right &= show_errors(bank);
    right &= show_reentry(account1);
    bank_free(bank);
    return right ? 0 : 1;
}
