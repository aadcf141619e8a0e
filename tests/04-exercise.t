#!/bin/sh
# Chapter 04's exercise: the checker fails the starter and passes the reference; it passes
# a correct solution written another way (exercises/variants/), and rejects each plausible
# wrong one (exercises/mistakes/), every time, with the message its header names
# ("expect: REGEX"). Each is built here with this build's own compiler and flags.
. "${0%/*}/lib.sh"
ch=04-tasks-gather
exercise_checker_works $ch 'FAIL - 2 jobs do run at once'

# build NAME SOURCE: a bounded_gather binary in $tap_tmp/NAME/, linked with the harness.
build() {
    mkdir -p "$tap_tmp/$1"
    # shellcheck disable=SC2046 # the stamp is a command line, to be split into words
    $(cat "$LAB_BUILD/.flags") -I$ch/exercises -o "$tap_tmp/$1/bounded_gather" "$2" \
        $ch/exercises/harness.c "$LAB_BUILD/libcommon.a" -lpthread -lm 2>"$tap_tmp/cc.err"
    check "$2 builds" [ -x "$tap_tmp/$1/bounded_gather" ] || sed 's/^/#   /' "$tap_tmp/cc.err"
}

for src in $ch/exercises/variants/*.c; do
    name=${src##*/}
    build "variant-${name%.c}" "$src"
    out=$($ch/exercises/check.sh "$tap_tmp/variant-${name%.c}" 2>&1)
    check "the checker passes a correct variant, $name" [ $? -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
done

count=0
for src in $ch/exercises/mistakes/*.c; do
    name=${src##*/}
    expect=$(sed -n 's/^ \* expect: //p' "$src")
    check "$name names the message it must get" [ -n "$expect" ] || continue
    build "mistake-${name%.c}" "$src"
    out=$($ch/exercises/check.sh "$tap_tmp/mistake-${name%.c}" 2>&1)
    check "the checker rejects $name" [ $? -ne 0 ]
    like "$out" "$expect" "...saying: $expect"
    unlike "$out" '^All right' "...and never says All right"
    count=$((count + 1))
done
check "at least six wrong solutions are kept and rejected ($count)" [ "$count" -ge 6 ]
done_testing
