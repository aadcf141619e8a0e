#!/bin/sh
# Check the chapter 07 exercise: does retry_policy.c keep the four rules of harness.h?
# Usage: check.sh DIR   (DIR holds the built exercise, e.g. build/07-crawler/exercises)
# Exits 0 only when every rule holds; otherwise says which rule is still wrong, and how.
# LAB_CHECK_TIMEOUT=S bounds the run (60 s by default): a policy that never returns is
# reported as a hang.
dir=${1:?usage: check.sh DIR-OF-BUILT-EXERCISE}
limit=${LAB_CHECK_TIMEOUT:-60}
program=$dir/retry_policy
if [ ! -x "$program" ]; then
    echo "no $program: make exercise-7 builds it (it must compile without warnings)"
    exit 1
fi

results=$(mktemp "${TMPDIR:-/tmp}/lab-exercise.XXXXXX")
trap 'rm -f "$results"' EXIT
output=$(LAB_RESULTS=$results timeout -k 5 "$limit" "$program" 2>&1 </dev/null)
status=$?
recorded() { awk -F'\t' -v n="$1" '$1 == n { v = $2 } END { print v }' "$results"; }
printf '%s\n\n' "$output"

case $status in
    124 | 137) echo "still wrong: it hangs: the checks did not end within $limit s (a loop that never ends? with base 0, a wait that doubles stays 0)"; exit 1 ;;
    0 | 1) ;;
    *)
        if [ "$status" -gt 128 ]; then
            echo "still wrong: it was killed by SIG$(kill -l $((status - 128))) (read its last lines above)"
        else
            echo "still wrong: it stopped with exit status $status"
        fi
        exit 1
        ;;
esac
wrong=0
hint() { # RULE MESSAGE: say it when that rule's verdict is missing or not 0
    v=$(recorded "exercise.rule$1_wrong")
    if [ -z "$v" ]; then
        echo "still wrong: the checks stopped before TODO $1 (read the last lines above)"
        wrong=$((wrong + 1))
    elif [ "$v" != 0 ]; then
        echo "still wrong: TODO $1: $2"
        wrong=$((wrong + 1))
    fi
}
hint 1 "retry a timeout, a refused or cut connection, and 408, 429, 500, 502, 503, 504 — nothing else (a 404 fetched again is the same 404)"
hint 2 "attempt 1 is the first request: allow p->retries more, so attempt p->retries + 1 is the last"
hint 3 "wait uniform in [0, min(cap, base * 2^(attempt-1))): jittered, capped, doubling from base"
hint 4 "a Retry-After wins (wait exactly that, never earlier), up to max_retry_after"
if [ "$status" != 0 ] && [ "$wrong" = 0 ]; then
    echo "still wrong: the harness found a wrong case (read the FAIL lines above)"
    wrong=1
fi
[ "$wrong" = 0 ] && echo "all four rules hold: the crawler's policy (policy.c) is yours"
[ "$wrong" = 0 ]
