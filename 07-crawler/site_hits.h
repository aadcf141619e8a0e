/*
 * site_hits.h — what the local test site served, path by path: how many times, and when
 * first and last (loop time), so a test reads from the server's side how often a
 * crawler fetched a page and how long it waited before a retry.
 */
#ifndef SITE_HITS_H
#define SITE_HITS_H

#include <stddef.h>

struct site_hit {
    char *path;
    long hits;
    double first, last;
};

struct site_hits {
    struct site_hit *slot; /* open addressing; path NULL: empty */
    size_t cap, used;
};

void site_hits_init(struct site_hits *h);
void site_hits_free(struct site_hits *h);

/* Count one hit on path[0, len) at `now`; returns its entry (hits already counted). */
struct site_hit *site_hits_count(struct site_hits *h, const char *path, size_t len, double now);

/* Forget every count. */
void site_hits_clear(struct site_hits *h);

#endif
