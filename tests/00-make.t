#!/bin/sh
# What make builds: the exercises apart from everything else, so a reader's half-done
# exercise (which may not compile) never stops `make`, `make chapter-N` or another
# chapter's exercise. Checked on make's plan (make -n) for an empty build directory.
. "${0%/*}/lib.sh"
require_optional "command -v make" make

# plan TARGET...: the commands make would run, from nothing, with this shell's settings
# only (not those of a `make test` that may be running this test).
plan() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n BUILD="$tap_tmp/plan" "$@" 2>&1
}
# The starters and the references: every .c of exercises/ but the modules (.c with a .h).
exercise_sources=$(for src in [0-9][0-9]-*/exercises/*.c [0-9][0-9]-*/exercises/solutions/*.c; do
    [ -f "$src" ] && [ ! -f "${src%.c}.h" ] && echo "$src"
done)
[ -n "$exercise_sources" ] || skip_all "no chapter has an exercise yet"

all=$(plan all)
like "$all" '01-gil-and-threads/gil_sim' "make all builds the chapters' programs"
unlike "$all" '/exercises/' "make all builds no exercise"
chapter=$(plan chapter-1)
unlike "$chapter" '/exercises/' "make chapter-1 builds no exercise"
exercises=$(plan exercises)
for src in $exercise_sources; do
    like "$exercises" "-o $tap_tmp/plan/${src%.c} " "make exercises builds $src"
done
one=$(plan exercise-1)
like "$one" "-o $tap_tmp/plan/01-gil-and-threads/exercises/gil_turns " "make exercise-1 builds chapter 01's starter"
like "$one" "-o $tap_tmp/plan/01-gil-and-threads/exercises/solutions/gil_turns " "...and its reference"
unlike "$one" '0[2-9]-[a-z-]*/exercises/' "...and no other chapter's exercise"
like "$one" 'check-exercise\.sh .* 1$' "...then runs its checker"
test_plan=$(plan test)
like "$test_plan" "-o $tap_tmp/plan/08-bank-locks/exercises/transfer " "make test builds the exercises (their tests need them)"
# make sanitize ends with helgrind's tests, which the sanitizer builds skip.
sanitize=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -p sanitize 2>/dev/null | sed -n '/^sanitize:/,/^$/p')
like "$sanitize" 'MAKE\) helgrind' "make sanitize runs make helgrind"
like "$(plan helgrind)" 'prove .*tests/\*-helgrind\.t|prove .*tests/08-bank-locks-helgrind\.t' \
    "...which runs the helgrind tests"
done_testing
