/*
 * robust_client.c — A3's RobustAsyncClient: 429 backed off and retried, timeouts, client
 * errors; and its erratum, counted by the server.
 *
 * A3 「异常处理最佳实践」: safe_fetch(url, max_retries=3, backoff_factor=1) waits
 * backoff_factor * 2**attempt after a 429, a timeout or a ClientError, and answers other
 * statuses at once. test_error_handling() gathers it on /status/200, /status/429,
 * /delay/1 and /status/500. Here the 429 comes from /ratelimit/S, which sends
 * "Retry-After: S" and counts a retry that comes earlier; a request never answered and a
 * port where nothing listens stand for the timeout and the client error.
 * Watch the erratum: safe_fetch ignores Retry-After — its retries come after 1 s, then
 * 2 s, and the site counts the early ones; the lab's policy (policy.h) waits what the
 * server asked, and no retry is early.
 */
#include "fetch.h"
#include "policy.h"
#include "session.h"
#include "site_counts.h"

#include "args.h"
#include "rng.h"
#include "say.h"
#include "timeout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double backoff_factor = 1, timeout_s = 1, retry_after = 3;

struct call {
    struct session *s;
    char url[320];
    bool lab_policy;
    long status;
    int attempts, err;
    char error[64];
};

static int get(struct call *c, struct fetch_result *r)
{
    struct fetch_options o = FETCH_DEFAULTS;
    struct timeout *to = timeout(timeout_s);
    int err = timeout_enter(to);
    if (!err)
        err = fetch(c->s->cl, c->url, &o, r);
    return timeout_exit(to, err);
}

/* safe_fetch(): Retry-After is never read. */
static int safe_fetch(struct call *c)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        struct fetch_result r;
        int err = get(c, &r);
        c->status = r.status;
        c->attempts = attempt + 1;
        fetch_result_free(&r);
        if (err == -ECANCELED)
            return err;
        if (!err && c->status != 429)
            return 0; /* 200, or "HTTP 500 for ...": answered, not retried */
        if (err && attempt == 2)
            return err;
        err = async_sleep(backoff_factor * pow(2, attempt)); /* 速率限制,等待 ... */
        if (err)
            return err;
    }
    return -EAGAIN; /* max_retries_exceeded */
}

static void *fetch_one(void *arg)
{
    struct call *c = arg;
    if (c->lab_policy) {
        struct retry_policy p = {.retries = 2, .base = backoff_factor, .cap = 30, .max_retry_after = 30};
        struct fetch_options o = FETCH_DEFAULTS;
        struct fetch_result r;
        struct rng rng;
        rng_seed(&rng, 1);
        c->err = policy_fetch(c->s->cl, c->url, &o, timeout_s, &p, &rng, &r, &c->attempts);
        c->status = r.status;
        fetch_result_free(&r);
    } else {
        c->err = safe_fetch(c);
    }
    snprintf(c->error, sizeof c->error, "%s", c->err == -EAGAIN ? "max_retries_exceeded"
                                               : c->err ? strerror(-c->err) : "");
    return c->err == -ECANCELED ? task_raise(c->err, "fetching") : NULL;
}

static int test_error_handling(struct session *s, bool lab_policy)
{
    char paths[5][48] = {"/status/200", "", "", "/status/500", "/never"};
    snprintf(paths[1], sizeof paths[1], "/ratelimit/%g/%s", retry_after, lab_policy ? "lab" : "a3");
    snprintf(paths[2], sizeof paths[2], "/delay/%g", timeout_s / 2); /* answered in time */
    struct call calls[6] = {{0}};
    for (int i = 0; i < 6; i++) {
        calls[i] = (struct call){.s = s, .lab_policy = lab_policy};
        if (i < 5)
            snprintf(calls[i].url, sizeof calls[i].url, "%s%s", s->base, paths[i]);
        else /* a port where nothing listens: the client error */
            snprintf(calls[i].url, sizeof calls[i].url, "http://127.0.0.1:1/");
    }
    site_counts_reset(s->cl, s->port);
    say("%s:", lab_policy ? "the lab's policy (Retry-After obeyed)" : "A3's safe_fetch");
    int err = session_gather("fetch", 6, fetch_one, calls, sizeof calls[0]);
    for (int i = 0; i < 6 && !err; i++) {
        if (calls[i].err)
            say("  URL: %s  错误: %s (after %d attempts)", calls[i].url, calls[i].error, calls[i].attempts);
        else
            say("  URL: %s  状态: %ld (attempt %d)", calls[i].url, calls[i].status, calls[i].attempts);
    }
    struct site_counts c;
    if (!err && (err = site_counts_get(s->cl, s->port, &c)) == 0)
        say("  the site counted %ld retr%s of the 429 before its Retry-After: %g s had passed", c.early_retries,
            c.early_retries == 1 ? "y" : "ies", retry_after);
    return err;
}

static int body(struct session *s, void *arg)
{
    (void)arg;
    int err = test_error_handling(s, false);
    return err ? err : test_error_handling(s, true);
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("backoff-factor", "S", &backoff_factor, 0, 60, "safe_fetch waits S * 2**attempt"),
        OPT_DOUBLE("timeout", "S", &timeout_s, 0.01, 60, "seconds per attempt (the article's 10)"),
        OPT_DOUBLE("retry-after", "S", &retry_after, 1, 60, "what the 429 asks to wait"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&backoff_factor, 0.1),
        OPT_QUICK_DOUBLE(&timeout_s, 0.3),
        OPT_QUICK_DOUBLE(&retry_after, 1),
        OPT_END,
    };
    args_parse(argc, argv, "A3's RobustAsyncClient on 200, 429, a delay, 500, a request never "
                           "answered and a refused connection; then the lab's policy.", opts);
    struct site_options so = SITE_DEFAULTS;
    return session_run(&so, body, NULL, NULL) ? 1 : 0;
}
