#!/bin/sh
# Run every chapter program's quick mode, then every unit test, under valgrind memcheck:
# no invalid access, no uninitialised read, no definite leak, no fd left open at exit, and
# a unit test's checks must all pass (its TAP output is kept beside its log).
# Usage: scripts/valgrind-all.sh BUILD-DIR
#
# Each process writes its own log (NAME.log.PID). Memory errors count in every process:
# a fork()ed child with an error exits 99, and the programs check how their children
# ended. Open descriptors count in the program's own process only: a worker killed on
# purpose (a pool's terminate()) dies with its pipes open, and that is no leak.
set -eu
build=$1
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
failed=0

# Did the process leave open an fd it opened (a file, a pipe or a socket)? Inherited
# ones are not its to close (valgrind even lists its own log file among them).
leaves_fd_open() {
    awk '/Open (file descriptor|AF_[A-Z0-9]+ socket) [0-9]+/ { pending = 1; next }
         pending { if ($0 !~ /inherited from parent/) open = 1; pending = 0 }
         END { exit !open }' "$1"
}

# memcheck NAME OUTPUT COMMAND...: run COMMAND under valgrind, its stdout to OUTPUT.
memcheck() {
    name=$1 out=$2
    shift 2
    log=$build/valgrind/$name.log
    mkdir -p "${log%/*}"
    rm -f "$log".*
    LAB_QUICK=1 valgrind --quiet --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite --track-fds=yes --log-file="$log.%p" \
        "$@" >"$out" 2>&1 </dev/null &
    pid=$!
    status=0
    wait $pid || status=$?
    if [ $status -eq 0 ] && ! leaves_fd_open "$log.$pid"; then
        echo "ok    $name"
    else
        echo "FAIL  $name (exit $status; see $log.$pid and the children's $log.*)"
        failed=1
    fi
}

for list in [0-9][0-9]-*/PROGRAMS; do
    [ -f "$list" ] || continue
    dir=${list%/PROGRAMS}
    for prog in $(grep -v -e '^#' -e '^[[:space:]]*$' "$list" | awk '{print $1}'); do
        memcheck "$dir/$prog" /dev/null "$build/$dir/$prog" --quick
    done
done

for test in "$build"/tests/unit/*.t; do
    name=tests/unit/$(basename "$test" .t)
    memcheck "$name" "$build/valgrind/$name.tap" "$test"
done
exit $failed
