/* ways_threads.h — the crawl of ways.h, a pool of threads, each doing blocking fetches. */
#ifndef WAYS_THREADS_H
#define WAYS_THREADS_H

struct way_result;

/* Crawl from start, at most max_pages, concurrency fetches in flight at most. */
void way_threads(const char *start, long max_pages, long concurrency, struct way_result *r);

/* The lines of ways_threads.c: what this way costs a reader to write. */
extern const int way_threads_lines;

#endif
