/*
 * ways.h — the same crawl written four ways, for four_ways.c (A0 §3.1 「回调、协程、绿程、
 * 线程对比」): one after another, a pool of threads each doing blocking fetches, libcurl's
 * multi handle with plain callbacks, and tasks on the lab's loop (crawler.h). Each way
 * is one file (ways_sequential.c, ways_threads.c, ways_callbacks.c, ways_coroutines.c),
 * and says how many lines it took (way_X_lines, __LINE__ at its end).
 *
 * What they share, the crawl itself: a frontier of URLs to fetch, each queued once (a
 * visited set), links taken from HTML pages of the start host, at most max_pages.
 */
#ifndef WAYS_H
#define WAYS_H

#include "tally.h"

#include <curl/curl.h>
#include <stddef.h>

struct frontier {
    char **url; /* queued, in order; url[next] is the next to fetch */
    size_t next, count, cap;
    struct tally seen;
    char *host;
    long max_pages;
};

void frontier_init(struct frontier *f, const char *start, long max_pages);
void frontier_free(struct frontier *f);

/* The next URL to fetch (the frontier keeps it), or NULL when none is waiting. */
const char *frontier_next(struct frontier *f);

/* Queue the unseen same-host links of an HTML page fetched from url. */
void frontier_add_links(struct frontier *f, const char *url, const char *content_type,
                        const char *body, size_t len);

/* A body read by a blocking or callback transfer. */
struct body {
    char *data;
    size_t len, cap;
};

/* An easy handle that writes into b (reset before each transfer), for the plain ways. */
CURL *ways_easy(struct body *b);

/* What one way reports. */
struct way_result {
    long pages;
    double bytes;
    int threads; /* threads it ran on */
};

#endif
