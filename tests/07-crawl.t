#!/bin/sh
# The crawl program against the local test site: every reachable page fetched once and
# no trap followed; the limits held as the *server* counts them; each fault met as the
# policies say; Ctrl-C leaves no fd and a report of what finished.
. "${0%/*}/lib.sh"
require_optional "command -v curl" "the curl tool"
. "${0%/*}/07-lib.sh"

# Alone, it starts the site itself and checks the site's counts.
run $dir/crawl --quick
is "$rc" 0 "crawl --quick exits 0"
like "$out" 'verdict: every page it could reach fetched once, no trap followed' "its own verdict from the site's counts"
like "$out" 'fds left open: 0$' "no fd left open"

# The same checked here: a site of 100 pages, crawled through the program's URL argument,
# to its depth (3 levels of pages; /malformed-target is 2 links away): the depth law
# (crawler.h) fetches every page within 3 links, however the fetches interleave.
site_start --pages 100
run $dir/crawl --quiet --depth 3 --report "$tap_tmp/r.tsv" "$site/"
is "$rc" 0 "crawl $site/: exit 0"
is "$(site_get /stats | awk '$1 == "path"' | wc -l | tr -d ' ')" "$(site_stat reachable)" "every reachable path was requested..."
is "$(site_get /stats | awk '$1 == "path" && $4 != 1' | wc -l | tr -d ' ')" 0 "...once"
is "$(site_hits_matching '^/trap/')" 0 "no trap: links in comments, scripts, text/plain, other hosts"
is "$(head -1 "$tap_tmp/r.tsv")" "$(printf 'url\tstatus\tbytes\tattempts\tms\terror')" "the report names its columns"
is "$(($(wc -l <"$tap_tmp/r.tsv") - 1))" "$(site_stat reachable)" "and has a row per URL requested"

# Pages saved: in the directory given and nowhere else, under names no URL chose.
mkdir -p "$tap_tmp/saved"
run $dir/crawl --quiet --save "$tap_tmp/saved" "$site/" "$site/page/..%2F..%2F..%2Fescape" "$site/a/../../../../escape"
is "$(ls "$tap_tmp/saved" | grep -cvE '^([0-9]{6}\.body|index\.tsv)$')" 0 \
    "--save: only NNNNNN.body files and index.tsv in the directory"
is "$(ls "$tap_tmp/saved" | grep -c '\.body$')" "$(grep -c . "$tap_tmp/saved/index.tsv")" "index.tsv names each of them"
is "$(ls "$tap_tmp" | grep -c escape)" 0 "and nothing was written beside it, whatever the URLs said"
run $dir/crawl --save "$tap_tmp/no-such-dir" "$site/"
is "$rc" 2 "--save to a directory that does not exist: exit 2"

# Limits, counted by the server: pages answered after 50 ms, 20 workers, 3 per host.
site_start --pages 60 --delay 0.05
run $dir/crawl --quiet --concurrency 20 --per-host 3 "$site/"
is "$(site_stat in_flight_peak)" 3 "--per-host 3 with 20 workers: the site saw at most 3 requests at once (and 3)"
site_get /stats/reset >/dev/null
run $dir/crawl --quiet --concurrency 4 --per-host 0 "$site/"
is "$(site_stat in_flight_peak)" 4 "--concurrency 4, no per-host limit: at most 4 (and 4)"

# Connections reused: 400 pages, no delay, 50 workers. Transfers end many at once and
# their handles leave the multi handle; the pool still keeps a connection per worker
# (CURLMOPT_MAXCONNECTS), so the site counts no more connections than workers. The
# site's count is cumulative: the difference, less the /stats request's own.
site_start --pages 401
seq 400 | sed "s|^|$site/page/|" >"$tap_tmp/u400"
before=$(site_stat connections)
run $dir/crawl --quiet --depth 0 --per-host 0 --concurrency 50 --url-file "$tap_tmp/u400"
conns=$(($(site_stat connections) - before - 1))
is "$rc" 0 "400 pages, 50 workers: exit 0"
check "the site counted $conns connections for 400 requests: at most one per worker (50)" num_cmp "$conns" "<=" 50

# Faults, each on its own URL (the deadline is generous: a busy machine is not a fault).
site_start --huge 33554432
run $dir/crawl --depth 0 --timeout 20 --retries 3 --per-host 1 --concurrency 2 --max-body 1000000 \
    --report "$tap_tmp/f.tsv" "$site/flaky/2/x" "$site/ratelimit/1/x" "$site/status/404" \
    "$site/loop/a" "$site/huge"
row() { awk -F'\t' -v u="$site$1" '$1 == u' "$2"; }
col() { row "$1" "${3:-$tap_tmp/f.tsv}" | cut -f"$2"; }
is "$(col /flaky/2/x 2)/$(col /flaky/2/x 4)" "200/3" "/flaky/2: 503, 503, then 200 on the third attempt"
is "$(site_hits /flaky/2/x)" 3 "the site served it three times"
is "$(col /ratelimit/1/x 2)/$(col /ratelimit/1/x 4)" "200/2" "429 with Retry-After: 1, then 200"
is "$(site_stat early_retries)" 0 "the retry came no earlier than Retry-After (the site counts early ones)"
gap=$(site_get /stats | awk '$2 == "/ratelimit/1/x" { print $8 - $6 }')
check "the site saw the two requests $gap s apart (>= 1)" num_cmp "$gap" ">=" 1
is "$(col /status/404 2)/$(col /status/404 4)" "404/1" "a 404 is an answer: fetched once, not retried"
like "$(col /loop/a 6)" 'Maximum \(5\) redirects' "the redirect loop stops at --max-redirects (5)"
is "$(($(site_hits /loop/a) + $(site_hits /loop/b)))" 6 "after 6 requests (the first and 5 redirects)"
like "$(col /huge 6)" 'body larger than 1000000 bytes: cut' "the 32 MiB chunked body is cut at --max-body"
check "keeping no more than the cap ($(col /huge 3) bytes)" num_cmp "$(col /huge 3)" "<=" 1000000

# The request never answered: a timeout, retried (transient), and its host slot freed:
# with --per-host 1 the next URL still gets its turn.
run $dir/crawl --depth 0 --timeout 0.5 --retries 1 --per-host 1 --concurrency 2 \
    --report "$tap_tmp/n.tsv" "$site/never" "$site/json"
like "$(col /never 6 "$tap_tmp/n.tsv")" 'no answer within 0.5 s' "the request never answered times out"
is "$(col /never 4 "$tap_tmp/n.tsv")" 2 "after its retry (a timeout is transient)"
is "$(col /json 2 "$tap_tmp/n.tsv")" 200 "with --per-host 1 the next URL got the slot the timed-out fetch freed"

# Memory stays bounded while a 32 MiB body arrives: the cap is enforced as it streams.
if [ -x /usr/bin/time ] && [ -z "$LAB_SANITIZER" ] && [ -z "${LAB_VALGRIND:-}" ]; then
    /usr/bin/time -o "$tap_tmp/rss" -f '%M' "$LAB_BUILD/$dir/crawl" --quiet --depth 0 --max-body 1000000 "$site/huge" >/dev/null 2>&1
    kib=$(tail -1 "$tap_tmp/rss")
    check "crawling /huge with --max-body 1000000 peaks at $kib KiB (under 24 MiB: the body is 32)" num_cmp "$kib" "<" 24576
fi

# Ctrl-C in the middle: exit 130, every transfer removed, the report kept, no fd left.
site_start --pages 200 --delay 0.3
LAB_RESULTS=/dev/null "$LAB_BUILD/$dir/crawl" --report "$tap_tmp/c.tsv" --concurrency 10 "$site/" >"$tap_tmp/c.out" 2>&1 &
pid=$!
# Once a page has finished (a line of its own), not after a fixed while: a sanitizer's
# start on a busy machine can take longer than a few of the site's 0.3 s answers.
tries=0
until grep -q '\] 200 ' "$tap_tmp/c.out" || [ $tries -ge 600 ]; do
    sleep 0.1
    tries=$((tries + 1))
done
kill -INT $pid
wait $pid
is "$?" 130 "Ctrl-C: exit 130"
like "$(cat "$tap_tmp/c.out")" 'interrupted: 0 transfers left in the multi handle \(every transfer removed\)' \
    "every transfer removed from the multi handle, as it counts"
like "$(cat "$tap_tmp/c.out")" 'fds left open: 0$' "no fd left open"
rows=$(($(wc -l <"$tap_tmp/c.tsv") - 1))
check "the report holds the $rows URLs that finished" [ "$rows" -ge 1 ] && [ "$rows" -lt 200 ]
site_stop

for bad in "--concurrency 0" "--per-host -1" "--timeout x" "--max-body 0" "--retries 101"; do
    run $dir/crawl $bad
    is "$rc" 2 "crawl $bad: exit 2"
done
# A Retry-After is obeyed up to max_retry_after (30 s by default): a server asking for an
# hour does not stall the crawl for one. No site here can be waited on for 30 s, so the
# rule is checked on retry_delay() itself, built with this build's compiler and flags.
cat >"$tap_tmp/retry_after.c" <<'END'
#include "policy.h"
#include "rng.h"

#include <stdio.h>

int main(void)
{
    struct retry_policy p = RETRY_DEFAULTS;
    struct rng rng;
    rng_seed(&rng, 1);
    printf("%g %g\n", retry_delay(&p, 1, 2, &rng), retry_delay(&p, 1, 3600, &rng));
    return 0;
}
END
modules=
for h in $dir/*.h; do
    [ -f "${h%.h}.c" ] && modules="$modules $LAB_BUILD/${h%.h}.o"
done
# shellcheck disable=SC2046,SC2086 # command lines and lists, to be split into words
$(cat "$LAB_BUILD/.flags") $(pkg-config --cflags libcurl libxml-2.0) -I$dir -o "$tap_tmp/retry_after" \
    "$tap_tmp/retry_after.c" $modules "$LAB_BUILD/libcommon.a" $(pkg-config --libs libcurl libxml-2.0) -lpthread -lm \
    2>"$tap_tmp/cc.err" || sed 's/^/#   /' "$tap_tmp/cc.err"
is "$("$tap_tmp/retry_after")" "2 30" "Retry-After: 2 is waited as asked; Retry-After: 3600 only 30 s (max_retry_after)"
done_testing
