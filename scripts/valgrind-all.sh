#!/bin/sh
# Run every chapter program's quick mode under valgrind memcheck: no invalid access,
# no uninitialised read, no definite leak, no fd left open at exit.
# Usage: scripts/valgrind-all.sh BUILD-DIR
#
# Each process writes its own log (PROG.log.PID). Memory errors count in every process:
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

for list in [0-9][0-9]-*/PROGRAMS; do
    [ -f "$list" ] || continue
    dir=${list%/PROGRAMS}
    for prog in $(grep -v -e '^#' -e '^[[:space:]]*$' "$list" | awk '{print $1}'); do
        log=$build/valgrind/$dir/$prog.log
        mkdir -p "${log%/*}"
        rm -f "$log".*
        LAB_QUICK=1 valgrind --quiet --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite --track-fds=yes --log-file="$log.%p" \
            "$build/$dir/$prog" --quick >/dev/null 2>&1 </dev/null &
        pid=$!
        status=0
        wait $pid || status=$?
        if [ $status -eq 0 ] && ! leaves_fd_open "$log.$pid"; then
            echo "ok    $dir/$prog"
        else
            echo "FAIL  $dir/$prog (exit $status; see $log.$pid and the children's $log.*)"
            failed=1
        fi
    done
done
exit $failed
