/*
 * retry_policy.c — chapter 07's exercise: the crawler's retry policy.
 *
 * A0 §6's AsyncCrawler retries a 404 three times back to back, and A3's RobustAsyncClient
 * ignores Retry-After (see async_crawler and robust_client). Write the policy that does
 * neither: harness.h states its four rules. `make exercise-7` builds this file with the
 * harness and says which rule still fails.
 */
#include "harness.h"

#include <errno.h>
#include <math.h>

bool should_retry(const struct retry_policy *p, int attempt, int rc, long status)
{
    /* TODO 2: no retry once `attempt` is past p->retries. */
    (void)p;
    (void)attempt;
    /* TODO 1: retry a timeout, a refused or cut connection (rc), and the answers 408, 429,
     * 500, 502, 503, 504 (status, when rc is 0); nothing else. */
    (void)rc;
    (void)status;
    return false;
}

double backoff_delay(const struct retry_policy *p, int attempt, double retry_after, struct rng *rng)
{
    /* TODO 4: a Retry-After (retry_after > 0) wins, up to p->max_retry_after. */
    (void)retry_after;
    /* TODO 3: uniform in [0, min(p->cap, p->base * 2^(attempt-1))): rng_uniform(rng, lo, hi). */
    (void)p;
    (void)attempt;
    (void)rng;
    return 0;
}
