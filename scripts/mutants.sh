#!/bin/sh
# make mutants: is the test suite good enough to notice a wrong line? Each mutant in
# tests/mutants/*.txt is one small mistake (a wrong order, a missing wake-up, a leaked fd,
# a figure in the wrong unit...). For each, in turn: make the mistake, rebuild, run the
# tests the mutant names; if they all still pass, run the whole suite. A mutant that some
# test fails on is "killed"; one the whole suite passes "SURVIVED": a test is missing.
#
# Usage: scripts/mutants.sh [FILTER]   run the mutants whose name contains FILTER (all)
#        scripts/mutants.sh --check    only check that every mutant still applies
#
# The work tree is never touched: the mutants are made in a copy of it (tracked files,
# and untracked ones git does not ignore, as they are now) in a temporary directory,
# removed at the end, also when interrupted. It takes minutes, and wants a quiet machine
# (a busy one makes timing tests fail and kill mutants they should not): it is not part
# of `make test`, which runs only the --check.
#
# A mutant is a block of lines in a list:
#   ## name: what the mistake breaks
#   file: common/loop.c
#   from: the text to change, found exactly once in the file (it may span lines)
#   to: what replaces it
#   test: the tests that should notice, as prove's arguments
set -eu
mode=run filter=
case ${1:-} in
--check) mode=check ;;
*) filter=${1:-} ;;
esac
jobs=$(nproc 2>/dev/null || echo 2)

# field NAME BLOCK: a field's text, with the lines that follow it up to the next field.
field() {
    printf '%s\n' "$2" | awk -v want="$1" '
        /^(file|from|to|test): / {
            on = ($0 ~ "^" want ": ")
            if (on) { sub(/^[a-z]+: /, ""); out = $0 }
            next
        }
        /^## / { on = 0; next }
        on { out = out "\n" $0 }
        END { printf "%s", out }'
}

# blocks: every mutant of every list, one a line, its own lines joined by \036.
blocks() {
    for list in tests/mutants/*.txt; do
        awk 'BEGIN { RS = "" } /^## / { gsub(/\n/, "\036"); print }' "$list"
    done
}

# occurrences FILE TEXT: how many times TEXT stands in FILE.
occurrences() {
    [ -f "$1" ] || { echo 0; return; }
    FROM=$2 perl -0777 -ne '$n += () = /\Q$ENV{FROM}\E/g; END { print $n + 0 }' "$1"
}

if [ "$mode" = run ]; then
    copy=$(mktemp -d "${TMPDIR:-/tmp}/lab-mutants.XXXXXX")
    trap 'rm -rf "$copy"' EXIT
    trap 'exit 130' INT TERM
    git ls-files -co --exclude-standard -z | xargs -0 tar -cf - | tar -xf - -C "$copy"
    cd "$copy"
    log=$copy/.mutant.log
    echo "building a copy of the tree in $copy"
    make -j"$jobs" all exercises >"$log" 2>&1 ||
        { cat "$log"; echo "the tree does not build as it is" >&2; exit 1; }
fi

# build [TESTS...]: what those tests need (only the unit tests named, when all of them
# are unit tests), or everything.
build() {
    targets="all exercises"
    case " $* " in
    "  " | *" tests/"*) ;;
    *) targets=$* ;;
    esac
    # shellcheck disable=SC2086 # the targets are words
    make -j"$jobs" $targets >"$log" 2>&1
}

# suite TESTS...: true when prove passes them all; else the failing tests are in
# $failed_in (from prove's summary).
# A mutant may make a test hang (a wake-up lost, a connection never closed): past
# $MUTANT_TIMEOUT seconds (900) the run is stopped, and the hang counts as a failure.
suite() {
    rc=0
    LAB_BUILD=build timeout -k 10 "${MUTANT_TIMEOUT:-900}" prove "$@" >"$log" 2>&1 || rc=$?
    [ "$rc" = 0 ] && return 0
    failed_in=$(sed -n '/^Test Summary Report/,$p' "$log" | awk '/\(Wstat/ { print $1 }' |
        tr '\n' ' ')
    failed_in=${failed_in% }
    [ "$rc" != 124 ] && [ "$rc" != 137 ] || failed_in="a hang (stopped after ${MUTANT_TIMEOUT:-900} s)"
    return 1
}

total=0 killed=0 bad=
blocks >"${TMPDIR:-/tmp}/lab-mutant-blocks.$$"
while IFS= read -r block; do
    lines=$(printf '%s' "$block" | tr '\036' '\n')
    name=$(printf '%s\n' "$lines" | sed -n '1s/^## \([^:]*\):.*/\1/p')
    case $name in *"$filter"*) ;; *) continue ;; esac
    file=$(field file "$lines")
    from=$(field from "$lines")
    to=$(field to "$lines")
    tests=$(field test "$lines")
    total=$((total + 1))
    count=$(occurrences "$file" "$from")
    if [ "$count" != 1 ] || [ -z "$tests" ]; then
        echo "STALE     $name  (its text stands $count times in $file, or it names no test)"
        bad="$bad $name"
        continue
    fi
    [ "$mode" = run ] || continue

    cp "$file" .pristine
    FROM=$from TO=$to perl -0777 -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$file"
    # shellcheck disable=SC2086 # the test list is words
    if ! build $tests; then
        verdict="BROKEN    $name  (the mutant does not compile: mend the mutant)"
        bad="$bad $name"
    elif ! suite $tests; then
        verdict="killed    $name  by $failed_in"
        killed=$((killed + 1))
    elif ! build || ! suite build/tests/unit tests; then
        verdict="killed    $name  by $failed_in (not by its own tests: $tests)"
        killed=$((killed + 1))
    else
        verdict="SURVIVED  $name  in $file"
        bad="$bad $name"
    fi
    cp .pristine "$file"
    echo "$verdict"
done <"${TMPDIR:-/tmp}/lab-mutant-blocks.$$"
rm -f "${TMPDIR:-/tmp}/lab-mutant-blocks.$$"

if [ "$mode" = check ]; then
    echo "mutants: $total listed, $(echo "$bad" | wc -w) stale"
else
    echo
    echo "mutants: $killed of $total killed"
fi
[ -z "$bad" ] || { echo "to mend:$bad"; exit 1; }
