/*
 * policy.h — the crawler's politeness and persistence, each a law (ASYNCIO-LAWS §5.6).
 *
 * Retries (retry_should, retry_delay):
 *   - a failure is retried only if it is transient: a timeout (-ETIMEDOUT), a connection
 *     refused or cut (-ECONNREFUSED, -ECONNRESET), or an answer of 408, 429, 500, 502,
 *     503 or 504 (the curl tool's --retry list). A 404 is an answer: fetching it again
 *     gets the same 404 (A0 §6's AsyncCrawler does, `retries` times, back to back);
 *     -EFBIG, -ELOOP and -EINVAL are the page's nature, not bad luck;
 *   - at most `retries` more attempts after the first;
 *   - the wait before attempt n+1 (n = 1, 2...) is "full jitter": uniform in
 *     [0, min(cap, base * 2^(n-1))), so clients that failed together do not come back
 *     together;
 *   - a Retry-After the server sent wins over that (never earlier than it asked), capped
 *     at max_retry_after: a server asking for an hour does not stall the crawl for one.
 *
 * Per-host limit (host_limits): at most `per_host` requests in flight to one host and
 * port (the lowercased host, the port filled in): an asyncio.Semaphore per host, which
 * is a different knob from libcurl's CURLMOPT_MAX_HOST_CONNECTIONS (connections, not
 * requests). Acquired before a transfer is added, released when it ends — also when it
 * fails, times out or is cancelled, as `async with sem:` does.
 */
#ifndef POLICY_H
#define POLICY_H

#include <stdbool.h>

struct rng;
struct semaphore;

struct retry_policy {
    long retries;           /* attempts after the first */
    double base, cap;       /* back-off: base * 2^(n-1), at most cap, seconds */
    double max_retry_after; /* the longest Retry-After obeyed as it is */
};

#define RETRY_DEFAULTS                                                                             \
    {                                                                                              \
        .retries = 3, .base = 0.1, .cap = 5, .max_retry_after = 30                                \
    }

/* Should attempt `attempt` (1 for the first) that ended with rc (fetch's) and HTTP
 * status `status` be followed by another? */
bool retry_should(const struct retry_policy *p, int attempt, int rc, long status);

/* Seconds to wait after failed attempt `attempt` (1 for the first); retry_after is the
 * server's Retry-After in seconds (0: none). */
double retry_delay(const struct retry_policy *p, int attempt, double retry_after, struct rng *rng);

struct curl_loop;
struct fetch_options;
struct fetch_result;

/*
 * GET url under the retry policy, each attempt within a timeout() scope of `timeout`
 * seconds (0: none): fetch's result of the last attempt, *attempts made. -ECANCELED
 * at once if the task is cancelled, in an attempt or in a back-off.
 */
int policy_fetch(struct curl_loop *cl, const char *url, const struct fetch_options *fo,
                 double timeout, const struct retry_policy *p, struct rng *rng,
                 struct fetch_result *r, int *attempts);

struct host_limits;

struct host_limits *host_limits_new(long per_host);
void host_limits_free(struct host_limits *h);

/* Wait for a slot on url's host (in a task): 0, -ECANCELED, or -EINVAL for a URL
 * without a host. *slot is what host_limits_release takes back. */
int host_limits_acquire(struct host_limits *h, const char *url, struct semaphore **slot);
void host_limits_release(struct semaphore *slot);

#endif
