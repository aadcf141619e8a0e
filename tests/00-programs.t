#!/bin/sh
# Every chapter's programs, as a reader meets them: each one listed in PROGRAMS exists,
# answers --help, refuses a bad option with one clear line and exit 2; every program
# source is listed; every file the chapter README names exists.
. "${0%/*}/lib.sh"

for list in [0-9][0-9]-*/PROGRAMS; do
    [ -f "$list" ] || skip_all "no chapter is written yet"
    dir=${list%/PROGRAMS}
    for prog in $(chapter_programs "$dir"); do
        check "$dir/$prog is built" [ -x "$LAB_BUILD/$dir/$prog" ] || continue
        run "$dir/$prog" --help
        check "$prog --help exits 0" [ "$rc" -eq 0 ]
        like "$out" '^usage: ' "$prog --help prints the usage"
        run "$dir/$prog" --no-such-option
        is "$rc" 2 "$prog refuses an unknown option with exit 2"
        is "$(printf '%s\n' "$out" | wc -l)" 1 "$prog says what is wrong in one line"
    done
    # A .c file without a .h beside it is a program, and a reader finds it in PROGRAMS.
    for src in "$dir"/*.c; do
        name=${src##*/}
        name=${name%.c}
        [ -f "$dir/$name.h" ] && continue
        check "$dir/$name.c is listed in PROGRAMS" grep -q "^$name[[:space:]]" "$list"
    done
    check "$dir has a README.md" [ -f "$dir/README.md" ]
    for named in $(grep -o '[A-Za-z0-9_./-]*\.\(c\|h\|sh\)\b' "$dir/README.md" | sort -u); do
        check "$dir/README.md names $named, which exists" \
            sh -c '[ -e "$1/$2" ] || [ -e "$2" ]' _ "$dir" "$named"
    done
done
done_testing
