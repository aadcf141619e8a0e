# bench/03-coroutines.sh — chapter 03: what a switch costs, and what a task costs in memory.
# Sourced by bench/run.sh with bench/lib.sh.

measure 03-coroutines/switch_cost --seconds 2
row switch.ns.context "没有线程切换开销 (no thread-switch overhead)" \
    "coro_resume/coro_yield, best of 5 rounds; target ≤ 15 ns"
row switch.ns.ucontext "—" "swapcontext(3) saves the signal mask with a system call"
row switch.ns.thread_handoff "—" "two threads, mutex + condition variable, one hand-off"
row_value switch.ratio.ucontext_over_context \
    "$(ratio "$(recorded switch.ns.ucontext)" "$(recorded switch.ns.context)")" x \
    "—" "coroutine switches in the time of one swapcontext; target ≥ 10x"
row_value switch.ratio.thread_over_context \
    "$(ratio "$(recorded switch.ns.thread_handoff)" "$(recorded switch.ns.context)")" x \
    "前者没有线程切换开销" "coroutine switches in the time of one thread hand-off"
