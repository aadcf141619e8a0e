# tests/lib.sh — TAP for the lab's shell tests. Source it first:
#
#     . "${0%/*}/lib.sh"
#     run 01-gil-and-threads/gil_sim --quick
#     check "exits 0" [ "$rc" -eq 0 ]
#     like "$out" 'speedup' "prints the speedup"
#     done_testing
#
# Programs are taken from $LAB_BUILD (build/ by default; build-asan/ and build-tsan/
# under `make sanitize`, which also sets LAB_SANITIZER to asan or tsan).

LAB_BUILD=${LAB_BUILD:-build}
LAB_SANITIZER=${LAB_SANITIZER:-}
export LAB_QUICK=1
tap_count=0
tap_failed=0
tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab-test.XXXXXX")
trap 'rm -rf "$tap_tmp"' EXIT

# check DESCRIPTION COMMAND...: pass if COMMAND succeeds.
check() {
    tap_desc=$1
    shift
    tap_count=$((tap_count + 1))
    if "$@"; then
        echo "ok $tap_count - $tap_desc"
    else
        echo "not ok $tap_count - $tap_desc"
        tap_failed=$((tap_failed + 1))
        return 1
    fi
}

# is GOT WANT DESCRIPTION
is() {
    check "$3" [ "$1" = "$2" ] || echo "# got '$1', expected '$2'"
}

# like TEXT EXTENDED-REGEX DESCRIPTION: some line of TEXT matches.
like() {
    check "$3" grep -Eq -- "$2" <<EOT || { echo "# no line matches /$2/ in:"; printf '%s\n' "$1" | sed 's/^/#   /' | head -40; }
$1
EOT
}

# unlike TEXT EXTENDED-REGEX DESCRIPTION: no line of TEXT matches.
unlike() {
    check "$3" sh -c '! grep -Eq -- "$1"' _ "$2" <<EOT || { echo "# a line matches /$2/:"; printf '%s\n' "$1" | grep -E -- "$2" | sed 's/^/#   /' | head -10; }
$1
EOT
}

diag() { printf '# %s\n' "$*"; }

skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

# require_optional AVAILABLE-COMMAND WHAT: skip the test when WHAT is missing,
# fail instead when LAB_REQUIRE_ALL=1.
require_optional() {
    if ! sh -c "$1" >/dev/null 2>&1; then
        if [ "${LAB_REQUIRE_ALL:-}" = 1 ]; then
            echo "Bail out! $2 is missing and LAB_REQUIRE_ALL=1"
            exit 1
        fi
        skip_all "$2 is missing"
    fi
}

# require_libs CHAPTER-DIR: skip the test when a library the chapter's LIBS file names
# is missing (the Makefile then leaves the chapter out), saying which package to install;
# fail instead when LAB_REQUIRE_ALL=1.
require_libs() {
    rl_missing=
    rl_modules=
    while read -r rl_module rl_package; do
        case $rl_module in '#'* | '') continue ;; esac
        rl_modules="$rl_modules $rl_module"
        pkg-config --exists "$rl_module" 2>/dev/null || rl_missing="$rl_missing $rl_package"
    done <"$1/LIBS"
    [ -z "$rl_missing" ] && return 0
    require_optional false "$1's libraries ($rl_modules; apt-get install pkg-config$rl_missing)"
}

# run PROGRAM [ARGS...]: run $LAB_BUILD/PROGRAM (bounded by $RUN_TIMEOUT seconds,
# 120 by default); sets $out (stdout and stderr), $rc (exit status) and $results
# (the file where the program recorded its figures, see common/results.h).
run() {
    run_prog=$LAB_BUILD/$1
    shift
    results=$tap_tmp/results
    : >"$results"
    out=$(LAB_RESULTS=$results timeout -k 5 "${RUN_TIMEOUT:-120}" "$run_prog" "$@" 2>&1 </dev/null)
    rc=$?
}

# result NAME: the value the last run recorded under NAME (empty if none).
result() {
    awk -F'\t' -v name="$1" '$1 == name { v = $2 } END { print v }' "$results"
}

# num_cmp A OP B: compare numbers (OP is <, <=, >, >=, ==) with awk's arithmetic.
num_cmp() {
    awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
        if (a == "" || b == "") exit 1
        r = (op == "<") ? a < b : (op == "<=") ? a <= b : (op == ">") ? a > b : (op == ">=") ? a >= b : a == b
        exit !r }'
}

done_testing() {
    echo "1..$tap_count"
    [ "$tap_failed" -eq 0 ]
}

# chapter_programs DIR: the programs DIR/PROGRAMS lists, in reading order.
chapter_programs() {
    grep -v -e '^#' -e '^[[:space:]]*$' "$1/PROGRAMS" | awk '{print $1}'
}

# exercise_variants DIR PROGRAM: the checker accepts each correct variant kept in
# DIR/exercises/right/ and rejects each wrong solution kept in DIR/exercises/wrong/, with
# the message the wrong one's header names on its line "The checker must say: ERE".
# Each is built as PROGRAM (the name the checker runs) into a directory of its own.
exercise_variants() {
    for variant in "$1"/exercises/right/*.c "$1"/exercises/wrong/*.c; do
        [ -e "$variant" ] || continue
        kind=${variant%/*}
        kind=${kind##*/}
        name=${variant##*/}
        name=${name%.c}
        mkdir -p "$tap_tmp/variant/$kind-$name"
        ln -sf "$PWD/$LAB_BUILD/$1/exercises/$kind/$name" "$tap_tmp/variant/$kind-$name/$2"
        "$1/exercises/check.sh" "$tap_tmp/variant/$kind-$name" >"$tap_tmp/checker.out" 2>&1
        status=$?
        if [ "$kind" = right ]; then
            check "$1: the checker passes right/$name.c, a correct variant" [ $status -eq 0 ] ||
                sed 's/^/#   /' "$tap_tmp/checker.out"
            continue
        fi
        want=$(sed -n 's/^ \* The checker must say: //p' "$variant")
        check "$1: the checker rejects wrong/$name.c" [ $status -ne 0 ] ||
            sed 's/^/#   /' "$tap_tmp/checker.out"
        like "$(cat "$tap_tmp/checker.out")" "${want:?$variant names no message}" \
            "...saying what is wrong (/$want/)"
    done
}

# exercise_checker_works DIR VERDICT: the chapter's checker passes the reference
# solution and fails the starter, saying what is still wrong: its output must match the
# extended regex VERDICT (e.g. 'TODO 1'). The starter is checked only while it is as
# shipped: a reader at work on it changes it, and then only the solution is checked.
exercise_checker_works() {
    : "${2:?exercise_checker_works needs the verdict the starter must get}"
    checker=$1/exercises/check.sh
    "$checker" "$LAB_BUILD/$1/exercises/solutions" >"$tap_tmp/checker.out" 2>&1
    check "$1: the checker passes the reference solution" [ $? -eq 0 ] ||
        sed 's/^/#   /' "$tap_tmp/checker.out"
    # Exit status of git diff: 0 unchanged, 1 changed, anything else: git cannot tell.
    if git ls-files --error-unmatch -- "$checker" >/dev/null 2>&1; then
        git diff --quiet HEAD -- "$1/exercises" >/dev/null 2>&1
        shipped=$?
    else
        shipped=untracked
    fi
    if [ "$shipped" = untracked ]; then
        diag "$1/exercises is not tracked by git (not a git checkout?): cannot tell whether it is as shipped, so the starter is not checked"
    elif [ "$shipped" = 1 ]; then
        diag "$1/exercises is modified (git diff): the starter is not checked"
    elif [ "$shipped" != 0 ]; then
        diag "git diff failed (status $shipped): cannot tell whether $1/exercises is as shipped, so the starter is not checked"
    else
        "$checker" "$LAB_BUILD/$1/exercises" >"$tap_tmp/checker.out" 2>&1
        check "$1: the checker fails the starter" [ $? -ne 0 ]
        like "$(cat "$tap_tmp/checker.out")" "$2" "$1: and says what is still wrong (/$2/)"
    fi
}
