#!/bin/sh
# Check chapter 06's exercise: is blocking_queue.c a bounded blocking queue that many
# threads can share, and shut down without losing an item or a thread?
# Usage: check.sh DIR [SOURCE]   (DIR holds the built blocking_queue: make exercise-6
#        passes build/06-producer-consumer/exercises; SOURCE is the .c it was built from,
#        found from DIR when left out)
# Two passes: the checks of harness.c, each rule in a scenario of its own; then, where
# the compiler has ThreadSanitizer, the stress test again on a copy built with it, which
# sees a field touched without the lock even when no item was lost that time.
# LAB_CHECK_TIMEOUT=S bounds each pass (120 s by default).
set -u
dir=${1:?usage: check.sh DIR-OF-THE-BUILT-EXERCISE [SOURCE]}
here=$(cd "${0%/*}" && pwd)
limit=${LAB_CHECK_TIMEOUT:-120}
prog=$dir/blocking_queue
if [ ! -x "$prog" ]; then
    echo "no $prog: make exercise-6 builds it (it must compile without warnings)"
    exit 1
fi
case ${2:-$dir} in
    *.c) source=$2 ;;
    */exercises/solutions | */exercises/solutions/) source=$here/solutions/blocking_queue.c ;;
    */exercises | */exercises/) source=$here/blocking_queue.c ;;
    *) source= ;;
esac

# pass NAME COMMAND...: run a pass, print what it said, and judge how it ended.
wrong=0
pass() {
    name=$1
    shift
    out=$(timeout -k 5 "$limit" "$@" 2>&1 </dev/null)
    status=$?
    printf '%s\n' "$out"
    if printf '%s\n' "$out" | grep -q 'WARNING: ThreadSanitizer: data race'; then
        echo "still wrong: ThreadSanitizer saw two threads touch a field of the queue with no lock between them (the report above names the field's line): change count, head and shut_down only while holding q->lock"
        wrong=1
    elif [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "still wrong: the $name hung: it was stopped after $limit s (the last line above is the last check it finished)"
        wrong=1
    elif [ "$status" -gt 128 ]; then
        echo "still wrong: the $name was killed by SIG$(kill -l $((status - 128))) (the last line above is the last check it finished)"
        wrong=1
    elif [ "$status" -ne 0 ]; then
        wrong=1
    fi
}

pass checker "$prog"

cc=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab-exercise.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ "${LAB_SANITIZER:-}" = tsan ]; then
    : # this build is ThreadSanitizer's already: the first pass ran under it
elif [ -z "$source" ] || [ ! -f "$source" ]; then
    echo "(no source given to build under ThreadSanitizer: that pass is skipped)"
elif ! echo 'int main(void){return 0;}' | "$cc" -fsanitize=thread -x c - -o "$tmp/probe" 2>/dev/null; then
    echo "($cc cannot build with -fsanitize=thread here: the ThreadSanitizer pass is skipped)"
elif "$cc" -std=c17 -D_GNU_SOURCE -O1 -g -fsanitize=thread -I"$here" -o "$tmp/blocking_queue" \
        "$source" "$here/harness.c" "$here/watch.c" "$here/stress.c" -lpthread 2>"$tmp/cc.err"; then
    echo
    pass "ThreadSanitizer pass" env TSAN_OPTIONS="${TSAN_OPTIONS:-} halt_on_error=1" \
        "$tmp/blocking_queue" --stress-only
else
    sed 's/^/    /' "$tmp/cc.err"
    echo "still wrong: $source does not build with -fsanitize=thread"
    wrong=1
fi

if [ "$wrong" -eq 0 ]; then
    echo "All right: your queue waits, wakes, shuts down and keeps every item, under ThreadSanitizer too."
    exit 0
fi
echo "Not yet: fix 06-producer-consumer/exercises/blocking_queue.c, then run make exercise-6 again."
exit 1
