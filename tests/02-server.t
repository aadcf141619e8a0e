#!/bin/sh
# Chapter 02's server, load client and C10K: what each run must show, in numbers the
# programs recorded (common/results.h). Faults and bad input: 02-server-faults.t.
. "${0%/*}/lib.sh"
dir=02-event-loop

# The server with its own load client (10 connections in --quick).
run $dir/server --quick
check "server --quick exits 0" [ "$rc" -eq 0 ]
like "$out" '^listening on 127\.0\.0\.1:[0-9]+' "it says where it listens"
is "$(result load.connections)" 10 "the load client made its 10 connections"
check "they were answered" num_cmp "$(result load.requests)" ">" 0
is "$(result load.failed)+$(result load.broken)" "0+0" "no error response, no broken connection"
is "$(result server.peak_connections)" 10 "the server held the 10 at once"
is "$(result server.errors)" 0 "and answered no request with an error"
check "it answered at least every request the client counted (+ warm-ups)" \
    num_cmp "$(result server.requests)" ">=" "$(result load.requests)"
check "it reports its CPU time per request" num_cmp "$(result server.cpu_us_per_req)" ">" 0

# A fixed number of requests: the server must have answered exactly those and the warm-ups.
run $dir/load --requests 3000 --connections 7
check "load --requests 3000 exits 0" [ "$rc" -eq 0 ]
is "$(result load.requests)" 3000 "exactly 3000 answered in the window"
is "$(result server.requests)" 3007 "the server answered 3000 + one warm-up per connection"
check "latency: p50 <= p99" num_cmp "$(result load.p50_us)" "<=" "$(result load.p99_us)"
check "p50 is above 0" num_cmp "$(result load.p50_us)" ">" 0
# In microseconds: a request and its answer cross the kernel twice, which no machine does
# in under a microsecond (a figure in ms, or divided once too often, would be below it).
check "p50 is in microseconds: at least 1 ($(result load.p50_us))" \
    num_cmp "$(result load.p50_us)" ">=" 1
check "it measured the server's CPU time (its pid is known)" \
    num_cmp "$(result load.server_cpu_us_per_req)" ">=" 0
like "$out" 'requests/s' "it prints requests/s"

run $dir/load --seconds 0.3 --connections 3 --path /nope
is "$(result load.requests)" 0 "a path the server does not have: no answer counted as 2xx"
check "every one counted as failed (404)" num_cmp "$(result load.failed)" ">" 0

run $dir/load --port 1 --seconds 0.2
is "$rc" 1 "load against a port where nothing listens: exit 1"
like "$out" 'no connection to 127\.0\.0\.1:1 could be made' "saying so"

# C10K: the quick run holds 1000; the full run 10,000 (a few seconds, also under sanitizers).
run $dir/c10k --quick
check "c10k --quick exits 0" [ "$rc" -eq 0 ]
is "$(result c10k.client_connections)" 1000 "c10k --quick: the client holds 1000 at once"
is "$(result c10k.server_connections)" 1000 "and the server counts 1000 besides its probe"
is "$(result c10k.answered_again)" 1000 "all answer again after the hold"
is "$(result c10k.server_fds_leaked)" 0 "closed, the server is back to its fds"
# The socket buffers are read from this run's own sockets, not system-wide: a sum of bytes
# queued, which cannot come out negative (a system-wide difference printed "-49 bytes").
is "$(result c10k.kernel_sockets)" 2002 "the buffers are read on this run's 2002 sockets (1000 + the probe, both ends)"
check "bytes queued per socket, a sum, is not negative ($(result c10k.kernel_buffer_bytes_per_socket))" \
    num_cmp "$(result c10k.kernel_buffer_bytes_per_socket)" ">=" 0
like "$out" 'noise|kernel objects per socket \(Slab\)\* +[0-9]+ bytes' \
    "the kernel's objects: bytes, or 'noise' when the difference does not stand out"

# A connection limit with clients that stay: 300 keep-alive connections, room for 100 and
# the probe. The 200 over it are not refused: they wait in the backlog with no answer for
# the whole hold, and are answered only once the first 100 have closed.
run $dir/c10k --connections 300 --server-limit 101 --seconds 0.3
check "c10k --server-limit 101 exits 0 (every connection answered in the end)" [ "$rc" -eq 0 ]
is "$(result c10k.client_connections)" 100 "100 answered at once: the limit, less the probe"
is "$(result c10k.server_connections)" 100 "the server holds those 100 besides its probe, no more"
is "$(result c10k.unanswered_in_backlog)+$(result c10k.refused)" "200+0" \
    "the other 200: handshake done, in the backlog, unanswered; none refused"
is "$(result c10k.answered_late)+$(result c10k.never_answered)" "200+0" \
    "all 200 answered only after the others closed"
check "so they waited the whole hold at least ($(result c10k.longest_wait) s >= 0.3 s)" \
    num_cmp "$(result c10k.longest_wait)" ">=" 0.3
is "$(result c10k.answered_again)" 300 "and every connection answered its last request"
like "$out" 'got no answer while the others held their' "the report says what the limit did"
LAB_QUICK=0 # this once
RUN_TIMEOUT=300 run $dir/c10k --seconds 0.2
LAB_QUICK=1
# A host whose hard fd limit is lower holds what it allows (64 fds spare), and says so.
want=10000
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt 10064 ]; then
    want=$((hard - 64))
    diag "the hard fd limit here is $hard: the full run holds $want"
fi
is "$(result c10k.connections)" "$want" "c10k: one server thread and one client thread hold 10,000 (or what the fd limit allows)"
is "$(result c10k.server_fds_leaked)" 0 "and the server leaks no fd"
check "an idle connection costs the server under 2 KiB of its own memory" \
    num_cmp "$(result c10k.server_bytes_per_conn)" "<" 2048
# The kernel's share is system-wide, so only its order is checked: a socket's objects
# (some 5 KiB) outweigh the server's few hundred bytes by far, noise or not.
check "the kernel's share is reported beside it, and is larger ($(result c10k.kernel_bytes_per_socket) bytes per socket)" \
    num_cmp "$(result c10k.kernel_bytes_per_socket)" ">" "$(result c10k.server_bytes_per_conn)"
like "$out" 'System-wide' "saying that the kernel's figures are system-wide"

# A hard fd limit too low: a default run holds what the limit allows and says so; a number
# of connections asked for is refused in one line, exit 1.
results=$tap_tmp/results
: >"$results"
out=$( (ulimit -Sn 256 && ulimit -Hn 256 && LAB_RESULTS=$results "$LAB_BUILD/$dir/c10k" --quick) 2>&1 </dev/null)
rc=$?
is "$rc" 0 "c10k's default run under a hard fd limit of 256: exit 0"
like "$out" 'the fd limit here is 256, too low for 1000 connections: holding 192 instead' \
    "saying it holds fewer, and why"
is "$(result c10k.connections)+$(result c10k.answered_again)" "192+192" "and holding them all"
out=$( (ulimit -Sn 256 && ulimit -Hn 256 && "$LAB_BUILD/$dir/c10k" --quick --connections 1000) 2>&1 </dev/null)
rc=$?
is "$rc" 1 "c10k --connections 1000 under a hard fd limit of 256: exit 1"
like "$out" 'needs 1064 fds but the limit is 256' "saying what it needs and what it may have"

# The same on the loop's poll() backend.
export LAB_LOOP_BACKEND=poll
run $dir/c10k --quick
is "$(result c10k.connections)+$(result c10k.server_fds_leaked)" "1000+0" \
    "c10k --quick on the poll() backend: 1000 held, no fd leaked"
unset LAB_LOOP_BACKEND

# Options: a bad value or a contradiction is one line and exit 2.
for bad in "server --max-connections 0" "server --backlog abc" "server --idle-timeout 0" \
    "server --port 65536" "server --clients 5 --seconds 0" "load --connections 0" \
    "load --seconds 0" "load --path nope" "load --pid -1" "c10k --connections 0" \
    "c10k --pace x" "c10k --server-limit 1"; do
    run $dir/$bad
    is "$rc" 2 "$bad: exit 2"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "$bad: one line"
done
done_testing
