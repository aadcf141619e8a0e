#!/bin/sh
# Check the chapter 08 exercise: does transfer() keep the article's contract?
# Usage: check.sh DIR   (DIR holds the built exercise, e.g. build/08-bank-locks/exercises)
# Exits 0 only when every clause holds; otherwise says what is still wrong.
# LAB_CHECK_TIMEOUT=S bounds the run (120 s by default).
dir=${1:?usage: check.sh DIR-OF-BUILT-EXERCISE}
limit=${LAB_CHECK_TIMEOUT:-120}
program=$dir/transfer
if [ ! -x "$program" ]; then
    echo "no $program: make exercise-8 builds it (it must compile without warnings)"
    exit 1
fi

results=$(mktemp "${TMPDIR:-/tmp}/lab-exercise.XXXXXX")
trap 'rm -f "$results"' EXIT
output=$(LAB_RESULTS=$results timeout -k 5 "$limit" "$program" 2>&1 </dev/null)
status=$?
recorded() { awk -F'\t' -v n="$1" '$1 == n { v = $2 } END { print v }' "$results"; }

printf '%s\n\n' "$output"
wrong=0
say_wrong() {
    echo "still wrong: $*"
    wrong=$((wrong + 1))
}

# The program records each verdict as soon as it has it (contract.c): a verdict that is
# missing was never reached, and says nothing about the clause.
case $status in
    124 | 137) ended="was stopped after $limit s (is a lock waited for without a timeout?)" ;;
    0) ended="ended" ;;
    *)
        if [ "$status" -gt 128 ]; then
            ended="was killed by SIG$(kill -l $((status - 128)))"
        else
            ended="stopped with exit status $status"
        fi
        ;;
esac
refusals=$(recorded contract.refusals_wrong)
move=$(recorded contract.move_wrong)
stress=$(recorded contract.stress_wrong)
if [ -z "$refusals" ]; then
    say_wrong "the program $ended before it checked the refusals: read its last lines above"
elif [ "$refusals" != 0 ]; then
    say_wrong "TODO 1: refuse the same account on both sides (BANK_ESELF) and an amount of zero or less (BANK_EAMOUNT) before taking any lock"
fi
if [ -n "$refusals" ] && [ -z "$move" ]; then
    say_wrong "the program $ended before it checked a simple transfer: read its last lines above"
elif [ -n "$move" ] && [ "$move" != 0 ]; then
    say_wrong "a simple transfer of 30 did not move exactly 30"
fi
# The locks, in forced interleavings (interleave.h): each mistake shows on every run.
locks=$(recorded contract.locks_wrong)
left=$(recorded contract.locks_left_held)
for side in from to; do
    case $(recorded contract.held_$side) in
        1) say_wrong "transfer() did not wait while another thread held the lock of the $side account: take both accounts' own locks (account_lock). With no locks, or a mutex of your own, a deposit, a withdrawal or an audit that holds an account's lock still sees its balance change under it" ;;
        2) say_wrong "transfer() waited for the lock of the $side account with money already moved: an audit would see it half-moved. Hold both locks from before the money leaves one account until it is in the other" ;;
        3) say_wrong "transfer() neither waited for the lock of the $side account nor returned within 10 s while another thread held it: is it spinning?" ;;
    esac
done
opposite=$(recorded contract.opposite_timeouts)
if [ -n "$opposite" ] && [ "$opposite" != 0 ]; then
    say_wrong "TODO 2: two transfers in opposite directions (a -> b, b -> a), each holding its first lock, waited for each other until the lock timeout, three times out of three: a deadlock. Take the two locks in one order every transfer agrees on: the lower id first"
fi
succeeded=$(recorded contract.same_source_succeeded)
lowest=$(recorded contract.same_source_lowest)
if [ "$succeeded" = 2 ] || [ "${lowest#-}" != "$lowest" ]; then
    say_wrong "two transfers of ¥60 from an account of ¥100 both took the money (it ended at ¥$lowest): both checked the balance before either held the locks (check-then-act). Check the balance while holding the locks (account_move does)"
elif [ "$succeeded" = 0 ]; then
    say_wrong "of two transfers of ¥60 from an account of ¥100, neither went through: one of them must"
fi
if [ -n "$left" ] && [ "$left" != 0 ]; then
    say_wrong "transfer() returned with $left lock(s) still held: an unlock is missing on some path (an early return after an error?)"
fi
if [ -n "$move" ] && [ -z "$left" ] && [ -z "$opposite$succeeded" ] && [ -z "$(recorded contract.held_to)" ]; then
    say_wrong "the program $ended while the locks were checked: read its last lines above"
elif [ -n "$locks" ] && [ -z "$stress" ]; then
    say_wrong "the program $ended during the stress test: read its last lines above"
fi
timeouts=$(recorded contract.stress.timeouts)
if [ -n "$timeouts" ] && [ "$timeouts" != 0 ]; then
    say_wrong "TODO 2: $timeouts transfer(s) waited for a lock until the timeout: two transfers each held the account the other wanted (a deadlock). Take the two locks in one order every transfer agrees on, e.g. the lower id first"
fi
lost=$(recorded contract.stress.lost)
if [ -n "$lost" ] && [ "$lost" != 0 ]; then
    if [ "${lost#-}" = "$lost" ]; then what="¥$lost vanished"; else what="¥${lost#-} appeared from nowhere"; fi
    say_wrong "$what under the stress test: hold both accounts' locks while the money moves"
fi
audits=$(recorded contract.stress.audits_wrong)
if [ -n "$audits" ] && [ "$audits" != 0 ]; then
    say_wrong "$audits audit(s) during the stress test saw the wrong total: money was visible half-moved. Hold both locks from before the money leaves one account until it is in the other"
fi
lowest=$(recorded contract.stress.lowest_balance)
if [ -n "$lowest" ] && [ "${lowest#-}" != "$lowest" ]; then
    say_wrong "an account went below zero (¥$lowest): check the balance while holding the locks (account_move does)"
fi
others=$(recorded contract.stress.other_errors)
if [ -n "$others" ] && [ "$others" != 0 ]; then
    say_wrong "$others transfer(s) between two valid accounts returned an unexpected error"
fi

if [ "$wrong" -eq 0 ] && [ "$status" -eq 0 ]; then
    echo "All right: transfer() refuses what it must, moves exactly, and survives the stress test without deadlock or lost money."
    exit 0
fi
[ "$wrong" -eq 0 ] && echo "still wrong: the program exited with status $status"
exit 1
