#!/bin/sh
# Chapter 01's exercise: the checker fails the starter (its GIL never changes hands on
# the interval) and passes the reference solution; with one rule missing, it names that
# rule and no other.
. "${0%/*}/lib.sh"
exercise_checker_works 01-gil-and-threads 'TODO 1'
# Seven wrong GILs, each one mistake (rule 3 as a 1 ms sleep, rule 3 on every drop, a
# request at once, ...), rejected on every run however busy the machine: the harness
# slows every wake-up of a waiter, so a GIL that needs a fast waiter fails every time.
# And a correct GIL written another way passes.
exercise_variants 01-gil-and-threads gil_turns

# Stand-ins for the reference with one rule taken out, recording the figures such a
# program records on two cores. Without rule 3 the GIL also changes hands too seldom,
# the sign of a missing rule 2: the checker must still blame rule 3.
fake=$tap_tmp/fake
mkdir -p "$fake"
rule_missing() { # RULE HANDOVERS DROP-REQUESTS GRABBED-BACK FIRST-DONE
    cat >"$fake/gil_turns" <<END
#!/bin/sh
printf 'exercise.%s\t%s\tx\n' handovers $2 expected_handovers 120 drop_requests $3 \
    grabbed_back $4 first_done $5 correct 2 >>"\$LAB_RESULTS"
END
    chmod +x "$fake/gil_turns"
    out=$(01-gil-and-threads/exercises/check.sh "$fake" 2>&1)
    is "$?" 1 "without rule $1 ($2 hand-overs, $3 drop requests, $4 grabbed back) the checker fails"
    like "$out" "TODO $1" "...and names TODO $1"
    unlike "$out" "TODO [^$1]" "...and no other TODO"
}
rule_missing 1 1 0 0 0.5
rule_missing 2 1 55 0 0.5
rule_missing 3 6 85 76 0.78
rule_missing 3 3 45 40 0.6
# Every rule there, yet the GIL changes hands far more than once per interval (a waiter
# that asks without waiting a whole interval, though never before its first one ended).
rule_missing_none() { # HANDOVERS
    cat >"$fake/gil_turns" <<END
#!/bin/sh
printf 'exercise.%s\t%s\tx\n' handovers $1 expected_handovers 120 drop_requests $1 \
    grabbed_back 0 first_done 0.95 correct 2 >>"\$LAB_RESULTS"
END
    chmod +x "$fake/gil_turns"
    out=$(01-gil-and-threads/exercises/check.sh "$fake" 2>&1)
}
rule_missing_none 1000
is "$?" 1 "1000 hand-overs where about 120 intervals went by: the checker fails"
like "$out" "far more than once per interval" "...and says so"
rule_missing_none 200
is "$?" 0 "200 hand-overs where about 120 intervals went by: within what a busy machine gives"
done_testing
