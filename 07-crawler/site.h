/*
 * site.h — the local test site the crawlers of this chapter fetch from: 127.0.0.1 only,
 * on the lab's server (common/httpd.h) and loop. It serves
 *   - the httpbin.org endpoints the articles use: /delay/N (seconds, fractions too, at
 *     most 10), /status/N, /html, /json;
 *   - a generated site of linked pages, "/" and /page/K (site_pages.h), each answered
 *     after --delay seconds (with --jitter, each after its own part of it);
 *   - /detour/: two ways to one page, /detour/target: a long way (/detour/long/1,
 *     /detour/long/2) and a short, slow one (/detour/slow, answered after 1 s), then a
 *     chain /detour/next/1 .. /detour/next/10; a crawler finds target the long way first;
 *   - faults, each on its own path:
 *       /flaky/N/ID      503 the first N times, then 200
 *       /ratelimit/S/ID  429 with "Retry-After: S" until S seconds after the first hit
 *                        (an earlier retry is counted as early), then 200
 *       /never           a request never answered
 *       /reset           announces 100000 bytes, sends 1000, resets the connection
 *       /malformed       HTML with unclosed tags and unquoted attributes
 *       /redirect/N      N redirects, then /html;  /loop/a <-> /loop/b  a redirect loop
 *       /huge            a chunked body of --huge bytes, no Content-Length
 *       /data.txt        text/plain holding <a href> bytes
 *   - /stats: its counts, one per line (connections opened, requests, the most in
 *     flight at once, early retries, then "path P hits N first T last T" for every
 *     path); /stats/reset starts them again.
 */
#ifndef SITE_H
#define SITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct httpd;
struct loop;

struct site_options {
    long pages, links, depth; /* the generated site (site_pages.h); depth 0: what pages need */
    uint64_t seed;
    double delay;      /* seconds before a generated page is answered */
    bool jitter;       /* each page its own delay, from 0 to `delay` (seeded): pages
                          fetched at once answer in an order of their own */
    long huge_bytes;   /* /huge's body */
    long max_connections;
};

#define SITE_DEFAULTS                                                                              \
    {                                                                                              \
        .pages = 100, .links = 5, .depth = 0, .seed = 1, .delay = 0, .huge_bytes = 8 << 20,       \
        .max_connections = 4096                                                                    \
    }

struct site;

/* The site's pages laid out; NULL and a message in why[] when the options cannot be. */
struct site *site_new(const struct site_options *o, char *why, size_t why_len);
void site_free(struct site *site);

/* Levels of pages below the root. */
long site_depth(const struct site *site);

/* Pages a correct crawl from "/" fetches (site_pages_reachable). */
long site_reachable(const struct site *site);

/* Serve on 127.0.0.1:port (0: any) in a child process until SIGTERM (site_stop); *port_out
 * is the port. Its counts are on GET /stats (site_counts.h). Returns the child's pid. */
pid_t site_spawn(struct site *site, long port, int *port_out);

/* Stop a spawned site (SIGTERM) and wait for it: 0 if it ended cleanly. */
int site_stop(pid_t pid);

/* Serve on an existing loop (the site program). */
struct httpd *site_serve(struct site *site, struct loop *loop, int listen_fd);

/* Print the counts (as /stats does) to `out`. */
void site_report(struct site *site, struct httpd *server, FILE *out);

#endif
