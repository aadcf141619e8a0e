/*
 * gather_get.c — gather of GETs: status and length per URL, all at once.
 *
 * A2 「异步网络请求」 and A3 「异步HTTP请求实现」: fetch_multiple_urls() gathers
 * session.get() on httpbin.org/delay/1, /delay/2, /delay/1, /delay/3 and prints the
 * total. Here the same four URLs on the local site, one fetch task each, one connection
 * pool (one multi handle) under them.
 * Watch: the total is about the longest delay (3 s), not their sum (7 s): the four waits
 * overlap on one thread, because a task waiting for its answer gives the loop back.
 */
#include "fetch.h"
#include "session.h"

#include "args.h"
#include "say.h"
#include "loop.h"

#include <errno.h>
#include <stdio.h>

struct get {
    struct session *s;
    char path[32];
    struct fetch_result r;
    int err;
};

static void *fetch_url(void *arg)
{
    struct get *g = arg;
    struct fetch_options o = FETCH_DEFAULTS;
    char url[96];
    snprintf(url, sizeof url, "%s%s", g->s->base, g->path);
    g->err = fetch(g->s->cl, url, &o, &g->r);
    return g->err == -ECANCELED ? task_raise(g->err, "fetching %s", url) : NULL;
}

static double scale = 1;

static int body(struct session *s, void *arg)
{
    (void)arg;
    static const double delays[] = {1, 2, 1, 3};
    struct get gets[4] = {{0}};
    double longest = 0, sum = 0;
    for (int i = 0; i < 4; i++) {
        gets[i].s = s;
        snprintf(gets[i].path, sizeof gets[i].path, "/delay/%g", delays[i] * scale);
        longest = delays[i] * scale > longest ? delays[i] * scale : longest;
        sum += delays[i] * scale;
    }
    double start = loop_time(s->loop);
    int err = session_gather("fetch", 4, fetch_url, gets, sizeof gets[0]);
    double total = loop_time(s->loop) - start;
    say("总耗时 (total): %.2f s", total);
    for (int i = 0; i < 4; i++) {
        if (gets[i].err)
            say("URL: %s, 状态: ERROR (%s)", gets[i].path, gets[i].r.error);
        else
            say("URL: %s, 状态: %ld, length %zu", gets[i].path, gets[i].r.status, gets[i].r.body_len);
        fetch_result_free(&gets[i].r);
    }
    say("the longest delay is %.2f s, the sum %.2f s: the total is %s", longest, sum,
        total < (longest + sum) / 2 ? "about the longest: the waits overlapped"
                                    : "nearer the sum: they did NOT overlap");
    return err;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("scale", "X", &scale, 0.001, 10, "multiply the delays (1, 2, 1, 3 s) by X"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&scale, 0.1),
        OPT_END,
    };
    args_parse(argc, argv, "gather of four GETs on the local site's /delay/N: status and length "
                           "per URL, the total about the longest delay.", opts);
    struct site_options so = SITE_DEFAULTS;
    int rc = session_run(&so, body, NULL, NULL);
    return rc ? 1 : 0;
}
