#!/bin/sh
# Links and URL joining (links.h): RFC 3986 §5.4 against the system's libcurl (7.88.1's
# two differences pinned, later versions' fixes accepted), the crawler's own rules on
# top, and libxml2 finding the links of a page and none of its traps.
. "${0%/*}/lib.sh"
. "${0%/*}/07-lib.sh"

run $dir/url_join
is "$rc" 0 "url_join exits 0"
like "$out" '^2 of 20 differ from the RFC$|^0 of 20 differ from the RFC$' \
    "RFC 3986 §5.4: every example as the RFC says, but for 7.88.1's two (fixed in 8.8.0, 8.12.0)"
like "$out" '#s +-> http://a/b/c/(#s +the RFC says http://a/b/c/d;p\?q#s|d;p\?q#s +as the RFC)' \
    "\"#s\": 7.88.1 gives http://a/b/c/#s (the fragment-only bug), later libcurl the RFC's"
like "$out" '../../../g +-> http://a/g +as the RFC' "abnormal ../../../g stays at the root"
like "$out" '//g +-> http://g/ +as the RFC' "//g changes the host"

join() { "$LAB_BUILD/$dir/url_join" "$@"; }
base=http://127.0.0.1:8080/page/3
is "$(join $base ' /page/4#part-3 ')" http://127.0.0.1:8080/page/4 "whitespace around an href stripped, the fragment dropped"
is "$(join $base '#top')" "(not followed)" "a fragment alone is this page: not followed"
is "$(join $base 'mailto:a@b.c' 'javascript:void(0)' 'tel:123' 'ftp://x/y' | sort -u)" "(not followed)" \
    "mailto:, javascript:, tel:, ftp: not followed"
is "$(join $base 'HTTP://X.COM:80/%7Euser/')" "http://x.com/%7Euser/" "host lowercased, default port dropped (one spelling per page)"
is "$(join https://a.example/x '//CDN.example/p')" "https://cdn.example/p" "//host keeps the base's scheme"
is "$(join $base 'a b.html')" "http://127.0.0.1:8080/page/a%20b.html" "a space is encoded"
is "$(join $base '7')" "http://127.0.0.1:8080/page/7" "a relative path joins with the base's directory"
like "$out" 'links libxml2 finds.*' "libxml2 parses the page"
found=$(printf '%s\n' "$out" | sed -n '/^links libxml2 finds/,$p' | tail -n +2 | tr -d ' ' | tr '\n' ' ')
is "$found" "http://127.0.0.1:8080/a http://127.0.0.1:8080/b " \
    "its links: /a (once, though linked twice) and the unquoted /b; not the one in a comment nor in a script"
done_testing
