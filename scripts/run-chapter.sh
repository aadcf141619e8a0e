#!/bin/sh
# Run chapter N's programs in reading order (the order of its PROGRAMS file), each
# introduced by a banner naming the article section it mirrors.
# Usage: scripts/run-chapter.sh BUILD-DIR N
set -eu
build=$1
n=$2
case $n in
    [1-9] | 0[1-9]) num=$(printf '%02d' "${n#0}") ;;
    *) echo "chapter-$n: give a chapter number, e.g. make chapter-1" >&2; exit 2 ;;
esac
dir=
for d in "$num"-*/; do [ -f "$d/PROGRAMS" ] && dir=${d%/}; done
if [ -z "$dir" ]; then
    echo "chapter $num is not written yet: see the chapter table in README.md" >&2
    exit 1
fi

bold= plain=
if [ -t 1 ]; then bold=$(printf '\033[1m') plain=$(printf '\033[0m'); fi

# PROGRAMS: one program per line, "name  banner"; blank lines and # comments ignored.
grep -v -e '^#' -e '^[[:space:]]*$' "$dir/PROGRAMS" | while read -r prog banner; do
    printf '\n%s==> %s — %s%s\n$ %s\n\n' "$bold" "$prog" "$banner" "$plain" "$build/$dir/$prog"
    "$build/$dir/$prog" </dev/null
done
printf '\nChapter %s done. Read %s/README.md next, then try: make exercise-%s\n' "$num" "$dir" "${num#0}"
