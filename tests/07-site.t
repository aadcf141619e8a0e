#!/bin/sh
# The local test site: the httpbin endpoints, the generated pages and every fault do what
# site.h says, and it counts what it served. Checked with the curl tool, the crawlers'
# own tests read the same counts.
. "${0%/*}/lib.sh"
require_optional "command -v curl" "the curl tool"
. "${0%/*}/07-lib.sh"

site_start
like "$(cat "$tap_tmp/site.out")" '^listening on 127\.0\.0\.1:[0-9]+, 100 pages \(5 links each, 3 levels\), 103 paths reachable' \
    "it says where it listens, and how many paths a crawl from / must fetch"

# code PATH [CURL-OPTIONS]: "status size" of GET PATH.
code() {
    p=$1
    shift
    curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 20 "$@" "$site$p"
}
is "$(code /status/418)" "418 5" "/status/418: 418"
is "$(code /json | cut -d' ' -f1)" 200 "/json: 200"
like "$(site_get /html)" '<h1>Herman Melville - Moby-Dick</h1>' "/html: an HTML page"
t=$(curl -s -o /dev/null -w '%{time_total}' "$site/delay/0.3")
check "/delay/0.3 answers after 0.3 s ($t s)" num_cmp "$t" ">=" 0.3
is "$(code /flaky/2/a) $(code /flaky/2/a) $(code /flaky/2/a)" "503 21 503 21 200 21" \
    "/flaky/2/ID: 503 twice, then 200"
like "$(curl -s -i "$site/ratelimit/1/x")" '^Retry-After: 1' "/ratelimit/1/ID: 429 with Retry-After: 1"
is "$(code /ratelimit/1/x)" "429 22" "an early retry: 429 again"
sleep 1.05
is "$(code /ratelimit/1/x | cut -d' ' -f1)" 200 "after the second: 200"
is "$(site_stat early_retries)" 1 "and the site counted one early retry"
is "$(curl -s -L -o /dev/null -w '%{http_code} %{num_redirects}' "$site/redirect/3")" "200 3" \
    "/redirect/3: three redirects, then /html"
curl -s -L --max-redirs 10 -o /dev/null "$site/loop/a"
is "$?" 47 "/loop/a: a redirect loop (curl stops at --max-redirs: error 47)"
is "$(curl -s -D - -o /dev/null "$site/huge" | grep -ci '^content-length')" 0 "/huge has no Content-Length"
is "$(curl -s "$site/huge" | wc -c | tr -d ' ')" 8388608 "and is 8 MiB, chunked"
curl -s -o /dev/null "$site/reset"
is "$?" 56 "/reset: reset in the middle of the body (curl error 56, a receive failure)"
curl -s -o /dev/null --max-time 0.5 "$site/never"
is "$?" 28 "/never: never answered (curl's timeout, error 28)"
is "$(curl -s -I "$site/page/3" | head -1 | tr -d '\r')" "HTTP/1.1 200 OK" "HEAD /page/3: 200"
like "$(site_get /data.txt)" '<a href="/trap/text">' "/data.txt: text/plain with <a href> bytes in it"
is "$(site_hits /flaky/2/a)" 3 "hits are counted per path"

# In flight: three requests at once on /delay/0.5.
site_get /stats/reset >/dev/null
pids=
for i in 1 2 3; do
    curl -s -o /dev/null "$site/delay/0.5" &
    pids="$pids $!"
done
wait $pids
is "$(site_stat in_flight_peak)" 3 "three /delay/0.5 at once: three requests in flight, the most at once"
check "each on its connection" num_cmp "$(site_stat connections)" ">=" 3

# The pages: the root links to its level 1, a page names its level; traps are in place.
root=$(site_get /)
like "$root" '<h1 id="top">page 0, level 0</h1>' "/ is page 0, level 0"
like "$root" '<!-- <a href="/trap/comment">' "it holds a link in a comment"
like "$root" "<script>var s = '<a href=\"/trap/script\">" "and one in a script"
like "$(site_get /page/99)" 'level 3' "page 99 is on level 3"
is "$(code /page/100 | cut -d' ' -f1)" 404 "page 100 does not exist (100 pages: 0..99)"
site_stop
is "$site_rc" 0 "SIGTERM ends the site with status 0"

for bad in "--pages 1000 --depth 1" "--links 0" "--delay -1" "--port 70000"; do
    run $dir/local_site $bad
    is "$rc" 2 "local_site $bad: exit 2"
done
done_testing
