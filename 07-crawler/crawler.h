/*
 * crawler.h — a crawl on the lab's loop: worker tasks take URLs from a queue, fetch them
 * (fetch.h) under the policies of policy.h, and put the links they find back in.
 * The shape of 500 Lines' asyncio crawler (ASYNCIO-LAWS §5.6), without its bugs:
 *   - N workers `queue_get` → fetch → `queue_task_done`, the last always (even when the
 *     fetch failed or the worker is cancelled), so `queue_join` cannot hang;
 *   - a URL is marked seen *before* it is queued, so it is queued once (without the
 *     visited set, A3's crawler, the same pages are fetched again and again), and
 *     fetched once whatever path reaches it later (the depth law below);
 *   - once the queue is joined, it is shut down and the workers end on their own
 *     (-ESHUTDOWN), none cancelled and none swallowing a cancel;
 *   - cancelled from outside (Ctrl-C), the task group cancels every worker, each
 *     worker's transfer is removed from the multi handle, and crawl returns -ECANCELED
 *     with the pages finished already reported.
 * Every page requested gets a line (unless quiet) and a report row; links are followed
 * from HTML pages only, never from other hosts unless any_host, and never beyond
 * max_pages URLs in all.
 * The depth law: with `depth` N, every page whose shortest link distance from a start
 * URL is at most N is fetched, exactly once, and no other page, however the fetches
 * interleave (unless max_pages ends the crawl first). The distance counts the links the
 * crawl follows: from HTML pages, to the start hosts (unless any_host), the first
 * links_per_page of each page. Pages are fetched at once, not level by level, so a page is
 * often first found by a longer path (a link across its own level, whose page answered
 * sooner); its depth is the smallest found so far, and when a shorter path shows up
 * later it is lowered:
 *   - queued or in flight: its links are followed from the smaller depth when it is done;
 *   - fetched already: its links, kept for that, are followed again from the smaller
 *     depth, and so on down the pages they reach — nothing is fetched twice.
 * So every HTML page's links are parsed, also at depth N (they wait for a shorter path),
 * and kept until the crawl ends — except at depth 0 and 1, which nothing can lower.
 * Pages saved (save_dir) go into that directory only, whatever their URL says: each
 * body in a file named by its number (000001.body...), and index.tsv maps number to URL;
 * no name comes from a URL, so "../" in a path cannot write outside the directory.
 */
#ifndef CRAWLER_H
#define CRAWLER_H

#include "fetch.h"
#include "policy.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct curl_loop;

struct crawl_options {
    long concurrency;    /* worker tasks: requests in flight at most */
    long per_host;       /* requests in flight to one host at most (0: no limit) */
    long depth;          /* levels of links followed from the start URLs */
    long max_pages;      /* URLs requested at most */
    long links_per_page; /* the first N links of a page followed (0: all) */
    bool any_host;       /* follow links to other hosts than the start URLs' */
    double timeout;      /* seconds per attempt (0: none): a timeout() scope; libcurl's
                            CURLOPT_TIMEOUT_MS is set to twice it, as a backstop */
    struct retry_policy retry;
    struct fetch_options fetch;
    uint64_t seed;       /* the back-off's jitter */
    bool quiet;          /* no line per page */
    FILE *report;        /* a tab-separated row per URL requested, or NULL */
    int save_dir;        /* a directory fd to save pages in (see crawl_save), or -1 */
};

#define CRAWL_DEFAULTS                                                                             \
    {                                                                                              \
        .concurrency = 10, .per_host = 0, .depth = 3, .max_pages = 1000, .timeout = 10,           \
        .retry = RETRY_DEFAULTS, .fetch = FETCH_DEFAULTS, .seed = 1, .save_dir = -1             \
    }

struct crawl_stats {
    long requested, ok, failed; /* URLs, and how they ended (ok: a 2xx in the end) */
    long attempts;              /* requests made, retries included */
    long timeouts, cut;         /* attempts that timed out; bodies cut at the cap */
    long in_flight_peak;        /* the most fetches in flight at once */
    long connects;              /* connections opened */
    double bytes, seconds;      /* body bytes, and the crawl's wall time */
    double response_total;      /* seconds of every URL (its attempts and waits), summed */
};

/* Crawl from start[0, n) (in a task). 0, -ECANCELED, or an error of the start URLs. */
int crawl(struct curl_loop *cl, char *const *start, size_t n, const struct crawl_options *o,
          struct crawl_stats *st);

/* The header line of the report: the names of its columns. */
void crawl_report_header(FILE *report);

#endif
