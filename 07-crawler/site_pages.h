/*
 * site_pages.h — the generated part of the local test site: `pages` pages in levels
 * 0..depth, seeded. Page 0 is "/", the others "/page/K". Every page at a level below
 * `depth` links to pages of the next level (so each page is reachable, at the depth of
 * its level), and every page has `links` links in all: the others go back to pages at
 * its own level or above, the pages a crawler without a visited set fetches again and
 * again. Links are written every way HTML allows (relative, absolute path, absolute URL,
 * with a #fragment), and every page carries the traps a crawler must not follow: a link
 * inside a comment and inside a script, mailto: and javascript:, another host
 * (localhost instead of 127.0.0.1), a fragment alone. The root also links to a
 * non-HTML body holding <a href> bytes (/data.txt) and to malformed HTML (/malformed).
 */
#ifndef SITE_PAGES_H
#define SITE_PAGES_H

#include <stddef.h>
#include <stdint.h>

struct site_pages {
    long pages, links, depth;
    long *level;   /* level[k]: page k's depth (links from the root) */
    long *targets; /* targets[k * links + i]: the i-th link of page k */
};

/* Lay the site out; a message (and -1) when `pages` cannot fill `depth` levels (0: as
 * few levels as the pages need). */
int site_pages_init(struct site_pages *p, long pages, long links, long depth, uint64_t seed,
                    char *why, size_t why_len);
void site_pages_free(struct site_pages *p);

/* The page a path names ("/" is 0, "/page/K"), or -1. */
long site_pages_find(const struct site_pages *p, const char *path, size_t len);

/* Page k's HTML (malloc'd, *len bytes); `port` names the site in absolute links. */
char *site_pages_render(const struct site_pages *p, long k, int port, size_t *len);

/* Paths a correct crawler from "/" fetches: the pages, /data.txt, /malformed and the
 * page /malformed links to. */
long site_pages_reachable(const struct site_pages *p);

#endif
