#!/bin/sh
# Check chapter 03's exercise (exercises/countdown.c): run it on the loop's virtual clock
# and compare every line with what the coroutine version prints; on a difference, say
# which mistake it looks like.
# Usage: check.sh DIRECTORY-OF-THE-BUILT-BINARIES   (make exercise-3 passes build/...)
# LAB_CHECK_TIMEOUT=S bounds the run (10 s by default).
dir=${1:?usage: check.sh BUILD-DIR/03-coroutines/exercises}
limit=${LAB_CHECK_TIMEOUT:-10}
if [ ! -x "$dir/countdown" ]; then
    echo "$dir/countdown is not built: make exercise-3 builds it (it must compile without warnings)"
    exit 1
fi
expected='[0.000] A 3
[0.000] B 4
[0.150] B 3
[0.200] A 2
[0.300] B 2
[0.400] A 1
[0.450] B 1
[0.600] A liftoff
[0.600] B liftoff
[0.600] done'
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab-exercise.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# At most 100 lines are kept: a countdown that never ends prints for ever.
{
    LAB_VIRTUAL_CLOCK=1 timeout -k 2 "$limit" "$dir/countdown" 2>&1
    echo $? >"$tmp/status"
} | head -n 100 >"$tmp/out"
status=$(cat "$tmp/status")
got=$(cat "$tmp/out")
if [ "$got" = "$expected" ] && [ "$status" = 0 ]; then
    echo "All right: two state machines count down together, each line at the right time."
    exit 0
fi

# What each countdown said, in order (e.g. "3 2 1 liftoff"), and when it said it.
said() { printf '%s\n' "$got" | awk -v n="$1" '$2 == n { s = s (s ? " " : "") $3 } END { print s }'; }
said_at() { printf '%s\n' "$got" | awk -v n="$1" -v w="$2" '$2 == n && $3 == w { print substr($1, 2, length($1) - 2); exit }'; }
first_at() { printf '%s\n' "$got" | awk -v n="$1" '$2 == n { print substr($1, 2, length($1) - 2); exit }'; }
lines=$(printf '%s\n' "$got" | grep -c .)
zero=$(printf '%s\n' "$got" | grep -c '^\[0\.000\]')
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    [ "$lines" -lt 100 ] && printf '%s\n' "$got"
    hint="the program did not finish in $limit s (the lines above are what it printed): does countdown_next() wait by itself, in a busy loop on the clock or with sleep()? It must return the pause, and let the loop wait: on the loop's clock, time passes only while the loop waits"
    [ "$lines" -ge 100 ] && hint="a countdown never reached liftoff: it said $(said A | cut -c1-40)... Each call must resume where the last one stopped: where to resume and the number must survive the pause, in struct countdown"
elif [ "$lines" -ge 100 ] || ! printf '%s\n' "$got" | grep -q ' liftoff$'; then
    hint="a countdown never reached liftoff: it said $(said A | cut -c1-40)... Each call must resume where the last one stopped: where to resume and the number must survive the pause, in struct countdown"
elif printf '%s\n' "$got" | grep -Eq '^\[[0-9.]+\] [AB] (0|-[0-9]+)$'; then
    hint="a countdown said 0 (or less): count from \`from\` down to 1, then say liftoff"
elif [ "$zero" -eq "$lines" ] && [ "$lines" -gt 3 ]; then
    hint="every line at 0.000: no pause reached the loop. Return c->pause, and the loop calls countdown_next() again when it is over"
elif [ "$(said A)" = liftoff ] && [ "$(said B)" = liftoff ]; then
    hint="each countdown said only liftoff: say each number first, from \`from\` down to 1, pausing after each"
elif [ "$(said A)" != "3 2 1 liftoff" ] || [ "$(said B)" != "4 3 2 1 liftoff" ]; then
    hint="A said '$(said A)' and B said '$(said B)', not '3 2 1 liftoff' and '4 3 2 1 liftoff': each countdown must keep its own number and place in struct countdown (not in static or shared variables)"
elif [ "$(first_at A)" != 0.000 ] || [ "$(first_at B)" != 0.000 ]; then
    hint="A's first number came at $(first_at A) and B's at $(first_at B), not at 0.000: say a number, then pause"
elif [ "$(said_at A liftoff)" != 0.600 ] || [ "$(said_at B liftoff)" != 0.600 ]; then
    hint="A's liftoff came at $(said_at A liftoff) and B's at $(said_at B liftoff), not at 0.600: pause after the last number too, then say liftoff"
else
    hint=""
fi
# Where the first difference is, and what was expected there.
line=1
while [ "$line" -le 10 ]; do
    want=$(printf '%s\n' "$expected" | sed -n "${line}p")
    have=$(printf '%s\n' "$got" | sed -n "${line}p")
    [ "$want" != "$have" ] && break
    line=$((line + 1))
done
[ -n "$hint" ] && echo "Not yet: $hint."
[ "$line" -le 10 ] && echo "Line $line should be '$want' but is '${have:-nothing}'."
[ "$status" != 0 ] && [ "$status" != 124 ] && [ "$status" != 137 ] && [ "$status" != 141 ] &&
    echo "The program ended with exit status $status."
echo "The whole run should be:"
printf '%s\n' "$expected" | sed 's/^/    /'
echo "Fix countdown_next() and struct countdown in 03-coroutines/exercises/countdown.c, then run make exercise-3 again."
exit 1
