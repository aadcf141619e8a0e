"""The article's BankAccount (A4 「线程安全和锁机制」) at scale, for bench/08-bank.sh.

The class is the article's transfer path, with its print() lines removed (they
would be all that is measured). THREADS threads make TRANSFERS
random transfers each among ACCOUNTS accounts, as bank_scale does in C; the figure
is transfers per second, recorded like the C programs record theirs (LAB_RESULTS).

Usage: python3 bench/08-bank.py THREADS TRANSFERS ACCOUNTS
"""
import os
import random
import sys
import threading
import time
from contextlib import contextmanager


class InsufficientFundsError(Exception):
    pass


class BankAccount:
    def __init__(self, balance):
        self.balance = balance
        self._lock = threading.RLock()

    @contextmanager
    def _account_lock(self, timeout=1.0):
        """安全的获取锁的上下文管理器"""
        if not self._lock.acquire(timeout=timeout):
            raise TimeoutError("无法获取账户锁，操作超时")
        try:
            yield
        finally:
            self._lock.release()

    def transfer(self, other_account, amount):
        if self is other_account:
            raise ValueError("不能转账给自己")
        if amount <= 0:
            raise ValueError("转账金额必须大于 0")
        first_account, second_account = sorted([self, other_account], key=lambda x: id(x))
        with first_account._account_lock():
            with second_account._account_lock():
                if self.balance >= amount:
                    self.balance -= amount
                    other_account.balance += amount
                else:
                    raise InsufficientFundsError("余额不足！")


def worker(accounts, transfers, seed, counts):
    rng = random.Random(seed)
    done = 0
    for _ in range(transfers):
        a, b = rng.sample(accounts, 2)
        try:
            a.transfer(b, rng.randint(1, 100))
        except InsufficientFundsError:
            pass
        done += 1
    counts.append(done)


def main():
    threads, transfers, naccounts = (int(x) for x in sys.argv[1:4])
    accounts = [BankAccount(1000) for _ in range(naccounts)]
    counts = []
    pool = [threading.Thread(target=worker, args=(accounts, transfers, i + 1, counts))
            for i in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - start
    total = sum(a.balance for a in accounts)
    if total != 1000 * naccounts:
        sys.exit(f"money not conserved: {total}")
    tps = sum(counts) / seconds
    print(f"{threads} threads: {tps:.0f} transfers/s, total {total} conserved")
    path = os.environ.get("LAB_RESULTS")
    if path:
        with open(path, "a") as f:
            f.write(f"bank.tps.python_article.t{threads}\t{tps:.6g}\ttransfers/s\n")


if __name__ == "__main__":
    main()
