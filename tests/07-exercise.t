#!/bin/sh
# Chapter 07's exercise, the retry policy: the checker fails the starter, passes the
# reference and a correct variant written another way, and rejects each plausible wrong
# solution kept in tests/07-retry-policy/ with a message naming its mistake (a hang as a
# hang). The harness draws from fixed seeds: the verdicts are the same on every run.
. "${0%/*}/lib.sh"
. "${0%/*}/07-lib.sh"
ex=$dir/exercises
exercise_checker_works $dir 'TODO 1'

# build NAME: compile tests/07-retry-policy/NAME.c with the harness, as make would.
build() {
    mkdir -p "$tap_tmp/$1"
    # shellcheck disable=SC2046 # the stamp is a command line, to be split into words
    $(cat "$LAB_BUILD/.flags") -I$dir -I$ex -o "$tap_tmp/$1/retry_policy" \
        "${0%/*}/07-retry-policy/$1.c" $ex/harness.c "$LAB_BUILD/libcommon.a" -lpthread -lm \
        2>"$tap_tmp/cc.err"
    check "tests/07-retry-policy/$1.c builds" [ -x "$tap_tmp/$1/retry_policy" ] ||
        sed 's/^/#   /' "$tap_tmp/cc.err"
}

build variant
out=$($ex/check.sh "$tap_tmp/variant" 2>&1)
is "$?" 0 "a correct variant (a switch, ldexp, jitter as a fraction) passes"

# rejected NAME REGEX DESCRIPTION: the checker fails NAME, saying REGEX.
rejected() {
    build "$1"
    out=$(LAB_CHECK_TIMEOUT=${timeout:-60} $ex/check.sh "$tap_tmp/$1" 2>&1)
    is "$?" 1 "$3: rejected"
    like "$out" "$2" "...naming the mistake"
}
rejected wrong_retries_404 'still wrong: TODO 1: .*a 404 fetched again is the same 404' \
    "a 404 retried (A0 §6's AsyncCrawler)"
like "$out" 'attempt 1 ended with 404: should_retry says retry' "...and the case that shows it"
rejected wrong_no_timeouts 'still wrong: TODO 1' "a timeout not retried"
like "$out" 'attempt 1 ended with a timeout: should_retry says stop' "...and the case that shows it"
rejected wrong_one_retry_short 'still wrong: TODO 2: attempt 1 is the first request' "one retry too few"
unlike "$out" 'still wrong: TODO [134]' "...and no other rule"
rejected wrong_no_jitter 'still wrong: TODO 3' "no jitter"
like "$out" 'no jitter: the same wait every time' "...saying so"
rejected wrong_ceiling_included 'still wrong: TODO 3' "jitter that reaches the ceiling itself"
like "$out" 'want spread over \[0, [0-9.]+\) \(base \* 2\^\(n-1\), capped\)' "...saying the ceiling is left out"
rejected wrong_min_wait 'still wrong: TODO 3' "a floor under the back-off"
like "$out" 'with base 0 \(no back-off\), the wait after attempt 3 is 0.01 s, want 0' "...and the case that shows it"
rejected wrong_no_cap 'still wrong: TODO 3' "no cap on the back-off"
like "$out" 'never above cap' "...saying so"
rejected wrong_ignores_retry_after 'still wrong: TODO 4: a Retry-After wins' \
    "Retry-After ignored (A3's RobustAsyncClient)"
rejected wrong_retry_after_uncapped 'still wrong: TODO 4' "Retry-After not capped"
like "$out" 'Retry-After: 3600, max_retry_after 60: waits 3600.0000 s, want 60' "...and the case that shows it"
timeout=5 rejected wrong_hangs 'still wrong: it hangs' "a back-off loop that never ends"
done_testing
