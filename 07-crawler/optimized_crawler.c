/*
 * optimized_crawler.c — A3's OptimizedCrawler: a connection pool, batches of 5 with a
 * 0.1 s pause, a 5xx retried after 2**attempt seconds; and its erratum, counted by the
 * server.
 *
 * A3 「性能优化策略」: TCPConnector(limit=100, limit_per_host=30, ttl_dns_cache=300,
 * force_close=True) under the comment 连接池配置, then batch_fetch of twenty
 * httpbin.org/delay/1 in batches of 5. Here libcurl's multi handle is the pool (and the
 * DNS cache: CURLOPT_DNS_CACHE_TIMEOUT, 60 s by default), and force_close=True is
 * CURLOPT_FRESH_CONNECT + CURLOPT_FORBID_REUSE: a new connection per request, closed after.
 * Watch the erratum: with force_close=True the site counts one connection per request —
 * the pool the comment promises is off; with force_close=False the same run opens about
 * one connection per request in flight (5), and reuses them. One URL answers 503 once:
 * it is fetched again 2**0 = 1 s later.
 */
#include "fetch.h"
#include "session.h"
#include "site_counts.h"

#include "args.h"
#include "check.h"
#include "loop.h"
#include "say.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static long urls = 20, batch_size = 5;
static double delay = 1, pause_s = 0.1, backoff = 1;

struct get {
    struct session *s;
    char url[96];
    bool force_close, ok;
};

/* fetch_with_retry(url, max_retries=3): a 5xx or an error waits 2**attempt, then again. */
static void *fetch_with_retry(void *arg)
{
    struct get *g = arg;
    struct fetch_options o = FETCH_DEFAULTS;
    o.timeout = 10;
    o.fresh_connection = g->force_close;
    for (int attempt = 0; attempt < 3; attempt++) {
        struct fetch_result r;
        int err = fetch(g->s->cl, g->url, &o, &r);
        long status = r.status;
        fetch_result_free(&r);
        if (err == -ECANCELED)
            return task_raise(err, "fetching");
        g->ok = !err && status == 200;
        if (!err && status < 500)
            return NULL;
        err = async_sleep(backoff * pow(2, attempt));
        if (err)
            return task_raise(err, "backing off");
    }
    return NULL;
}

static int batch_fetch(struct session *s, bool force_close)
{
    struct get *gets = xcalloc((size_t)urls, sizeof *gets);
    for (long i = 0; i < urls; i++) {
        gets[i] = (struct get){.s = s, .force_close = force_close};
        if (i == 0) /* one flaky URL: 503 once, then 200 */
            snprintf(gets[i].url, sizeof gets[i].url, "%s/flaky/1/%s", s->base,
                     force_close ? "closed" : "pooled");
        else
            snprintf(gets[i].url, sizeof gets[i].url, "%s/delay/%g", s->base, delay);
    }
    site_counts_reset(s->cl, s->port);
    struct site_counts before, after;
    int err = site_counts_get(s->cl, s->port, &before);
    double start = loop_time(s->loop);
    for (long i = 0; i < urls && !err; i += batch_size) {
        long n = urls - i < batch_size ? urls - i : batch_size;
        err = session_gather("fetch", n, fetch_with_retry, gets + i, sizeof *gets);
        if (!err && i + batch_size < urls)
            err = async_sleep(pause_s); /* 添加延迟避免过于频繁的请求 */
    }
    double took = loop_time(s->loop) - start;
    long ok = 0;
    for (long i = 0; i < urls; i++)
        ok += gets[i].ok;
    if (!err)
        err = site_counts_get(s->cl, s->port, &after);
    if (!err) {
        long opened = after.connections - before.connections;
        say("force_close=%s: 批量处理完成,耗时: %.2f秒; 成功处理: %ld 个", force_close ? "True " : "False",
            took, ok);
        say("  the site counted %ld connections for %ld requests: %s", opened, after.hits,
            opened >= after.hits ? "a new one for every request, no pool (the erratum)"
                                 : "connections reused: the pool works");
    }
    free(gets);
    return err;
}

static int body(struct session *s, void *arg)
{
    (void)arg;
    int err = batch_fetch(s, true);
    return err ? err : batch_fetch(s, false);
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("urls", "N", &urls, 1, 10000, "GETs of /delay/S (the first one flaky)"),
        OPT_INT("batch-size", "N", &batch_size, 1, 10000, "URLs gathered at a time"),
        OPT_DOUBLE("delay", "S", &delay, 0, 10, "seconds the site waits before each answer"),
        OPT_DOUBLE("backoff", "S", &backoff, 0, 10, "the retry waits backoff * 2**attempt"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&delay, 0.1),
        OPT_QUICK_DOUBLE(&backoff, 0.1),
        OPT_END,
    };
    args_parse(argc, argv, "A3's OptimizedCrawler: batches, 2**attempt retries, and what "
                           "force_close=True does to its pool, counted by the site.", opts);
    struct site_options so = SITE_DEFAULTS;
    return session_run(&so, body, NULL, NULL) ? 1 : 0;
}
