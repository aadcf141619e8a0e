#!/bin/sh
# Chapter 03: each program shows what it exists to show.
. "${0%/*}/lib.sh"
ch=03-coroutines

# switch_cost: every kind of switch really happened, and a coroutine switch is far
# cheaper than a thread hand-off (hundreds of times here; the test asks only for 3x).
run $ch/switch_cost --quick
is "$rc" 0 "switch_cost exits 0 (it checks that every switch reached the other side)"
for kind in context ucontext thread_handoff; do
    check "switch_cost made $kind switches" num_cmp "$(result switch.count.$kind)" '>' 0
done
check "a coroutine switch costs less than a third of a thread hand-off" \
    num_cmp "$(result switch.ns.context)" '<' "$(awk -v t="$(result switch.ns.thread_handoff)" 'BEGIN { print t / 3 }')"
like "$out" '^coroutine \(coro_resume / coro_yield\) ' "switch_cost prints the coroutine row"

done_testing
