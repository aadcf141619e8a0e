/*
 * site_counts.h — the local test site's counts, read by a crawler program from GET /stats
 * (site.h), so what it claims about its limits and its connections is proved from the
 * server's side.
 */
#ifndef SITE_COUNTS_H
#define SITE_COUNTS_H

struct curl_loop;

struct site_counts {
    long connections;    /* connections the site accepted */
    long requests;       /* requests it answered */
    long in_flight_peak; /* the most requests in flight at once */
    long early_retries;  /* /ratelimit retries before their Retry-After */
    long reachable;      /* paths a correct crawl from / fetches */
    long hits;           /* requests for the paths below (not /stats) */
    long paths;          /* different paths served */
    long paths_again;    /* of them, served more than once */
    long most_hits;      /* the most times one path was served */
    long traps;          /* hits on /trap/...: links a crawler must never follow */
};

/* Read the counts of the site on 127.0.0.1:port (in a task); 0 or fetch's error. */
int site_counts_get(struct curl_loop *cl, int port, struct site_counts *out);

/* How many times the site served `path`, from the same read (0 if never): in a task. */
int site_counts_hits(struct curl_loop *cl, int port, const char *path, long *hits, double *first,
                     double *last);

/* Start the counts again (GET /stats/reset). */
int site_counts_reset(struct curl_loop *cl, int port);

/* The same outside any loop, with a blocking transfer (for a program without tasks). */
int site_counts_get_blocking(int port, struct site_counts *out);
int site_counts_reset_blocking(int port);

#endif
