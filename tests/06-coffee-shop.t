#!/bin/sh
# Chapter 06, coffee_shop: a Ctrl-C (or SIGTERM) in the middle loses no accepted order;
# every order has one fate and the counts add up; no thread is left running. Then the
# article's own CoffeeShop, which never ends.
. "${0%/*}/lib.sh"
ch=06-producer-consumer

# fates ORDERS...: the order numbers the run reported unserved, in order.
unserved() { printf '%s\n' "$out" | sed -n 's/^  order #\([0-9]*\): UNSERVED.*/\1/p' | tr '\n' ' '; }

# A hundred orders: the Ctrl-C, 0.25 s after the first, comes long before the last.
run $ch/coffee_shop --quick --orders 100
is "$rc" 0 "one Ctrl-C mid-run: exit 0"
like "$out" '\[signals\] \(Ctrl-C pressed\)' "it pressed Ctrl-C itself"
like "$out" '正在关闭咖啡店.*SIGINT' "the SIGINT reached the shop"
is "$(result coffee.adds_up)" 1 "accepted = delivered + unserved, checked against the queues' own counts"
check "it accepted some orders before the Ctrl-C" num_cmp "$(result coffee.accepted)" ">" 0
check "...not all of them: the door closed" num_cmp "$(result coffee.accepted)" "<" 100
is "$(result coffee.delivered)" "$(result coffee.accepted)" "one Ctrl-C: every accepted order is delivered"
is "$(result coffee.threads_left)" 0 "no thread left running"
run $ch/coffee_shop --quick --orders 3 --ctrl-c 0
is "$(result coffee.delivered)" 3 "no Ctrl-C: the three orders delivered"
is "$(result coffee.adds_up)" 1 "...and the counts add up"
run $ch/coffee_shop --quick --orders 100
# Exactly once: each accepted order is made once and delivered once.
n=$(result coffee.accepted)
i=0
while [ "$i" -lt "$n" ]; do
    made=$(printf '%s\n' "$out" | grep -c "正在制作订单 #$i 的")
    sent=$(printf '%s\n' "$out" | grep -c "订单 #$i 已送达")
    [ "$made$sent" = 11 ] || break
    i=$((i + 1))
done
is "$i" "$n" "each of the $n accepted orders was made once and delivered once"
unlike "$out" "正在制作订单 #$n 的" "no order beyond the accepted ones was made"

# Twice: the second Ctrl-C drops what is queued; each dropped order is reported. A queue
# of 10 is full when the first comes; the barista needs a second to empty it, the second
# Ctrl-C comes 0.01 s later.
run $ch/coffee_shop --quick --orders 100 --queue 10 --ctrl-c 0.5 --twice 0.01
is "$rc" 0 "Ctrl-C twice: exit 0"
is "$(result coffee.signals)" 2 "two SIGINTs seen"
is "$(result coffee.adds_up)" 1 "the counts still add up"
check "some orders were dropped and reported unserved" num_cmp "$(result coffee.unserved)" ">" 0
is "$(unserved | wc -w)" "$(result coffee.unserved)" "each unserved order is named"
is "$(result coffee.threads_left)" 0 "no thread left running"

# From outside, as a terminal or a service manager would: SIGTERM and SIGINT. One signal
# only: timeout(1) without --foreground passes a signal it gets on to the child and to the
# child's process group, so the child would get two, and two mean "close now".
# Forty orders keep the shop open 4 s: six (0.7 s) could all be served before a busy
# machine's poll below had seen the first and sent the signal. The door closes at the
# signal, so only the orders taken by then are made.
for sig in TERM INT; do
    log=$tap_tmp/coffee.$sig
    LAB_RESULTS=$tap_tmp/res.$sig timeout --foreground -k 5 60 "$LAB_BUILD/$ch/coffee_shop" --quick --ctrl-c 0 \
        --orders 40 >"$log" 2>&1 &
    pid=$!
    # Once it has taken its first order, the signal lands mid-run.
    tries=0
    while ! grep -q '收到订单 #0' "$log" && [ $tries -lt 200 ]; do sleep 0.05; tries=$((tries + 1)); done
    kill -$sig $pid
    wait $pid
    is "$?" 0 "kill -$sig mid-run: exit 0"
    like "$(cat "$log")" "正在关闭咖啡店.*SIG$sig" "SIG$sig is taken by the signal thread"
    results=$tap_tmp/res.$sig
    is "$(result coffee.adds_up)" 1 "SIG$sig: the counts add up"
    is "$(result coffee.delivered)" "$(result coffee.accepted)" "SIG$sig: every accepted order delivered"
done

# The article's own CoffeeShop (python3): it never ends. Its two streams are read apart:
# the Server thread's traceback (stderr) comes at the second the main thread takes order
# #2 (stdout), and Python writes a traceback in pieces, so together a line of one can be
# cut by a line of the other.
if command -v python3 >/dev/null 2>&1; then
    timeout 60 python3 $ch/errata/coffee_shop.py >"$tap_tmp/py.out" 2>"$tap_tmp/py.err" </dev/null
    is "$?" 0 "the erratum script ends (by its watchdog)"
    out=$(cat "$tap_tmp/py.err")
    like "$out" "AttributeError: type object 'Queue' has no attribute 'Empty'" \
        "except Queue.Empty raises AttributeError"
    like "$out" 'Exception in thread Server' "...which kills the Server thread"
    out=$(cat "$tap_tmp/py.out")
    like "$out" 'main thread waits at line [0-9]+: shop.orders_queue.join\(\)' \
        "after Ctrl-C and SIGTERM the main thread still waits in orders_queue.join()"
    unlike "$out" '收到中断信号|咖啡店已关闭' "the except KeyboardInterrupt and the finally never run"
elif [ "${LAB_REQUIRE_ALL:-}" = 1 ]; then
    check "python3 is installed (LAB_REQUIRE_ALL=1)" false
else
    diag "python3 is missing: the article's CoffeeShop is not run"
fi
done_testing
