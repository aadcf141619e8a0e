#!/bin/sh
# Check chapter 03's exercise (exercises/countdown.c): run it on the loop's virtual clock
# and compare every line with what the coroutine version prints.
# Usage: check.sh DIRECTORY-OF-THE-BUILT-BINARIES   (make exercise-3 passes build/...)
dir=${1:?usage: check.sh BUILD-DIR/03-coroutines/exercises}
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
got=$(LAB_VIRTUAL_CLOCK=1 timeout 10 "$dir/countdown" 2>&1)
if [ "$got" = "$expected" ]; then
    echo "All right: two state machines count down together, each line at the right time."
    exit 0
fi
# Say where the first difference is, and what was expected there.
line=1
while :; do
    want=$(printf '%s\n' "$expected" | sed -n "${line}p")
    have=$(printf '%s\n' "$got" | sed -n "${line}p")
    [ "$want" != "$have" ] && break
    line=$((line + 1))
done
echo "Not yet: line $line should be '$want' but is '${have:-nothing}'."
echo "The whole run should be:"
printf '%s\n' "$expected" | sed 's/^/    /'
echo "Fix countdown_next() and struct countdown in 03-coroutines/exercises/countdown.c, then run make exercise-3 again."
exit 1
