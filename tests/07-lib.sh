# tests/07-lib.sh — chapter 07's tests share a local test site (07-crawler/local_site).
# Source it after lib.sh:
#
#     . "${0%/*}/07-lib.sh"
#     site_start --pages 50 --delay 0.05       # sets $site_port and $site (its URL)
#     site_stat in_flight_peak                  # a count from GET /stats
#     site_hits /page/3                         # hits on one path
#     site_stop                                 # SIGTERM; also done at exit

require_libs 07-crawler
dir=07-crawler
site_pid=

# site_get PATH: the body of GET PATH on the site (curl's own exit status).
site_get() {
    curl -s --max-time 30 "$site$1"
}

site_start() {
    site_stop
    # Emptied first: the shell opens a background job's file only when the job runs, and
    # the wait below must not read the last site's port.
    : >"$tap_tmp/site.out"
    "$LAB_BUILD/$dir/local_site" --seconds 0 "$@" >"$tap_tmp/site.out" 2>&1 &
    site_pid=$!
    tries=0
    while ! grep -q '^listening on' "$tap_tmp/site.out" 2>/dev/null; do
        tries=$((tries + 1))
        [ $tries -lt 300 ] || { echo "Bail out! local_site did not start: $(cat "$tap_tmp/site.out")"; exit 1; }
        sleep 0.1
    done
    site_port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tap_tmp/site.out")
    site=http://127.0.0.1:$site_port
}

site_stop() {
    [ -n "$site_pid" ] || return 0
    kill "$site_pid" 2>/dev/null
    wait "$site_pid"
    site_rc=$?
    site_pid=
}
trap 'site_stop; rm -rf "$tap_tmp"' EXIT

# site_stat NAME: one of the site's counts (connections, requests, in_flight_peak...).
site_stat() {
    site_get /stats | awk -v name="$1" '$1 == name { print $2 }'
}

# site_hits PATH: how many times the site served PATH (0 if never).
site_hits() {
    site_get /stats | awk -v p="$1" '$1 == "path" && $2 == p { n = $4 } END { print n + 0 }'
}

# site_hits_matching REGEX: the sum of hits on the paths matching REGEX.
site_hits_matching() {
    site_get /stats | awk -v re="$1" '$1 == "path" && $2 ~ re { n += $4 } END { print n + 0 }'
}
