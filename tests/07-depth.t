#!/bin/sh
# The depth law (crawler.h): with --depth N, every page whose shortest link distance from
# the start is at most N is fetched, exactly once, and no other page — even when pages
# fetched at once reach a page by a longer path first. Counted by the site.
. "${0%/*}/lib.sh"
require_optional "command -v curl" "the curl tool"
. "${0%/*}/07-lib.sh"

# fetched: the paths the site served since its last reset, "path:hits" sorted, on one line.
fetched() {
    site_get /stats | awk -v re="${1:-.}" '$1 == "path" && $2 ~ re { print $2 ":" $4 }' | sort | tr '\n' ' '
}

# /detour/: a long way (long/1, long/2) and a short, slow way (slow, answered after 1 s)
# to target, then a chain next/1, next/2... Distances: slow 1, long/1 1, long/2 2,
# target 2, next/K 2 + K. The long way finds target first, at 3: the first-found rule
# (a URL's depth is that of the link it was first found by) missed next/1 with --depth 3
# and next/3 with --depth 5.
site_start
for depth in 2 3 5; do
    site_get /stats/reset >/dev/null
    run $dir/crawl --quiet --concurrency 4 --depth $depth "$site/detour/"
    is "$rc" 0 "crawl --depth $depth $site/detour/: exit 0"
    want="/detour/:1 /detour/long/1:1 /detour/long/2:1 "
    for k in 1 2 3 4 5 6 7; do
        [ $((2 + k)) -le $depth ] && want="$want/detour/next/$k:1 "
    done
    want="$want/detour/slow:1 /detour/target:1 "
    is "$(fetched /detour/)" "$want" "--depth $depth: every page within $depth links fetched once, no other"
    [ $depth -ge 3 ] || continue # at 2, long/2's links are beyond the limit: no long way
    # The case the law is for: the slow page was still waiting its 1 s when target came.
    late=$(site_get /stats | awk '$1 == "path" && $2 == "/detour/slow" { s = $6 }
        $1 == "path" && $2 == "/detour/target" { t = $6 } END { print (t < s + 1) ? "yes" : "no" }')
    is "$late" yes "--depth $depth: target requested before the slow page answered (found the long way first)"
done

# A generated site with links across and back up its levels, 20 pages at once, each
# answered after its own delay (--jitter, up to 50 ms): the order pages are found in is
# the fetches' race. A page's level is its shortest distance from / (links never go
# more than one level down), read from the same site served without the delay.
shape="--pages 300 --links 6 --depth 6"
site_start $shape
curl -sS --retry 3 --retry-all-errors --retry-delay 0 "$site/page/[1-299]" 2>"$tap_tmp/curl.err" | sed -n 's/.*<h1 id="top">page \([0-9]*\), level \([0-9]*\)<.*/\1 \2/p' >"$tap_tmp/levels"
is "$(wc -l <"$tap_tmp/levels" | tr -d ' ')" 299 "the site's 299 pages, each with its level"
[ -s "$tap_tmp/curl.err" ] && diag "curl: $(head -3 "$tap_tmp/curl.err")"
site_start $shape --delay 0.05 --jitter
for depth in 2 4; do
    site_get /stats/reset >/dev/null
    run $dir/crawl --quiet --concurrency 20 --per-host 0 --depth $depth "$site/"
    is "$rc" 0 "crawl --depth $depth $site/: exit 0"
    want=$( (echo "/:1"
        awk -v n=$depth '$2 <= n { print "/page/" $1 ":1" }' "$tap_tmp/levels"
        [ $depth -ge 1 ] && printf '/data.txt:1\n/malformed:1\n'
        [ $depth -ge 2 ] && echo "/malformed-target:1") | sort | tr '\n' ' ')
    is "$(fetched)" "$want" "--depth $depth: the $(echo "$want" | wc -w | tr -d ' ') paths within $depth links, each once, and no other"
done
site_stop
done_testing
