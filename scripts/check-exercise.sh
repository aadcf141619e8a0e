#!/bin/sh
# Check the reader's work on chapter N's exercise with the chapter's own checker.
# Usage: scripts/check-exercise.sh BUILD-DIR N
set -eu
build=$1
n=$2
num=$(printf '%02d' "${n#0}" 2>/dev/null) || { echo "exercise-$n: give a chapter number" >&2; exit 2; }
for d in "$num"-*/; do
    if [ -x "$d/exercises/check.sh" ]; then
        exec "$d/exercises/check.sh" "$build/${d%/}/exercises"
    fi
done
echo "chapter $num has no exercise yet: see the chapter table in README.md" >&2
exit 1
