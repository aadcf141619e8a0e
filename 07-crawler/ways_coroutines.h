/* ways_coroutines.h — the crawl of ways.h, tasks on the lab's loop, each awaiting its fetch. */
#ifndef WAYS_COROUTINES_H
#define WAYS_COROUTINES_H

struct way_result;

/* Crawl from start, at most max_pages, concurrency fetches in flight at most. */
void way_coroutines(const char *start, long max_pages, long concurrency, struct way_result *r);

/* The lines of ways_coroutines.c: what this way costs a reader to write. */
extern const int way_coroutines_lines;

#endif
