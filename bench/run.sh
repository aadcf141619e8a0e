#!/bin/sh
# make bench: measure the articles' numeric claims on this machine, chapter by chapter.
# Usage: bench/run.sh BUILD-DIR [CHAPTER-NUMBER...]   (no number: every chapter)
# Each chapter's rows are printed as a table and kept in BUILD-DIR/bench.tsv.
set -eu
LAB_BUILD=$1
shift
wanted=" $* "
export LAB_BUILD
BENCH_TSV=$LAB_BUILD/bench.tsv
. bench/lib.sh

is_wanted() {
    [ "$wanted" = "  " ] && return 0
    for w in $wanted; do [ "$(printf '%02d' "${w#0}")" = "$1" ] && return 0; done
    return 1
}

# Keep the rows of chapters not measured this time; the others are measured anew.
kept=$(mktemp)
[ -f "$BENCH_TSV" ] && tail -n +2 "$BENCH_TSV" >"$kept" || :
printf 'chapter\tname\tvalue\tunit\tnote\n' >"$BENCH_TSV"
for script in bench/[0-9][0-9]-*.sh; do
    [ -f "$script" ] || continue
    num=${script#bench/}
    num=${num%%-*}
    if is_wanted "$num"; then
        bench_begin "$num" "$script"
        . "./$script"
        bench_end
    else
        awk -F'\t' -v c="$num" '$1 == c' "$kept" >>"$BENCH_TSV"
    fi
done
rm -f "$kept"
printf '\nAll rows: %s\n' "$BENCH_TSV"
