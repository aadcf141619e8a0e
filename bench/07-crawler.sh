# Chapter 07: the crawler on loopback, against the local site (sourced by bench/run.sh).
# Wall time against the ideal with a delay per page; CPU per page against a minimal
# libcurl multi loop and against the article's aiohttp crawler, side by side in one run;
# the memory a transfer in flight costs.

site07_tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab-bench07.XXXXXX")
site07_pid=

site07_start() { # ARGS...: a local site; sets site07_base
    "$LAB_BUILD/07-crawler/local_site" --seconds 0 "$@" >"$site07_tmp/site.out" 2>&1 &
    site07_pid=$!
    while ! grep -q '^listening' "$site07_tmp/site.out" 2>/dev/null; do sleep 0.1; done
    site07_base=http://127.0.0.1:$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$site07_tmp/site.out")
}
site07_stop() {
    kill "$site07_pid" 2>/dev/null
    wait "$site07_pid" 2>/dev/null || :
}
site07_urls() { # N: a file of BASE/page/1 .. BASE/page/N, one per line
    seq "$1" | sed "s|^|$site07_base/page/|" >"$site07_tmp/urls.$1"
    echo "$site07_tmp/urls.$1"
}
# median of the values recorded under NAME by each round (one per line in FILE)
site07_median() { sort -g "$1" | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }

pages07=1000
conc07=100
delay07=0.05

# 1. 1000 pages, each answered after 50 ms, 100 at a time: ideally 1000 x 0.05 / 100 s.
# The best of 3 rounds, the crawler and a minimal multi loop side by side in each.
site07_start --pages $((pages07 + 1)) --delay $delay07
for round in 1 2 3; do
    measure 07-crawler/crawl --quiet --depth 0 --per-host 0 --concurrency $conc07 --timeout 30 \
        --url-file "$(site07_urls $pages07)"
    recorded crawl.wall >>"$site07_tmp/wall.crawl"
    measure bench/07-curl_multi "$site07_base" $pages07 $conc07
    recorded curl_multi.wall >>"$site07_tmp/wall.multi"
done
site07_stop
wall07=$(sort -g "$site07_tmp/wall.crawl" | head -1)
wall07_multi=$(sort -g "$site07_tmp/wall.multi" | head -1)
ideal07=$(awk -v p=$pages07 -v d=$delay07 -v c=$conc07 'BEGIN { print p * d / c }')
row_value crawl.wall "$wall07" s "1000+ 网页, concurrency 100 (A0 §6)" "1000 pages x 50 ms, 100 at a time; ideal $ideal07 s; best of 3"
row_value crawl.wall_vs_ideal "$(ratio "$wall07" "$ideal07")" x "—" "target <= 1.1"
row_value curl_multi.wall "$wall07_multi" s "—" "the minimal multi loop, same pages, same rounds: what this machine allows"
row_value crawl.wall_vs_curl_multi "$(ratio "$wall07" "$wall07_multi")" x "—" "the crawler's tasks and policies against the bare loop"

# 2. No delay: CPU per page, the crawler beside a minimal multi loop and aiohttp, 3 rounds.
# Each counts its own CPU from its first transfer to its last (crawl(), the multi loop,
# crawl_many): a process's start, loading libraries (libcurl's TLS library, Python and
# aiohttp) and curl_global_init are outside on every side — tens of milliseconds that
# would otherwise be spread over the pages of one side and not the other.
site07_start --pages $((pages07 + 1))
py07=$(python_for aiohttp)
for round in 1 2 3; do
    printf '  round %s of 3\n' "$round" >&2
    measure 07-crawler/crawl --quiet --depth 0 --per-host 0 --concurrency $conc07 --url-file "$(site07_urls $pages07)"
    recorded crawl.cpu_us_per_page >>"$site07_tmp/crawl"
    measure bench/07-curl_multi "$site07_base" $pages07 $conc07
    recorded curl_multi.cpu_us_per_page >>"$site07_tmp/multi"
    if [ -n "$py07" ]; then
        "$py07" bench/py/aiohttp_crawler.py "$site07_base" $pages07 $conc07 >"$site07_tmp/py.out" 2>&1 &&
            sed -n 's/^cpu_us_per_page //p' "$site07_tmp/py.out" >>"$site07_tmp/py"
    fi
done
site07_stop
crawl07=$(site07_median "$site07_tmp/crawl")
multi07=$(site07_median "$site07_tmp/multi")
row_value crawl.cpu_us_per_page "$crawl07" us "—" "the crawler (tasks, fetch, policies), no link parsing (--depth 0); CPU of crawl() alone; median of 3"
row_value curl_multi.cpu_us_per_page "$multi07" us "—" "bench/07-curl_multi.c: curl_multi_perform + poll, each handle reused, nothing else; CPU of the loop alone"
row_value crawl.cpu_ratio.crawl_vs_curl_multi "$(ratio "$crawl07" "$multi07")" x "—" "target <= 1.5"
if [ -s "$site07_tmp/py" ]; then
    py07_cpu=$(site07_median "$site07_tmp/py")
    row_value crawl.cpu_us_per_page.aiohttp "$py07_cpu" us "—" "A0 §6's AsyncCrawler on aiohttp, same pages; CPU of crawl_many alone; median of 3"
    row_value crawl.cpu_ratio.aiohttp_vs_crawl "$(ratio "$py07_cpu" "$crawl07")" x \
        "asyncio 高并发 I/O (A0 §1.2)" "target >= 5"
else
    echo "  (no python3 with aiohttp: apt-get install python3-aiohttp for the aiohttp rows)" >&2
fi

# 3. Memory per transfer in flight: 500 transfers at once against 50, each held 0.5 s.
site07_start --pages 501 --delay 0.5
measure 07-crawler/crawl --quiet --depth 0 --per-host 0 --concurrency 50 --url-file "$(site07_urls 500)"
rss07_low=$(recorded crawl.peak_rss_kib)
measure 07-crawler/crawl --quiet --depth 0 --per-host 0 --concurrency 500 --url-file "$(site07_urls 500)"
rss07_high=$(recorded crawl.peak_rss_kib)
site07_stop
row_value crawl.bytes_per_transfer "$(awk -v h="$rss07_high" -v l="$rss07_low" 'BEGIN { printf "%.0f", (h - l) * 1024 / 450 }')" B \
    "—" "peak RSS at 500 in flight minus at 50, over 450: easy handle, buffers, task stack, socket"
rm -rf "$site07_tmp"
