/*
 * semaphore_limit.c — Semaphore(max_concurrent): at most N requests at once.
 *
 * A3 「并发控制与限流」: fetch_with_limit() sends ten GETs of httpbin.org/delay/1 through
 * `async with semaphore` with max_concurrent=3. Here the same ten on the local site,
 * which counts the requests in flight at once from its side of the sockets.
 * Watch: the site saw at most 3 (the limit is real, not a hope); the total is about
 * ceil(10 / 3) = 4 delays, where without the semaphore it would be one.
 */
#include "fetch.h"
#include "session.h"
#include "site_counts.h"

#include "args.h"
#include "say.h"
#include "semaphore.h"
#include "check.h"
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>

static long urls = 10, max_concurrent = 3;
static double delay = 1;

struct get {
    struct session *s;
    struct semaphore *sem;
    struct fetch_result r;
    int err;
};

static void *fetch_with_semaphore(void *arg)
{
    struct get *g = arg;
    int err = semaphore_acquire(g->sem); /* async with semaphore: */
    if (err)
        return task_raise(err, "waiting for the semaphore");
    struct fetch_options o = FETCH_DEFAULTS;
    char url[96];
    snprintf(url, sizeof url, "%s/delay/%g", g->s->base, delay);
    g->err = fetch(g->s->cl, url, &o, &g->r);
    semaphore_release(g->sem); /* ...released whatever happened, as __aexit__ does */
    return g->err == -ECANCELED ? task_raise(g->err, "fetching") : NULL;
}

static int body(struct session *s, void *arg)
{
    (void)arg;
    struct get *gets = xcalloc((size_t)urls, sizeof *gets);
    struct semaphore *sem = semaphore_new((int)max_concurrent);
    for (long i = 0; i < urls; i++)
        gets[i] = (struct get){.s = s, .sem = sem};
    double start = loop_time(s->loop);
    int err = session_gather("fetch", urls, fetch_with_semaphore, gets, sizeof *gets);
    double total = loop_time(s->loop) - start;
    long ok = 0;
    for (long i = 0; i < urls; i++) {
        ok += gets[i].err == 0 && gets[i].r.status == 200;
        fetch_result_free(&gets[i].r);
    }
    say("成功处理 %ld 个请求 (%ld succeeded) in %.2f s", ok, ok, total);
    struct site_counts c;
    if (!err && site_counts_get(s->cl, s->port, &c) == 0) {
        say("the site saw at most %ld requests in flight at once (max_concurrent = %ld): %s",
            c.in_flight_peak, max_concurrent,
            c.in_flight_peak <= max_concurrent ? "the limit held" : "the limit did NOT hold");
        say("%ld requests of %g s, %ld at a time: ideally %.2f s; it took %.2f s", urls, delay,
            max_concurrent, ceil((double)urls / (double)max_concurrent) * delay, total);
    }
    semaphore_free(sem);
    free(gets);
    return err;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("urls", "N", &urls, 1, 10000, "GETs of /delay/S"),
        OPT_INT("max-concurrent", "N", &max_concurrent, 1, 10000, "the semaphore's value"),
        OPT_DOUBLE("delay", "S", &delay, 0, 10, "seconds the site waits before each answer"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&delay, 0.2),
        OPT_END,
    };
    args_parse(argc, argv, "Ten GETs through Semaphore(3), the site counting how many were in "
                           "flight at once.", opts);
    struct site_options so = SITE_DEFAULTS;
    return session_run(&so, body, NULL, NULL) ? 1 : 0;
}
