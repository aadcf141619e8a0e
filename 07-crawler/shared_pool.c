/*
 * shared_pool.c — one session for every request, or one per request: the connections
 * the server counts.
 *
 * A0 §5.1 「代码结构最佳实践」 (`async with aiohttp.ClientSession() as session`) and
 * §5.2 「性能优化策略」 (连接池复用: TCPConnector(limit=100) shared by one session).
 * A session here is a curl_loop: one libcurl multi handle, whose connection pool and
 * DNS cache every transfer added to it shares.
 * Watch: a new session per request opens a connection per request (and a TCP handshake,
 * and a socket left in TIME_WAIT, each time); one shared session opens at most as many as
 * run at once, and reuses them. The site counts both. Sometimes fewer still, even none: a
 * local site can answer so fast that libcurl finishes a transfer inside the call that
 * started it, and hands the same connection to the next one.
 */
#include "curl_loop.h"
#include "fetch.h"
#include "session.h"
#include "site_counts.h"

#include "args.h"
#include "check.h"
#include "loop.h"
#include "say.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static long requests = 200, concurrency = 5;

struct worker {
    struct session *s;
    bool shared; /* one session for all, or a new one per request */
    long *next;
    long ok;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct fetch_options o = FETCH_DEFAULTS;
    while (*w->next < requests) {
        ++*w->next;
        /* async with aiohttp.ClientSession() as session: — per request, or once for all */
        struct curl_loop *cl = w->shared ? w->s->cl : curl_loop_new(w->s->loop);
        struct fetch_result r;
        int err = fetch(cl, session_url(w->s, "/json"), &o, &r);
        w->ok += !err && r.status == 200;
        fetch_result_free(&r);
        if (!w->shared)
            curl_loop_free(cl); /* its pool closes with it */
        if (err == -ECANCELED)
            return task_raise(err, "fetching");
    }
    return NULL;
}

static int measure(struct session *s, bool shared)
{
    struct worker *w = xcalloc((size_t)concurrency, sizeof *w);
    long next = 0;
    for (long i = 0; i < concurrency; i++)
        w[i] = (struct worker){s, shared, &next, 0};
    /* TCPConnector(limit=100) keeps its connections. libcurl's pool keeps 4 idle ones per
     * easy handle in the multi handle, so it shrinks as transfers end and would close
     * connections only to open new ones: it keeps as many as run at once instead. */
    if (shared)
        curl_multi_setopt(curl_loop_multi(s->cl), CURLMOPT_MAXCONNECTS, concurrency);
    struct site_counts before, after;
    int err = site_counts_get(s->cl, s->port, &before);
    double start = loop_time(s->loop);
    if (!err)
        err = session_gather("worker", concurrency, work, w, sizeof *w);
    double took = loop_time(s->loop) - start;
    if (!err)
        err = site_counts_get(s->cl, s->port, &after);
    long ok = 0;
    for (long i = 0; i < concurrency; i++)
        ok += w[i].ok;
    if (!err)
        say("%-22s %ld requests ok, %ld at a time: %ld connections opened, %.3f s (%.0f us a request)",
            shared ? "one shared session:" : "a session per request:", ok, concurrency,
            after.connections - before.connections, took,
            took * 1e6 / (double)requests);
    free(w);
    return err;
}

static int body(struct session *s, void *arg)
{
    (void)arg;
    int err = measure(s, false);
    return err ? err : measure(s, true);
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("requests", "N", &requests, 1, 1000000, "GETs of /json"),
        OPT_INT("concurrency", "N", &concurrency, 1, 1000, "worker tasks"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&requests, 50),
        OPT_END,
    };
    args_parse(argc, argv, "The same GETs with a new session (multi handle) per request, then "
                           "one shared: the connections the site counts.", opts);
    struct site_options so = SITE_DEFAULTS;
    return session_run(&so, body, NULL, NULL) ? 1 : 0;
}
