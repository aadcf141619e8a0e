# bench/08-bank.sh — chapter 08: transfers per second with three ways of locking, at 1, 2
# and 4 threads, measured side by side (sourced by bench/run.sh with bench/lib.sh).
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
