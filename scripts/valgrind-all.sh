#!/bin/sh
# Run every chapter program's quick mode under valgrind memcheck: no invalid access,
# no uninitialised read, no definite leak, no fd left open at exit.
# Usage: scripts/valgrind-all.sh BUILD-DIR
set -eu
build=$1
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
failed=0

# An fd valgrind lists at exit that was not "<inherited from parent>" was opened by the
# program and never closed.
leaked_fds() {
    awk '/Open file descriptor/ { fd = $0; getline; if ($0 !~ /inherited from parent/) print fd }' "$1"
}
for list in [0-9][0-9]-*/PROGRAMS; do
    [ -f "$list" ] || continue
    dir=${list%/PROGRAMS}
    for prog in $(grep -v -e '^#' -e '^[[:space:]]*$' "$list" | awk '{print $1}'); do
        log=$build/valgrind/$dir/$prog.log
        mkdir -p "${log%/*}"
        if LAB_QUICK=1 valgrind --quiet --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite --track-fds=yes --log-file="$log" \
            "$build/$dir/$prog" --quick >/dev/null 2>&1 </dev/null && [ -z "$(leaked_fds "$log")" ]; then
            echo "ok    $dir/$prog"
        else
            echo "FAIL  $dir/$prog (see $log)"
            failed=1
        fi
    done
done
exit $failed
