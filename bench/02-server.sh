# bench/02-server.sh — chapter 02's server beside the machine's floor and the article's Python.
#
# On a 2-core machine the load client is the bottleneck long before a good server is, so
# servers are compared by their CPU time per request (the server's user+sys time over
# the window, from /proc/PID/stat, ÷ requests answered), with requests/s beside it. The
# same client (02-event-loop/load, 100 keep-alive connections, 2 s) drives each server in
# turn, three rounds interleaved so that a noisy neighbour hits all of them alike; each
# figure is the median of its three. Then C10K holds 10,000 connections.

server02_rounds=3
server02_seconds=2
server02_tmp=$LAB_BUILD/bench-logs/02-server # the servers' own output, and the rounds
rm -rf "$server02_tmp"
mkdir -p "$server02_tmp"

# server02_start NAME CMD...: run a server that prints "listening on 127.0.0.1:PORT".
server02_start() {
    server02_out=$server02_tmp/$1.out
    shift
    : >"$server02_out" # before the server starts, so that no earlier port is read
    "$@" >>"$server02_out" 2>&1 </dev/null &
    server02_pid=$!
    server02_port=
    for _ in $(seq 200); do
        server02_port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$server02_out")
        [ -n "$server02_port" ] && return 0
        sleep 0.05
    done
    echo "bench: '$*' did not start listening; see $server02_out" >&2
    kill "$server02_pid" 2>/dev/null || :
    return 1
}

server02_stop() {
    kill -TERM "$server02_pid" 2>/dev/null || :
    wait "$server02_pid" 2>/dev/null || :
}

# server02_measure NAME CMD...: one round for one server; appends "cpu rps" to NAME.tsv.
server02_measure() {
    name=$1
    shift
    server02_start "$name" "$@" || return 1
    measure 02-event-loop/load --port "$server02_port" --pid "$server02_pid" \
        --connections 100 --seconds "$server02_seconds" || { server02_stop; return 1; }
    server02_stop
    printf '%s\t%s\n' "$(recorded load.server_cpu_us_per_req)" "$(recorded load.rps)" \
        >>"$server02_tmp/$name.tsv"
}

# server02_median NAME COLUMN: the median of a column over the rounds.
server02_median() {
    cut -f "$2" "$server02_tmp/$1.tsv" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'
}

py02=$(python_for uvloop)
py02_asyncio=${py02:-$(python_for asyncio)}
servers02="lab minimal_epoll"
[ -n "$py02_asyncio" ] && servers02="$servers02 py_asyncio_streams py_asyncio_untuned"
[ -n "$py02" ] && servers02="$servers02 py_uvloop_streams"

for round in $(seq "$server02_rounds"); do
    printf '  round %s of %s\n' "$round" "$server02_rounds" >&2
    for s in $servers02; do
        case $s in
        lab) server02_measure lab "$LAB_BUILD/02-event-loop/server" --port 0 --clients 0 \
            --seconds 0 --max-connections 10000 ;;
        minimal_epoll) server02_measure minimal_epoll "$LAB_BUILD/bench/minimal_epoll" --port 0 ;;
        py_asyncio_streams) server02_measure "$s" "$py02_asyncio" bench/py/streams_server.py --port 0 ;;
        py_asyncio_untuned) server02_measure "$s" "$py02_asyncio" bench/py/streams_server.py \
            --port 0 --untuned ;;
        py_uvloop_streams) server02_measure "$s" "$py02" bench/py/streams_server.py --port 0 --uvloop ;;
        esac
    done
done

claim_of() {
    case $1 in
    lab) echo "go 语言实现: 35,000 QPS (A1 §9.1)" ;;
    minimal_epoll) echo "—" ;;
    py_asyncio_streams) echo "调优后 12,000 QPS (A1 §3.2); 默认事件循环 12,000 (A1 §9.1)" ;;
    py_asyncio_untuned) echo "默认配置: 约 3000 QPS (A1 §3.2)" ;;
    py_uvloop_streams) echo "uvloop: 28,000 QPS (A1 §9.1)" ;;
    esac
}
for s in $servers02; do
    row_value "server.cpu_us_per_req.$s" "$(server02_median "$s" 1)" us "—" \
        "server CPU time per request, median of $server02_rounds"
done
for s in $servers02; do
    row_value "server.rps.$s" "$(server02_median "$s" 2)" "req/s" "$(claim_of "$s")" \
        "100 connections; client and server share 2 cores, so compare CPU per request"
done

lab02=$(server02_median lab 1)
row_value server.cpu_ratio.lab_vs_minimal_epoll "$(ratio "$lab02" "$(server02_median minimal_epoll 1)")" x \
    "—" "the loop's cost over raw epoll; target <= 1.15"
if [ -n "$py02_asyncio" ]; then
    asyncio02=$(server02_median py_asyncio_streams 1)
    row_value server.cpu_ratio.py_asyncio_vs_lab "$(ratio "$asyncio02" "$lab02")" x \
        "默认事件循环 12,000 vs go 35,000 QPS: 2.9x" "target >= 1.5"
    row_value server.cpu_ratio.py_untuned_vs_tuned \
        "$(ratio "$(server02_median py_asyncio_untuned 1)" "$asyncio02")" x \
        "3000 → 12000 QPS: tuning 4x cheaper" "backlog, limit and a semaphore do not change the cost of a request"
fi
if [ -n "$py02" ]; then
    row_value server.cpu_ratio.py_asyncio_vs_uvloop "$(ratio "$asyncio02" "$(server02_median py_uvloop_streams 1)")" x \
        "12,000 vs 28,000 QPS: 2.3x" "the same Python code on libuv"
else
    echo "  (no python3 with uvloop: apt-get install python3-uvloop for the uvloop rows)" >&2
fi

measure 02-event-loop/c10k --seconds 1
row c10k.connections "单线程程序达到数万并发连接 (A1 §1)" "one server thread and one client thread, two processes"
row c10k.server_bytes_per_conn "—" "the server's own memory per idle connection: not all it costs (next row)"
row c10k.kernel_bytes_per_socket "—" "the kernel's objects per socket (Slab, system-wide): the bigger share"
row c10k.kernel_buffer_bytes_per_socket "—" "bytes queued per idle socket (this run's sockets, /proc/net/tcp)"
row c10k.open_seconds "—" "to open and answer 10,000 connections, paced 1000 at a time"
