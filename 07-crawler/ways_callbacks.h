/* ways_callbacks.h — the crawl of ways.h, libcurl's multi handle with plain callbacks: no task, no thread. */
#ifndef WAYS_CALLBACKS_H
#define WAYS_CALLBACKS_H

struct way_result;

/* Crawl from start, at most max_pages, concurrency fetches in flight at most. */
void way_callbacks(const char *start, long max_pages, long concurrency, struct way_result *r);

/* The lines of ways_callbacks.c: what this way costs a reader to write. */
extern const int way_callbacks_lines;

#endif
