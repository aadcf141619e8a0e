/* policy.c — see policy.h. */
#include "policy.h"
#include "fetch.h"
#include "links.h"

#include "check.h"
#include "rng.h"
#include "semaphore.h"
#include "task.h"
#include "timeout.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool retry_should(const struct retry_policy *p, int attempt, int rc, long status)
{
    if (attempt > p->retries)
        return false;
    if (rc == -ETIMEDOUT || rc == -ECONNREFUSED || rc == -ECONNRESET)
        return true;
    if (rc != 0)
        return false;
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

double retry_delay(const struct retry_policy *p, int attempt, double retry_after, struct rng *rng)
{
    if (retry_after > 0)
        return retry_after < p->max_retry_after ? retry_after : p->max_retry_after;
    double ceiling = p->base * pow(2, attempt - 1);
    if (ceiling > p->cap)
        ceiling = p->cap;
    return rng_uniform(rng, 0, ceiling);
}

int policy_fetch(struct curl_loop *cl, const char *url, const struct fetch_options *fo,
                 double timeout_s, const struct retry_policy *p, struct rng *rng,
                 struct fetch_result *r, int *attempts)
{
    *r = (struct fetch_result){0};
    for (*attempts = 1;; ++*attempts) {
        fetch_result_free(r);
        struct timeout *to = timeout(timeout_s > 0 ? timeout_s : INFINITY);
        int err = timeout_enter(to);
        if (!err)
            err = fetch(cl, url, fo, r);
        err = timeout_exit(to, err);
        if (err == -ECANCELED || !retry_should(p, *attempts, err, r->status))
            return err;
        int slept = async_sleep(retry_delay(p, *attempts, r->retry_after, rng));
        if (slept)
            return slept;
    }
}

/* ---- a semaphore per host:port ---- */

struct host_slot {
    char *host;
    struct semaphore *sem;
};

struct host_limits {
    long per_host;
    struct host_slot *slot;
    size_t count, cap;
};

struct host_limits *host_limits_new(long per_host)
{
    struct host_limits *h = xcalloc(1, sizeof *h);
    h->per_host = per_host;
    return h;
}

void host_limits_free(struct host_limits *h)
{
    for (size_t i = 0; i < h->count; i++) {
        free(h->slot[i].host);
        semaphore_free(h->slot[i].sem);
    }
    free(h->slot);
    free(h);
}

/* A crawl meets a handful of hosts: a list is enough, and reads plainly. */
static struct semaphore *semaphore_for(struct host_limits *h, const char *host)
{
    for (size_t i = 0; i < h->count; i++)
        if (strcmp(h->slot[i].host, host) == 0)
            return h->slot[i].sem;
    if (h->count == h->cap)
        h->slot = grow_array(h->slot, &h->cap, h->count + 1, sizeof *h->slot, "policy: slot");
    h->slot[h->count] = (struct host_slot){xstrdup(host), semaphore_new((int)h->per_host)};
    return h->slot[h->count++].sem;
}

int host_limits_acquire(struct host_limits *h, const char *url, struct semaphore **slot)
{
    *slot = NULL;
    char *host = url_host_port(url);
    if (!host)
        return -EINVAL;
    struct semaphore *sem = semaphore_for(h, host);
    free(host);
    int err = semaphore_acquire(sem);
    if (!err)
        *slot = sem;
    return err;
}

void host_limits_release(struct semaphore *slot)
{
    if (slot)
        semaphore_release(slot);
}
