#!/bin/sh
# Chapter 07's programs for the articles' examples, each against the local site it
# starts: the fact each exists to show, and each erratum, from the site's own counts.
. "${0%/*}/lib.sh"
. "${0%/*}/07-lib.sh"

# Delays of 0.5, 1, 0.5, 1.5 s: the verdict has a second of room on a busy machine.
run $dir/gather_get --scale 0.5
is "$rc" 0 "gather_get exits 0"
is "$(printf '%s\n' "$out" | grep -c '状态: 200, length [0-9]')" 4 "four GETs, each 200 with its length"
like "$out" 'the total is about the longest: the waits overlapped' "the total is about the longest delay, not the sum"

run $dir/semaphore_limit --quick
like "$out" '成功处理 10 个请求' "semaphore_limit: ten requests succeed"
like "$out" 'the site saw at most 3 requests in flight at once \(max_concurrent = 3\): the limit held' \
    "Semaphore(3): the site saw at most 3 at once"
run $dir/semaphore_limit --quick --max-concurrent 10
like "$out" 'at most 10 requests in flight at once \(max_concurrent = 10\)' "Semaphore(10): 10 (the count is real)"

run $dir/async_crawler --quick
is "$rc" 0 "async_crawler exits 0"
like "$out" "the article's fetch: 成功爬取200页 of 205" "A0's AsyncCrawler: the 200 pages, not the 5 missing"
like "$out" 'concurrency=200, yet the site saw at most 10 requests at once: the per-domain Semaphore\(10\) caps it' \
    "erratum: concurrency=200 is capped at 10 by the per-domain semaphore"
like "$out" 'a 404 \(/missing/1\) was fetched 3 times, 0\.[0-4][0-9]* s from first to last: back to back' \
    "erratum: a 404 is fetched 3 times back to back"
like "$out" 'a 404 \(/missing/1\) was fetched 1 time' "the lab's policy fetches it once"

run $dir/a3_crawler --quick
again=$(printf '%s\n' "$out" | sed -n "/the article's crawl_url/{n;s/.*: \([0-9]*\) pages more than once.*/\1/p;}")
check "A3's crawl_url without a visited set fetches $again pages more than once" [ "${again:-0}" -gt 0 ]
like "$out" 'for 23 different pages: 0 pages more than once' "with a visited set, each page once"

run $dir/optimized_crawler --quick
like "$out" 'force_close=True : 批量处理完成.* 成功处理: 20 个' "OptimizedCrawler: the 20 URLs (one 503 retried)"
like "$out" 'the site counted 21 connections for 21 requests: a new one for every request' \
    "erratum: force_close=True opens a connection per request"
like "$out" 'connections reused: the pool works' "force_close=False reuses them"

run $dir/robust_client --quick
early=$(printf '%s\n' "$out" | sed -n 's/.*the site counted \([0-9]*\) retr.*/\1/p' | tr '\n' ' ')
check "erratum: safe_fetch retries a 429 before its Retry-After (the site counted: $early)" \
    [ "${early%% *}" -ge 1 ]
is "${early#* }" "0 " "the lab's policy never does"
like "$out" 'ratelimit/1/lab  状态: 200 \(attempt 2\)' "and gets its 200 on the second attempt"
like "$out" '127\.0\.0\.1:1/  错误: Connection refused \(after 3 attempts\)' "a client error, retried with back-off"
like "$out" '/never  错误: Connection timed out \(after 3 attempts\)' "a timeout, retried with back-off"

# At the full scale: a request times out at 4 times the slowest page's delay (1 s), and
# under TSan on a busy machine a 1 s page took up to 1.97 s to come back.
run $dir/resource_stats --quick --scale 1
like "$out" 'total_requests \(answered\) +49' "ResourceManagedClient: 49 answered (one never is)"
like "$out" 'failed_requests +2' "2 failed (a 500 and the request never answered)"
avg=$(printf '%s\n' "$out" | awk '/^avg_response_time/ { print $2 }')
median=$(printf '%s\n' "$out" | awk '/^median/ { print $3 }')
p99=$(printf '%s\n' "$out" | awk '/^99th/ { print $4 }')
check "the median ($median s) is below the average ($avg s), the p99 ($p99 s) above it" \
    sh -c "num_cmp() { awk -v a=\"\$1\" -v b=\"\$3\" 'BEGIN { exit !(a < b) }'; }; num_cmp $median '<' $avg && num_cmp $avg '<' $p99"
like "$out" 'connections for 50 requests \(at most 10 at once\): reused' "the pool reused connections"

run $dir/shared_pool --quick
like "$out" 'a session per request: 50 requests ok, 5 at a time: 50 connections opened' \
    "a session per request: a connection per request"
n=$(printf '%s\n' "$out" | sed -n 's/.*one shared session: .* \([0-9]*\) connections opened.*/\1/p')
check "one shared session: $n connections for 50 requests (at most the 5 at a time, reused)" \
    [ "${n:-99}" -le 5 ]

run $dir/four_ways --quick
is "$rc" 0 "four_ways exits 0"
for way in sequential threads callbacks coroutines; do
    is "$(result four_ways.$way.pages)" 40 "four_ways: the $way way crawled the 40 pages"
done
check "one after another took at least the 37 delayed pages x 0.02 s: $(result four_ways.sequential.wall) s" \
    num_cmp "$(result four_ways.sequential.wall)" ">=" 0.74
for way in threads callbacks coroutines; do
    check "$way took less than one after another" \
        num_cmp "$(result four_ways.$way.wall)" "<" "$(result four_ways.sequential.wall)"
done
like "$out" 'threads, blocking fetches +40 .* 21 ' "the threads way ran on 21 threads"
like "$out" 'coroutines on the loop +40 .* 1 ' "the coroutines on 1"
done_testing
