/*
 * harness.c — checks your retry policy (retry_policy.c) rule by rule and says which rule
 * still fails. Deterministic: the random draws come from fixed seeds.
 * Records exercise.rule1_wrong ... exercise.rule4_wrong (0 when the rule holds) as each
 * verdict is reached, so a crash or a hang shows as a missing verdict.
 */
#include "harness.h"

#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

static int verdict(int rule, int wrong, const char *what)
{
    char name[32];
    snprintf(name, sizeof name, "exercise.rule%d_wrong", rule);
    result_record(name, wrong, "cases");
    printf("%s TODO %d: %s\n", wrong ? "FAIL" : "ok  ", rule, what);
    fflush(stdout);
    return wrong;
}

static int rule1(const struct retry_policy *p)
{
    static const struct {
        int rc;
        long status;
        bool retry;
        const char *what;
    } cases[] = {
        {-ETIMEDOUT, 0, true, "a timeout"},         {-ECONNREFUSED, 0, true, "a refused connection"},
        {-ECONNRESET, 0, true, "a connection cut"}, {0, 408, true, "408"},
        {0, 429, true, "429"},                      {0, 500, true, "500"},
        {0, 502, true, "502"},                      {0, 503, true, "503"},
        {0, 504, true, "504"},                      {0, 200, false, "200"},
        {0, 404, false, "404"},                     {0, 400, false, "400"},
        {0, 403, false, "403"},                     {0, 501, false, "501"},
        {0, 301, false, "301"},                     {-EFBIG, 200, false, "a body over the cap"},
        {-ELOOP, 302, false, "too many redirects"}, {-EINVAL, 0, false, "not an http URL"},
        {-EIO, 0, false, "another error"},
    };
    int wrong = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got = should_retry(p, 1, cases[i].rc, cases[i].status);
        if (got != cases[i].retry) {
            printf("     attempt 1 ended with %s: should_retry says %s, but %s\n", cases[i].what,
                   got ? "retry" : "stop", cases[i].retry ? "it is transient: retry"
                                                          : "it is an answer or the page's nature: stop");
            wrong++;
        }
    }
    return verdict(1, wrong, "retry the transient failures, and only those");
}

static int rule2(const struct retry_policy *p)
{
    int wrong = 0;
    for (int attempt = 1; attempt <= p->retries + 2; attempt++) {
        bool got = should_retry(p, attempt, -ETIMEDOUT, 0), want = attempt <= p->retries;
        if (got != want) {
            printf("     retries = %ld, attempt %d timed out: should_retry says %s, want %s\n",
                   p->retries, attempt, got ? "retry" : "stop", want ? "retry" : "stop");
            wrong++;
        }
    }
    return verdict(2, wrong, "at most `retries` retries after the first attempt");
}

/* 2000 draws per attempt: every one in [0, ceiling), and spread over it (jitter). */
static int rule3(const struct retry_policy *p)
{
    int wrong = 0;
    for (int attempt = 1; attempt <= 8; attempt++) {
        double ceiling = fmin(p->cap, p->base * pow(2, attempt - 1)), lo = INFINITY, hi = -1;
        struct rng rng;
        rng_seed(&rng, (uint64_t)attempt);
        for (int i = 0; i < 2000; i++) {
            double d = backoff_delay(p, attempt, 0, &rng);
            lo = fmin(lo, d);
            hi = fmax(hi, d);
        }
        if (lo < 0 || hi >= ceiling || lo > 0.05 * ceiling || hi < 0.95 * ceiling) {
            printf("     after attempt %d: waits from %.4f to %.4f s; want spread over [0, %.4f)%s\n",
                   attempt, lo, hi, ceiling,
                   hi >= ceiling ? (hi > p->cap ? " (never above cap)" : " (base * 2^(n-1), capped)")
                   : lo == hi    ? " (no jitter: the same wait every time)" : "");
            wrong++;
        }
    }
    struct retry_policy none = *p;
    none.base = 0; /* no back-off at all: every wait is 0 */
    struct rng rng;
    rng_seed(&rng, 1);
    double d = backoff_delay(&none, 3, 0, &rng);
    if (d != 0) {
        printf("     with base 0 (no back-off), the wait after attempt 3 is %g s, want 0\n", d);
        wrong++;
    }
    return verdict(3, wrong, "capped exponential back-off with full jitter");
}

static int rule4(const struct retry_policy *p)
{
    static const double asked[] = {1, 2.5, 7, 30, 120, 3600};
    int wrong = 0;
    struct rng rng;
    rng_seed(&rng, 42);
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        double want = fmin(asked[i], p->max_retry_after);
        double got = backoff_delay(p, 1, asked[i], &rng);
        if (fabs(got - want) > 1e-9) {
            printf("     Retry-After: %g, max_retry_after %g: waits %.4f s, want %g\n", asked[i],
                   p->max_retry_after, got, want);
            wrong++;
        }
    }
    return verdict(4, wrong, "Retry-After obeyed, up to max_retry_after");
}

int main(void)
{
    struct retry_policy p = {.retries = 3, .base = 0.25, .cap = 4, .max_retry_after = 60};
    int wrong = rule1(&p) + rule2(&p) + rule3(&p) + rule4(&p);
    result_record("exercise.done", 1, "flag");
    printf(wrong ? "\nnot yet: %d case(s) wrong\n" : "\nall four rules hold\n", wrong);
    return wrong ? 1 : 0;
}
