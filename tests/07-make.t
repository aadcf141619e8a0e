#!/bin/sh
# Chapter 07 needs libcurl and libxml2 (07-crawler/LIBS). Where pkg-config cannot find
# them, make says which packages to install and still builds every other chapter, and
# the chapter's tests skip with that reason (or fail under LAB_REQUIRE_ALL=1).
. "${0%/*}/lib.sh"
require_optional "command -v make" make

# A pkg-config that finds nothing stands for a machine without the libraries.
mkdir -p "$tap_tmp/bin"
printf '#!/bin/sh\nexit 1\n' >"$tap_tmp/bin/pkg-config"
chmod +x "$tap_tmp/bin/pkg-config"
plan() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n BUILD="$tap_tmp/plan" "$@" 2>&1
}
without=$(PATH="$tap_tmp/bin:$PATH" plan all)
like "$without" '07-crawler is not built: .*apt-get install pkg-config libcurl4-openssl-dev libxml2-dev' \
    "without the libraries, make names the packages to install"
unlike "$without" "-o $tap_tmp/plan/07-crawler/" "and builds nothing of chapter 07"
like "$without" "-o $tap_tmp/plan/02-event-loop/server " "but still builds the other chapters"
skipped=$(PATH="$tap_tmp/bin:$PATH" env -u LAB_REQUIRE_ALL sh -c '. tests/lib.sh; require_libs 07-crawler; echo ran')
like "$skipped" '^1\.\.0 # SKIP 07-crawler.s libraries .*libcurl4-openssl-dev libxml2-dev' \
    "a chapter 07 test skips, saying what to install"
required=$(PATH="$tap_tmp/bin:$PATH" LAB_REQUIRE_ALL=1 sh -c '. tests/lib.sh; require_libs 07-crawler; echo ran')
like "$required" '^Bail out!' "and fails under LAB_REQUIRE_ALL=1"

if pkg-config --exists libcurl libxml-2.0 2>/dev/null; then
    with=$(plan all)
    like "$with" "-o $tap_tmp/plan/07-crawler/crawl .*-lcurl" "with them, chapter 07 links libcurl"
    like "$with" "-o $tap_tmp/plan/bench/07-curl_multi .*-lcurl" "and so does its bench program"
    unlike "$with" "-o $tap_tmp/plan/02-event-loop/server .*-lcurl" "and no other chapter does"
fi
done_testing
