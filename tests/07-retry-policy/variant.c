/*
 * variant.c — a correct solution of chapter 07's exercise written another way than the
 * reference (tests/07-exercise.t): a switch for the statuses, ldexp for the power of two,
 * the jitter as a fraction of the ceiling.
 */
#include "harness.h"

#include <errno.h>
#include <math.h>

static bool transient_status(long status)
{
    switch (status) {
    case 408: /* Request Timeout */
    case 429: /* Too Many Requests */
    case 500:
    case 502:
    case 503:
    case 504:
        return true;
    default:
        return false;
    }
}

bool should_retry(const struct retry_policy *p, int attempt, int rc, long status)
{
    bool transient = rc == 0 ? transient_status(status)
                             : rc == -ETIMEDOUT || rc == -ECONNREFUSED || rc == -ECONNRESET;
    return transient && attempt - 1 < p->retries;
}

double backoff_delay(const struct retry_policy *p, int attempt, double retry_after, struct rng *rng)
{
    double ceiling = ldexp(p->base, attempt - 1);
    if (ceiling > p->cap)
        ceiling = p->cap;
    double wait = ceiling * rng_uniform(rng, 0, 1);
    if (retry_after > 0)
        wait = retry_after < p->max_retry_after ? retry_after : p->max_retry_after;
    return wait;
}
