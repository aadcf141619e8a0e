/*
 * crawl_frontier.h — a crawl's frontier: the visited set, the queue of pages to fetch,
 * and the depth law (crawler.h) that says which pages a crawl to depth N fetches.
 *
 *     crawl_frontier_found(f, url_key, 0);    // each start URL
 *     ... a worker: queue_get(f->queue) gives a struct page; fetch page->url ...
 *     page->links = its links (links.h);      // or none: not HTML, or it failed
 *     crawl_frontier_follow(f, page);         // queues its links, at page->depth + 1
 *
 * Laws:
 *   - a URL is queued once, the first time it is found, unless max_pages are queued
 *     already: a struct page, owned by the frontier (the queue never frees its items);
 *   - a page's depth is the smallest found so far. Found again by a shorter path while
 *     queued or in flight, it takes the smaller depth, and crawl_frontier_follow uses
 *     it; found again after that, its links are followed again from the smaller depth
 *     — and so on down the pages they reach — and it is not queued again;
 *   - links are followed only from pages below the depth limit, but kept at the limit
 *     too (a shorter path may lower the page), until crawl_frontier_free; except at
 *     depth 0 and 1, which nothing can lower (the start URLs are all found first).
 * Not thread-safe: one loop's tasks.
 */
#ifndef CRAWL_FRONTIER_H
#define CRAWL_FRONTIER_H

#include "links.h"
#include "tally.h"

#include <stddef.h>

struct queue;

struct page {
    const char *url;    /* its url_key (the visited set's copy) */
    long depth;         /* the shortest link distance from a start URL found so far */
    long followed;      /* the depth its links were followed from; -1: not yet */
    struct links links; /* set by the fetcher before crawl_frontier_follow */
};

struct crawl_frontier {
    struct queue *queue; /* of struct page *, unbounded (max_pages bounds it) */
    long depth, max_pages, queued;
    struct tally seen;   /* every url_key found, each with its page (none past max_pages) */
    struct page **again; /* pages whose links wait to be followed (again) */
    size_t again_count, again_cap;
};

void crawl_frontier_init(struct crawl_frontier *f, long depth, long max_pages);
void crawl_frontier_free(struct crawl_frontier *f);

/* A link to `key` (a url_key) found at `depth`. */
void crawl_frontier_found(struct crawl_frontier *f, const char *key, long depth);

/* The page was fetched (its links set, maybe none): follow them from its depth. */
void crawl_frontier_follow(struct crawl_frontier *f, struct page *p);

#endif
