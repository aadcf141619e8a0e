/*
 * harness.h — what chapter 07's exercise gives you: the retry policy's shape (struct
 * retry_policy, from policy.h) and the two functions you write in retry_policy.c.
 * harness.c checks them, rule by rule, with fixed seeds: the same verdict on every run.
 *
 * The rules (the laws of policy.h, which the crawler itself follows):
 *   TODO 1  retry only what is transient: a timeout (-ETIMEDOUT), a connection refused
 *           or cut (-ECONNREFUSED, -ECONNRESET), an answer of 408, 429, 500, 502, 503 or
 *           504. Everything else is an answer (a 404 fetched again is the same 404) or the
 *           page's nature (-EFBIG, -ELOOP, -EINVAL, any other error).
 *   TODO 2  at most p->retries retries: attempt 1 is the first request, so attempt
 *           p->retries + 1 is the last.
 *   TODO 3  the wait after failed attempt n is uniform in [0, min(p->cap, p->base * 2^(n-1)))
 *           ("full jitter": clients that failed together do not come back together).
 *   TODO 4  a Retry-After from the server (retry_after > 0) wins: wait exactly that long,
 *           but never more than p->max_retry_after.
 */
#ifndef EXERCISE_HARNESS_H
#define EXERCISE_HARNESS_H

#include "policy.h"
#include "rng.h"

#include <stdbool.h>

/* Yours: should the attempt `attempt` (1 for the first), which ended with rc (0 or a
 * negative errno) and HTTP status `status` (0 if none), be followed by another? */
bool should_retry(const struct retry_policy *p, int attempt, int rc, long status);

/* Yours: seconds to wait after failed attempt `attempt`; retry_after is the server's
 * Retry-After in seconds (0: none); draw randomness from rng only (rng_uniform). */
double backoff_delay(const struct retry_policy *p, int attempt, double retry_after, struct rng *rng);

#endif
