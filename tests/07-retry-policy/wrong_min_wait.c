/*
 * wrong_min_wait.c — a plausible wrong solution of chapter 07's exercise (tests/07-exercise.t):
 * a floor of 10 ms under every back-off, "to give the server a breath": with base 0 (no
 * back-off asked for) it still waits.
 */
#include "harness.h"

#include <errno.h>
#include <math.h>

bool should_retry(const struct retry_policy *p, int attempt, int rc, long status)
{
    if (attempt > p->retries) /* attempt 1 is the request; retries more may follow */
        return false;
    if (rc == -ETIMEDOUT || rc == -ECONNREFUSED || rc == -ECONNRESET)
        return true; /* bad luck on the way: another try may pass */
    if (rc != 0)
        return false; /* too big, a redirect loop, not http: the same every time */
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

double backoff_delay(const struct retry_policy *p, int attempt, double retry_after, struct rng *rng)
{
    if (retry_after > 0) /* the server said when: not earlier, and not for ever */
        return fmin(retry_after, p->max_retry_after);
    double ceiling = fmin(p->cap, p->base * pow(2, attempt - 1));
    return fmax(0.01, rng_uniform(rng, 0, ceiling)); /* "give the server a breath" */
}
