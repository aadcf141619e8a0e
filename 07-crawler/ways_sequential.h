/* ways_sequential.h — the crawl of ways.h, one page after another, one easy handle, blocking. */
#ifndef WAYS_SEQUENTIAL_H
#define WAYS_SEQUENTIAL_H

struct way_result;

/* Crawl from start, at most max_pages, concurrency fetches in flight at most. */
void way_sequential(const char *start, long max_pages, long concurrency, struct way_result *r);

/* The lines of ways_sequential.c: what this way costs a reader to write. */
extern const int way_sequential_lines;

#endif
