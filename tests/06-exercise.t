#!/bin/sh
# Chapter 06's exercise, the bounded blocking queue: the checker fails the starter, passes
# the reference and a right answer written differently (one condition, broadcast), and
# rejects each plausible wrong answer kept in exercises/mistakes/, naming its mistake.
# Every verdict comes from what the threads did (waiting, woken, returned), never from
# how fast: a busy machine cannot flip one. ThreadSanitizer sees the unlocked count.
. "${0%/*}/lib.sh"
ch=06-producer-consumer
ex=$ch/exercises
exercise_checker_works $ch 'TODO 1: the get on an empty queue returned .* at once instead of waiting'

# build NAME SOURCE: the exercise around SOURCE, with this build's compiler and flags.
build() {
    mkdir -p "$tap_tmp/$1"
    # shellcheck disable=SC2046 # the stamp is a command line, to be split into words
    $(cat "$LAB_BUILD/.flags") -I$ex -o "$tap_tmp/$1/blocking_queue" "$2" $ex/harness.c \
        $ex/watch.c $ex/stress.c 2>"$tap_tmp/cc.err"
    check "$1 builds" [ -x "$tap_tmp/$1/blocking_queue" ] || sed 's/^/#   /' "$tap_tmp/cc.err"
}

build one_condition $ex/variants/one_condition.c
out=$($ex/check.sh "$tap_tmp/one_condition" $ex/variants/one_condition.c 2>&1)
is "$?" 0 "the checker passes a right answer written differently (one condition, broadcast)" ||
    printf '%s\n' "$out" | sed 's/^/#   /'

# The wrong answers, each checked in the background: most of a wrong answer's check is
# waiting for a wake-up that never comes, so they wait side by side.
mistakes="if_not_while if_in_get signal_on_shutdown no_signal_after_get count_outside_lock
    shutdown_drops_items put_ignores_shutdown no_unlock_on_shutdown shutdown_flag_outside_lock"
for m in $mistakes; do
    build "$m" "$ex/mistakes/$m.c"
    { $ex/check.sh "$tap_tmp/$m" >"$tap_tmp/$m.out" 2>&1; echo $? >"$tap_tmp/$m.rc"; } &
done
wait
# mistake NAME REGEX: the checker rejected mistakes/NAME.c with a message matching REGEX.
mistake() {
    is "$(cat "$tap_tmp/$1.rc")" 1 "the checker rejects mistakes/$1.c"
    like "$(cat "$tap_tmp/$1.out")" "$2" "...naming the mistake"
}
mistake if_not_while 'wait in a `while` loop that checks again, not under an `if`'
mistake if_in_get 'the get on an empty queue returned .* after a wake-up that changed nothing'
mistake signal_on_shutdown 'still sleep: one pthread_cond_signal wakes one waiter; shutdown must wake them all'
mistake no_signal_after_get 'waited on after a get made room: bq_get must signal the condition bq_put waits on'
mistake count_outside_lock 'bq_get found the queue changed while its lock was free \(count [0-9]+ -> [0-9]+'
mistake shutdown_drops_items 'get returned -ESHUTDOWN with 3 item\(s\) still queued: shutdown must not drop them'
mistake put_ignores_shutdown 'woke after bq_shutdown but went back to waiting'
mistake no_unlock_on_shutdown 'bq_get returned -108 still holding q->lock'
mistake shutdown_flag_outside_lock 'changed while its lock was free \(.*shut_down 0 -> 1\)'

# ThreadSanitizer, in the checker's second pass, on the count changed outside the lock.
if [ "$LAB_SANITIZER" = tsan ]; then
    out=$(LAB_SANITIZER= $ex/check.sh "$tap_tmp/count_outside_lock" 2>&1)
elif echo 'int main(void){return 0;}' | ${CC:-cc} -fsanitize=thread -x c - -o "$tap_tmp/probe" 2>/dev/null; then
    out=$($ex/check.sh "$tap_tmp/count_outside_lock" $ex/mistakes/count_outside_lock.c 2>&1)
else
    out=
fi
if [ -n "$out" ]; then
    like "$out" 'ThreadSanitizer saw two threads touch a field of the queue with no lock' \
        "ThreadSanitizer catches the count changed outside the lock"
    like "$out" '#[0-9]+ bq_get .*count_outside_lock\.c:[0-9]+' \
        "...and its report points at the line in bq_get"
else
    diag "no ThreadSanitizer here: its pass is not checked"
fi
done_testing
