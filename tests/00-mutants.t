#!/bin/sh
# The mutants of `make mutants` (tests/mutants/*.txt) still apply: each one's text stands
# exactly once in its file, so a change to the code cannot silently retire a mutant (it
# would then test nothing). Running them takes minutes: that is `make mutants`, not this.
. "${0%/*}/lib.sh"
require_optional "command -v perl" perl

out=$(scripts/mutants.sh --check 2>&1)
rc=$?
check "every mutant's text stands once in its file ($(echo "$out" | tail -1))" [ "$rc" -eq 0 ] ||
    printf '%s\n' "$out" | grep -E '^(STALE|to mend)' | sed 's/^/# /'
listed=$(echo "$out" | sed -n 's/^mutants: \([0-9]*\) listed.*/\1/p')
check "the lists hold at least 30 mutants (${listed:-none})" num_cmp "${listed:-0}" ">=" 30

# The check itself: a mutant whose text is gone is reported, not passed over.
mkdir -p "$tap_tmp/tree/tests/mutants" "$tap_tmp/tree/scripts"
cp scripts/mutants.sh "$tap_tmp/tree/scripts/"
printf 'int x;\n' >"$tap_tmp/tree/a.c"
printf '## gone: its text is not there\nfile: a.c\nfrom: int y;\nto: int z;\ntest: t\n' \
    >"$tap_tmp/tree/tests/mutants/x.txt"
stale=$(cd "$tap_tmp/tree" && scripts/mutants.sh --check 2>&1)
rc=$?
check "a mutant whose text is gone makes the check fail" [ "$rc" -ne 0 ]
like "$stale" '^STALE +gone' "and it is named"
done_testing
