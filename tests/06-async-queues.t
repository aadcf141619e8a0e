#!/bin/sh
# Chapter 06, the coroutine queues: the article's pipeline (the producer waits on a full
# Queue(maxsize=5), the consumer ends on the sentinel, so the closing cancel finds it
# gone), and the same with shutdown: every item consumed exactly once, by identity;
# shutdown(immediate) drops what is queued and join waits for the items in hand.
# On the runtime's virtual clock: the times below are exact, whatever the machine's load.
. "${0%/*}/lib.sh"
ch=06-producer-consumer
export LAB_VIRTUAL_CLOCK=1

run $ch/producer_consumer
is "$rc" 0 "producer_consumer: exit 0"
is "$(result pc.consumed)" 10 "all ten items consumed"
is "$(result pc.waited_puts)" 2 "seed 122: the producer found the queue full twice"
like "$out" '生产: [0-9]+  \(the queue held 5/5\)' "...and says so: the queue held 5/5"
like "$out" 'the queue was full: put waited 0\.[0-9][0-9] s for room' "...with how long put waited"
produced=$(printf '%s\n' "$out" | sed -n 's/.*生产: \([0-9]*\) .*/\1/p' | tr '\n' ' ')
consumed=$(printf '%s\n' "$out" | sed -n 's/.*消费: \([0-9]*\)$/\1/p' | tr '\n' ' ')
is "$consumed" "$produced" "consumed in the order produced"
is "$(result pc.cancel_found_consumer_done)" 1 "consumer_task.cancel() found the consumer already ended (the sentinel did it)"
run $ch/producer_consumer --seed 1
is "$(result pc.waited_puts)" 0 "seed 1: the queue never filled (the article's ten items rarely fill it)"

run $ch/queue_shutdown --quick
is "$rc" 0 "queue_shutdown: exit 0"
is "$(result shutdown.exactly_once)" "$(result shutdown.items)" "every item, by identity, consumed exactly once"
is "$(printf '%s\n' "$out" | grep -c 'get said -ESHUTDOWN: the queue is shut down and empty')" 6 \
    "each of the 4 + 2 consumers ended on its own, on -ESHUTDOWN"
like "$out" 'a put after shutdown: -ESHUTDOWN' "a put after shutdown is refused"
is "$(result shutdown.immediate.dropped)" 6 "shutdown(immediate) dropped the 6 queued items"
like "$out" 'dropped: item 2 item 3 item 4 item 5 item 6 item 7$' "...and names them"
is "$(result shutdown.immediate.join_after)" 0.04 \
    "join returned when the 2 items in hand were done (60 ms of work, 20 ms in): 0.04 s after the shutdown"
run $ch/queue_shutdown --items 300 --work-ms 0
is "$(result shutdown.exactly_once)" 900 "900 items, no work between gets: each exactly once"

# The article's own code (python3): its consumer_task.cancel() finds the consumer done.
if command -v python3 >/dev/null 2>&1; then
    out=$(timeout 60 python3 $ch/errata/producer_consumer.py 2>&1 </dev/null)
    is "$?" 0 "the article's producer and consumer run to their end"
    is "$(printf '%s\n' "$out" | grep -c '^消费: ')" 10 "...consuming the ten items"
    like "$out" 'consumer_task.done\(\) = True, cancelled\(\) = False' \
        "the consumer ended on the sentinel: main's cancel() cancelled nothing"
elif [ "${LAB_REQUIRE_ALL:-}" = 1 ]; then
    check "python3 is installed (LAB_REQUIRE_ALL=1)" false
else
    diag "python3 is missing: the article's producer and consumer are not run"
fi
done_testing
