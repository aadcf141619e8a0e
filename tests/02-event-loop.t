#!/bin/sh
# Chapter 02, the event loop: each program shows what it exists to show.
. "${0%/*}/lib.sh"
ch=02-event-loop

# line_of TEXT REGEX: the number of the first line of TEXT matching REGEX (empty if none).
line_of() {
    printf '%s\n' "$1" | grep -n -E -m1 -- "$2" | cut -d: -f1
}

# --- hello: Hello, then World a pause later, in both styles; the loop sleeps, never spins.
run $ch/hello --quick
is "$rc" 0 "hello exits 0"
is "$(printf '%s\n' "$out" | grep -c -E '\] Hello$')" 2 "hello says Hello in each style"
is "$(printf '%s\n' "$out" | grep -c -E '\] World$')" 2 "and World in each style"
check "Hello comes before World" num_cmp "$(line_of "$out" 'Hello$')" '<' "$(line_of "$out" 'World$')"
check "the old style waits the whole pause (0.05 s)" num_cmp "$(result hello.old.seconds)" '>=' 0.05
check "the run style too" num_cmp "$(result hello.run.seconds)" '>=' 0.05
check "the loop slept in one poll instead of spinning (few iterations)" \
    num_cmp "$(result hello.old.iterations)" '<=' 5
LAB_LOOP_BACKEND=poll run $ch/hello --quick
like "$out" 'polls \(poll\)' "LAB_LOOP_BACKEND=poll runs hello on the poll backend"
run $ch/hello --quick --seconds 0.3
check "--quick shrinks only the pause left at its default: --seconds 0.3 is kept" \
    num_cmp "$(result hello.run.seconds)" '>=' 0.3

# --- callback_hell: the three steps in order, each after its pause.
run $ch/callback_hell --quick
is "$rc" 0 "callback_hell exits 0"
one=$(line_of "$out" '回调1') two=$(line_of "$out" '回调2') three=$(line_of "$out" '回调3')
check "回调1, 回调2, 回调3 run in that order" sh -c '[ "$1" -lt "$2" ] && [ "$2" -lt "$3" ]' _ "$one" "$two" "$three"
is "$(result callback_hell.steps)" 3 "all three steps ran"
check "the timed chain took at least its three pauses (3 × 0.02 s)" \
    num_cmp "$(result callback_hell.seconds)" '>=' 0.06

# --- slow_callback: debug mode names the callback that blocked, and only that one.
began=$(date +%s.%N)
run $ch/slow_callback --quick
took=$(awk -v b="$began" -v e="$(date +%s.%N)" 'BEGIN { print e - b }')
is "$rc" 0 "slow_callback exits 0"
# A gap is the time between two beats of this run, so it is shorter than the run (the
# clock's origin is no beat: a gap counted from it would be the machine's uptime).
for f in blocking nonblocking; do
    check "the $f phase's longest gap between beats ($(result slow_callback.gap.$f) s) lies within the run ($took s)" \
        num_cmp "$(result slow_callback.gap.$f)" '<' "$took"
done
like "$out" 'slow callback: blocking_fetch took 0\.[0-9]+ s' "debug mode names blocking_fetch as slow"
unlike "$out" 'slow callback: (nonblocking_fetch|fetch_done)' "and never the call_later version"
check "the blocking sleep froze the heartbeat for the whole fetch (0.15 s)" \
    num_cmp "$(result slow_callback.gap.blocking)" '>=' 0.15
check "the article's decorator flags the harmless version too (the erratum)" \
    num_cmp "$(result slow_callback.decorator.nonblocking)" '>' 0.1
is "$(result slow_callback.flagged.blocking)+$(result slow_callback.flagged.nonblocking)" 1+1 \
    "the decorator flags both fetches (0.15 s each)"
like "$out" 'blocking sleep\(\) +0\.[0-9]+ s: flagged' "...and the table says so"
# A fetch well under the decorator's 0.1 s: the verdicts must say so, not print "flagged".
# The decorator times the fetch on the real clock, and a busy machine runs a 50 ms timer
# 45 ms late (seen): 10 ms leaves 90 ms for that.
run $ch/slow_callback --quick --seconds 0.01
is "$(result slow_callback.flagged.blocking)+$(result slow_callback.flagged.nonblocking)" 0+0 \
    "--seconds 0.01: the decorator flags neither"
is "$(result slow_callback.reports.blocking)" 0 "...debug mode reports nothing (under 100 ms)"
unlike "$out" ': flagged' "...and the table says 'not flagged'"
like "$out" 'The decorator flagged neither' "...as does the closing sentence"
run $ch/slow_callback --quick --threshold-ms 5000
unlike "$out" 'slow callback' "with a 5 s threshold, nothing is reported"

# --- error_handler: the handler gets the lost error and the callback's, not the read one.
run $ch/error_handler --quick
is "$rc" 0 "error_handler exits 0"
like "$out" '\[loop\] Future exception was never retrieved \(in faulty_task\)' \
    "without a handler, the default one prints the lost error"
is "$(result error_handler.lost)" 1 "handle_exception receives the error nobody retrieved"
is "$(result error_handler.read)" 0 "but not the one safe_main read"
is "$(result error_handler.callback)" 1 "and the error a callback handed over"

# --- signals: the default run sends itself SIGTERM and ends cleanly.
run $ch/signals --quick
is "$rc" 0 "signals exits 0 after SIGTERM"
is "$(result signals.signal)" 15 "SIGTERM reached graceful_shutdown"
like "$out" "in the loop's thread: yes" "as a callback in the loop's thread"
is "$(result signals.in_handler)" 0 \
    "not inside the signal handler: SIGTERM was not blocked there, as the kernel blocks it in its handler"
like "$out" 'inside the signal handler: no' "...and it says so"
is "$(result signals.cancelled)" 3 "which cancelled the three workers"
like "$out" 'cleanup: signal handlers restored, the sender reaped, loop closed' "the cleanup ran"
run $ch/signals --quick --send int
is "$(result signals.signal)" 2 "--send int: SIGINT (Ctrl-C) does the same"

# An operator's Ctrl-C and kill -TERM, from outside.
# wait_for_line FILE REGEX: wait (up to 60 s) until a line of FILE matches.
wait_for_line() {
    tries=0
    until grep -qs -E -- "$2" "$1" || [ $tries -ge 600 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
}
# wait_for_exit PID: wait (up to 60 s) until PID has exited (a zombie not yet reaped counts).
wait_for_exit() {
    tries=0
    while [ $tries -lt 600 ]; do
        # The state is the field after the ")" closing the command name in /proc/PID/stat.
        case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in '' | Z*) return ;; esac
        sleep 0.1
        tries=$((tries + 1))
    done
}
for sig in INT TERM; do
    log=$tap_tmp/signals-$sig.out
    results=$tap_tmp/results
    : >"$results"
    LAB_RESULTS=$results "$LAB_BUILD/$ch/signals" --send none >"$log" 2>&1 </dev/null &
    pid=$!
    wait_for_line "$log" 'ready:'
    kill -$sig $pid
    wait_for_exit $pid
    kill -KILL $pid 2>/dev/null # only if it hung
    wait $pid
    rc=$?
    is "$rc" 0 "kill -$sig from outside: exit 0"
    like "$(cat "$log")" "收到终止信号 SIG$sig" "kill -$sig from outside reaches graceful_shutdown"
    like "$(cat "$log")" 'cleanup: signal handlers restored, no sender to reap, loop closed' \
        "kill -$sig from outside: the cleanup ran"
done
# The same during the default run, before its own sender (a child) has sent SIGTERM: the
# program must stop the sender and end at once, not be killed by it later. The sender
# waits 30 s, so even a slow machine signals from outside first.
for sig in INT TERM; do
    log=$tap_tmp/signals-first-$sig.out
    results=$tap_tmp/results
    : >"$results"
    LAB_RESULTS=$results "$LAB_BUILD/$ch/signals" --seconds 30 >"$log" 2>&1 </dev/null &
    pid=$!
    wait_for_line "$log" 'will send SIGTERM'
    started=$(date +%s)
    kill -$sig $pid
    wait_for_exit $pid
    kill -KILL $pid 2>/dev/null # only if it hung
    wait $pid
    rc=$?
    took=$(($(date +%s) - started))
    is "$rc" 0 "default run, kill -$sig from outside before the sender's: exit 0"
    check "at once (${took} s), not when the sender would have sent (30 s)" num_cmp "$took" "<" 20
    like "$(cat "$log")" "收到终止信号 SIG$sig" "the outside SIG$sig reached graceful_shutdown"
    unlike "$(cat "$log")" '\[kill\]' "the sender was stopped before it sent anything"
    like "$(cat "$log")" 'cleanup: signal handlers restored, the sender reaped, loop closed' \
        "and reaped: the cleanup ran"
done

# --- file_io: the loop cannot wait for a file; the pool keeps the loop free.
run $ch/file_io --quick
is "$rc" 0 "file_io exits 0"
is "$(result file_io.epoll_eperm)" 1 "epoll_ctl refuses a regular file with EPERM"
like "$out" 'epoll_ctl\(ADD, a regular file, EPOLLIN\): refused: EPERM' "...and the program prints it"
is "$(result file_io.poll_in)" 1 "poll calls the file readable at once"
is "$(result file_io.same_bytes.pool)+$(result file_io.same_bytes.loop)" 1+1 \
    "the file read back holds the bytes written, both ways"
is "$(result file_io.ticks.loop)" 0 "file calls made on the loop: the heartbeat never ticks"
check "...and its gap covers both calls' 30 ms" num_cmp "$(result file_io.gap_ms.loop)" '>=' 57
check "through the pool the heartbeat ticks while the file waits ($(result file_io.ticks.pool))" \
    num_cmp "$(result file_io.ticks.pool)" '>=' 1
is "$(result file_io.heartbeat_cancelled.pool)+$(result file_io.heartbeat_cancelled.loop)" 1+1 \
    "the heartbeat ends cancelled both times"

# The README's size of the loop stays true (within a fifth).
said=$(sed -n 's/.*in about \([0-9,]*\) lines of C.*/\1/p' $ch/README.md | tr -d ,)
lines=$(cat common/loop*.[ch] common/timer_heap.[ch] | wc -l)
check "the README's 'about $said lines' of loop is within a fifth of its $lines lines" \
    awk -v s="$said" -v n="$lines" 'BEGIN { exit !(s != "" && s >= 0.8 * n && s <= 1.2 * n) }'

# --- the exercise: the checker passes the reference heap and fails the starter's list,
# every wrong heap kept in exercises/wrong (a sift that stops below the root, a sorted
# array, ...) with the mistake named, and a correct heap written another way.
exercise_checker_works $ch 'FAIL - after every push and every pop, no timer is earlier than its parent'
exercise_variants $ch timers
# A heap_pop that never empties the heap loops for ever in the big run; the checker
# bounds it and says so, keeping what was printed.
printf '#!/bin/sh\necho "ok   - a first line"\nexec sleep 30\n' >"$tap_tmp/timers"
chmod +x "$tap_tmp/timers"
out=$(LAB_CHECK_TIMEOUT=1 $ch/exercises/check.sh "$tap_tmp" 2>&1)
is "$?" 1 "the checker fails a program that hangs"
like "$out" 'did not finish in 1 s' "...says it hung"
like "$out" '^ok   - a first line' "...and keeps what it printed before"

# The demo runs on the real clock: a busy machine makes a timer late, never early.
run $ch/exercises/solutions/timers --quick
is "$(printf '%s\n' "$out" | sed -n 's/^\[ *[0-9.]*s\] timer for //p' | tr '\n' ,)" \
    "0 s,0.1 s (first of two),0.1 s (second of two),0.2 s,0.3 s," \
    "the reference demo fires its timers earliest first, equal deadlines in order"
like "$out" '^\[ *0\.(1[0-9]|[2-9][0-9])s\] timer for 0\.1 s \(first' \
    "...and the 0.1 s timer no earlier than 0.1 s"

done_testing
