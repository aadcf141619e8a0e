/*
 * links.h — the links of an HTML page, the way a browser would see them: parsed by
 * libxml2's HTML parser (never a regex: a regex finds the <a href> inside a comment,
 * a script or a string, and misses an unquoted one), joined with libcurl's URL API
 * (CURLU) against the page's final URL or its <base href>.
 *
 * Laws (ASYNCIO-LAWS §5.5, §5.6):
 *   - only <a href> elements count: nothing in comments, scripts, styles or text;
 *   - an href is stripped of the ASCII whitespace around it (HTML allows it; CURLU
 *     would take " http://x/ " as a relative path);
 *   - a fragment-only href ("#top") names the same page: skipped; every other href
 *     loses its #fragment (libcurl 7.88.1 joins "#s" wrongly, and a fragment is not a
 *     different page);
 *   - an href with a scheme other than http or https (mailto:, javascript:, tel:,
 *     ftp:) is skipped before joining: CURLU fails on them anyway;
 *   - the host of every link is lowercased and a default port dropped, so one page has
 *     one spelling (url_key); the links of a page are returned once each, in order.
 */
#ifndef LINKS_H
#define LINKS_H

#include <stdbool.h>
#include <stddef.h>

struct links {
    char **url;
    size_t count, cap;
};

/* The links of html[0, len), a page fetched from base_url. Free with links_free. */
void links_extract(const char *html, size_t len, const char *base_url, struct links *out);
void links_free(struct links *l);

/* href joined with base (both as written), or NULL if it is not a page to follow. */
char *links_join(const char *base, const char *href);

/* The spelling of a URL used to tell pages apart (lowercased host, no default port, no
 * fragment), or NULL if it does not parse. */
char *url_key(const char *url);

/* "host:port" of a URL (lowercased; port 80/443 filled in), or NULL. */
char *url_host_port(const char *url);

/* Is the content type HTML (text/html or application/xhtml+xml)? */
bool links_is_html(const char *content_type);

/* At the end of a program: libxml2 frees what it keeps for the process (valgrind then
 * sees nothing still reachable). No parsing after it. */
void links_cleanup(void);

#endif
