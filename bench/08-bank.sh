# bench/08-bank.sh — chapter 08: transfers per second with three ways of locking, at 1, 2
# and 4 threads, measured side by side (sourced by bench/run.sh with bench/lib.sh); then
# the article's own BankAccount in Python on the same workload, when python3 is there.
# The article gives no figure; its claim is that a fixed lock order prevents deadlock,
# which bank_scale checks (no timeout, money conserved) while it measures.
claim_global="no figure (the article locks per account)"
claim_ordered="始终按照内存地址顺序获取锁，防止死锁: no figure"
claim_trylock="no figure (not in the article)"
for t in 1 2 4; do
    measure 08-bank-locks/bank_scale --threads "$t" --transfers 200000
    row bank.tps.global_lock.t$t "$claim_global" "one lock for the whole bank, $t thread(s)"
    row bank.tps.per_account.t$t "$claim_ordered" "both accounts' locks, lower id first"
    row bank.tps.trylock.t$t "$claim_trylock" "lock from, try to, back off"
done
for t in 2 4; do
    row_value bank.ratio.per_account_vs_global.t$t \
        "$(ratio "$(recorded bank.tps.per_account.t$t)" "$(recorded bank.tps.global_lock.t$t)")" x \
        "no figure" "per-account / global lock, $t threads (1 µs held; grows with cores)"
done

py=$(python_for threading)
if [ -n "$py" ]; then
    for t in 1 4; do
        printf '  running %s bench/08-bank.py %s 50000 100\n' "$py" "$t" >&2
        LAB_RESULTS=$bench_results "$py" bench/08-bank.py "$t" 50000 100 >/dev/null
        row bank.tps.python_article.t$t "$claim_ordered" \
            "the article's class in $("$py" -c 'import platform; print(platform.python_version())'), $t thread(s), nothing held"
    done
    row_value bank.ratio.python_article.t4_vs_t1 \
        "$(ratio "$(recorded bank.tps.python_article.t4)" "$(recorded bank.tps.python_article.t1)")" x \
        "1.2 并发编程: 多线程在 CPU 密集型任务上并不能提供真正的并行性" "4 threads / 1 thread, the article's Python"
else
    echo "  (no python3: the article's Python is not measured)" >&2
fi
