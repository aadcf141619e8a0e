#!/bin/sh
# Chapter 06, queue_speed: through every kind of queue every item arrives, in order, and
# each rate is recorded (how fast is for make bench, never for a test).
. "${0%/*}/lib.sh"
ch=06-producer-consumer

run $ch/queue_speed --quick
is "$rc" 0 "queue_speed: exit 0"
like "$out" 'every item arrived, in order: yes' "every item arrived in order, through every queue"
for key in async threads shm pipe.batch1 pipe.batch512; do
    check "queue.items_per_s.$key recorded, above zero" num_cmp "$(result queue.items_per_s.$key)" ">" 0
done
done_testing
