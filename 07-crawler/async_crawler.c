/*
 * async_crawler.c — A0's AsyncCrawler over 1000+ pages, and its two errata, from the
 * server's counts.
 *
 * A0 §6 「综合案例：异步爬虫系统」 (6.2 实现方案): a global Semaphore(concurrency), a
 * Semaphore(10) per domain, `retries` attempts under asyncio.timeout with a random
 * back-off of 0.5–2 s, and `AsyncCrawler(concurrency=200)` in its usage example.
 * Watch the errata, each measured by the local site:
 *   1. a non-200 answer falls through to the next attempt at once: a 404 is fetched
 *      `retries` times back to back (the site sees 3 hits within milliseconds); the
 *      back-off only follows exceptions. The lab's policy (policy.h) fetches it once.
 *   2. concurrency=200 is capped by the per-domain Semaphore(10) when every page shares
 *      a host: the site never sees more than 10 requests at once.
 */
#include "fetch.h"
#include "policy.h"
#include "session.h"
#include "site_counts.h"

#include "args.h"
#include "check.h"
#include "loop.h"
#include "rng.h"
#include "say.h"
#include "semaphore.h"
#include "timeout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static long pages = 1000, concurrency = 200, retries = 3, missing = 5;
static double timeout_s = 10;

struct crawler {
    struct session *s;
    struct semaphore *global, *domain; /* one host here: its domain semaphore */
    bool lab_policy;
    struct rng rng;
    long ok;
};

struct page {
    struct crawler *c;
    char url[96];
};

/* One attempt under asyncio.timeout(self.timeout). */
static int get(struct crawler *c, const char *url, struct fetch_result *r)
{
    struct fetch_options o = FETCH_DEFAULTS;
    struct timeout *to = timeout(timeout_s);
    int err = timeout_enter(to);
    if (!err)
        err = fetch(c->s->cl, url, &o, r);
    return timeout_exit(to, err);
}

/* The article's fetch(): a non-200 answer goes round the loop at once. */
static int article_fetch(struct crawler *c, const char *url, struct fetch_result *r)
{
    for (long attempt = 0; attempt < retries; attempt++) {
        fetch_result_free(r);
        int err = get(c, url, r);
        if (err == -ECANCELED)
            return err;
        if (!err && r->status == 200)
            return 0;
        if (!err)
            continue; /* print(f"请求失败: ...") — and straight to the next attempt */
        err = async_sleep(rng_uniform(&c->rng, 0.5, 2.0)); /* only after an exception */
        if (err)
            return err;
    }
    return -EIO;
}

/* The lab's (policy.h): retry only what is transient, back off after every failure. */
static int lab_fetch(struct crawler *c, const char *url, struct fetch_result *r)
{
    struct retry_policy p = {.retries = retries - 1, .base = 0.5, .cap = 2, .max_retry_after = 30};
    struct fetch_options o = FETCH_DEFAULTS;
    int attempts;
    fetch_result_free(r);
    int err = policy_fetch(c->s->cl, url, &o, timeout_s, &p, &c->rng, r, &attempts);
    return err ? err : r->status == 200 ? 0 : -EIO;
}

static void *fetch_page(void *arg)
{
    struct page *p = arg;
    struct crawler *c = p->c;
    struct fetch_result r = {0};
    int err = semaphore_acquire(c->global); /* async with self.semaphore, sem: */
    if (!err) {
        err = semaphore_acquire(c->domain);
        if (!err) {
            err = c->lab_policy ? lab_fetch(c, p->url, &r) : article_fetch(c, p->url, &r);
            semaphore_release(c->domain);
        }
        semaphore_release(c->global);
    }
    fetch_result_free(&r);
    c->ok += err == 0;
    return err == -ECANCELED ? task_raise(err, "crawling") : NULL;
}

static int crawl_many(struct session *s, bool lab_policy)
{
    struct crawler c = {s, semaphore_new((int)concurrency), semaphore_new(10), lab_policy, {0}, 0};
    rng_seed(&c.rng, 1);
    long n = pages + missing;
    struct page *list = xcalloc((size_t)n, sizeof *list);
    for (long i = 0; i < n; i++) {
        list[i].c = &c;
        if (i < pages)
            snprintf(list[i].url, sizeof list[i].url, "%s/page/%ld", s->base, i + 1);
        else
            snprintf(list[i].url, sizeof list[i].url, "%s/missing/%ld", s->base, i - pages + 1);
    }
    site_counts_reset(s->cl, s->port);
    double start = loop_time(s->loop);
    int err = session_gather("fetch", n, fetch_page, list, sizeof *list);
    double took = loop_time(s->loop) - start;
    struct site_counts counts;
    long hits;
    double first, last;
    if (!err)
        err = site_counts_get(s->cl, s->port, &counts);
    if (!err)
        err = site_counts_hits(s->cl, s->port, "/missing/1", &hits, &first, &last);
    if (!err) {
        say("%s: 成功爬取%ld页 of %ld in %.2f s", lab_policy ? "the lab's policy" : "the article's fetch",
            c.ok, n, took);
        say("  concurrency=%ld, yet the site saw at most %ld requests at once%s", concurrency,
            counts.in_flight_peak, counts.in_flight_peak <= 10 && concurrency > 10
                                       ? ": the per-domain Semaphore(10) caps it (erratum 2)" : "");
        say("  a 404 (/missing/1) was fetched %ld time%s, %.3f s from first to last%s", hits,
            hits == 1 ? "" : "s", last - first,
            hits > 1 && last - first < 0.5 ? ": back to back, no back-off (erratum 1)" : "");
    }
    semaphore_free(c.global);
    semaphore_free(c.domain);
    free(list);
    return err;
}

static int body(struct session *s, void *arg)
{
    (void)arg;
    int err = crawl_many(s, false);
    return err ? err : crawl_many(s, true);
}

int main(int argc, char **argv)
{
    bool quick = false;
    struct site_options so = SITE_DEFAULTS;
    so.delay = 0.02;
    const struct opt opts[] = {
        OPT_INT("pages", "N", &pages, 1, 100000, "pages to crawl (the article's 1000+)"),
        OPT_INT("concurrency", "N", &concurrency, 1, 100000, "the global semaphore (the example's 200)"),
        OPT_INT("retries", "N", &retries, 1, 100, "attempts per page"),
        OPT_INT("missing", "N", &missing, 0, 1000, "URLs that answer 404"),
        OPT_DOUBLE("timeout", "S", &timeout_s, 0.01, 600, "seconds per attempt"),
        OPT_DOUBLE("delay", "S", &so.delay, 0, 10, "seconds the site waits before each page"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&pages, 200),
        OPT_END,
    };
    args_parse(argc, argv, "A0's AsyncCrawler on the local site, then the lab's policy: the "
                           "errata measured by the server.", opts);
    so.pages = pages + 1;
    return session_run(&so, body, NULL, NULL) ? 1 : 0;
}
