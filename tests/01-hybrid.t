#!/bin/sh
# Chapter 01, hybrid: a pool of cores - 1 workers hashes the chunks, each digest goes on to
# a store over a local socket, and the loop's heartbeat keeps ticking meanwhile; on the
# loop alone the same hashing stops the heartbeat. Every chunk is stored, both ways give
# the same digests, every worker is reaped.
. "${0%/*}/lib.sh"
prog=01-gil-and-threads/hybrid

cores=$(nproc)
want_workers=$((cores > 1 ? cores - 1 : 1))

run $prog
is "$rc" 0 "hybrid --quick exits 0"
is "$(result hybrid.workers)" "$want_workers" "the pool has cores - 1 workers ($cores cores), at least 1"
is "$(result hybrid.stored.pool)" 4 "with the pool, the store received every chunk's digest"
is "$(result hybrid.stored.loop)" 4 "on the loop alone too"
is "$(result hybrid.digests_agree)" 4 "the workers' digests are the loop's own: the bytes crossed intact"
check "the chunks' bytes were copied to the workers ($(result hybrid.bytes_to_workers) bytes)" \
    num_cmp "$(result hybrid.bytes_to_workers)" ">=" $((4 * 64 * 1024))
is "$(result hybrid.bytes_back)" 64 "and only the 16-byte digests came back"
gap_pool=$(result hybrid.gap_ms.pool)
gap_loop=$(result hybrid.gap_ms.loop)
hash_ms=$(result hybrid.hash_ms.loop)
check "on the loop, the heartbeat waited at least a chunk's hashing ($gap_loop ms >= $hash_ms ms)" \
    num_cmp "$gap_loop" ">=" "$hash_ms"
check "with the pool, its longest gap is shorter ($gap_pool ms < $gap_loop ms)" \
    num_cmp "$gap_pool" "<" "$gap_loop"
check "with the pool, the heartbeat ticked while the workers hashed ($(result hybrid.ticks.pool) ticks)" \
    num_cmp "$(result hybrid.ticks.pool)" ">" "$(result hybrid.ticks.loop)"
is "$(result hybrid.heartbeat_cancelled.pool)+$(result hybrid.heartbeat_cancelled.loop)" 1+1 \
    "the heartbeat, cancelled when the work is done, ends cancelled (it swallows no cancel)"
like "$out" '\[store\] stored chunk 3 \(4 of 4\)' "the store says what it stored"
like "$out" '\[chunk-0\] digest [0-9a-f]{16} \(hashed in pid [0-9]+\)' "each chunk says where it was hashed"
# chunk-0's line comes twice: hashed in a worker (the pool's run), then in the program itself.
pids=$(printf '%s\n' "$out" | sed -n 's/.*\[chunk-0\] digest [0-9a-f]* (hashed in pid \([0-9]*\)).*/\1/p')
worker=$(printf '%s\n' "$pids" | sed -n 1p)
itself=$(printf '%s\n' "$pids" | sed -n 2p)
elsewhere() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" != "$2" ] && [ ! -e "/proc/$1" ]; }
check "with the pool, chunk 0 was hashed in another process (pid $worker, not $itself), gone now" \
    elsewhere "$worker" "$itself"

run $prog --workers 2 --chunks 2 --chunk-kb 4 --seconds 0.01
is "$rc" 0 "--workers 2 --chunks 2 runs"
is "$(result hybrid.workers)" 2 "--workers sets the pool's size"
is "$(result hybrid.digests_agree)" 2 "and the digests still agree"

for bad in "--workers 0" "--chunks 0" "--chunks 65" "--chunk-kb x" "--seconds 0" "--bogus"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    run $prog $bad
    is "$rc" 2 "hybrid $bad exits 2"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "hybrid $bad says what is wrong in one line"
done
done_testing
