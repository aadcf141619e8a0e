/* crawler.c — see crawler.h. */
#include "crawler.h"
#include "curl_loop.h"
#include "crawl_frontier.h"
#include "links.h"
#include "tally.h"

#include "check.h"
#include "full_io.h"
#include "loop.h"
#include "queue.h"
#include "rng.h"
#include "say.h"
#include "task.h"
#include "task_group.h"
#include "timeout.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct crawler {
    struct curl_loop *cl;
    const struct crawl_options *o;
    struct crawl_stats *st;
    struct crawl_frontier frontier; /* the visited set, the queue, the depth law */
    struct tally hosts;             /* host:port of the start URLs */
    struct host_limits *limits;
    struct rng rng;
    long in_flight;
};

static bool host_allowed(struct crawler *c, const char *url)
{
    if (c->o->any_host)
        return true;
    char *host = url_host_port(url);
    bool allowed = false;
    for (size_t i = 0; host && i < c->hosts.cap; i++)
        allowed |= c->hosts.slot[i].key && strcmp(c->hosts.slot[i].key, host) == 0;
    free(host);
    return allowed;
}

/* The links of a page fetched, as the crawl follows them: on the start hosts only, the
 * first links_per_page of them. */
static void keep_links(struct crawler *c, struct page *p, const struct fetch_result *r)
{
    struct links all;
    links_extract(r->body, r->body_len, r->url ? r->url : p->url, &all);
    p->links = (struct links){0};
    for (size_t i = 0; i < all.count; i++) {
        if (c->o->links_per_page && p->links.count == (size_t)c->o->links_per_page)
            break;
        if (!host_allowed(c, all.url[i]))
            continue;
        if (p->links.count == p->links.cap)
            p->links.url = grow_array(p->links.url, &p->links.cap, p->links.count + 1,
                                      sizeof *p->links.url, "crawler: url");
        p->links.url[p->links.count++] = all.url[i];
        all.url[i] = NULL;
    }
    links_free(&all);
}

/* One attempt, within the host's limit and the per-URL deadline. */
static int attempt(struct crawler *c, const char *url, struct fetch_result *r)
{
    struct semaphore *slot = NULL;
    if (c->limits) {
        int err = host_limits_acquire(c->limits, url, &slot);
        if (err)
            return err;
    }
    if (++c->in_flight > c->st->in_flight_peak)
        c->st->in_flight_peak = c->in_flight;
    /* The deadline is the task's timeout() scope (asyncio.timeout); libcurl's own
     * CURLOPT_TIMEOUT_MS, at twice that, is only a backstop. */
    struct fetch_options fo = c->o->fetch;
    fo.timeout = 2 * c->o->timeout;
    struct timeout *deadline = timeout(c->o->timeout > 0 ? c->o->timeout : INFINITY);
    int err = timeout_enter(deadline);
    if (!err)
        err = fetch(c->cl, url, &fo, r);
    err = timeout_exit(deadline, err);
    if (err == -ETIMEDOUT && r->curl_code == CURLE_OK) /* our deadline, not libcurl's */
        snprintf(r->error, sizeof r->error, "no answer within %g s", c->o->timeout);
    c->in_flight--;
    host_limits_release(slot); /* whatever happened: a timeout or a cancel frees the slot */
    return err;
}

/* The body in save_dir/NNNNNN.body, and a line in save_dir/index.tsv: names never come
 * from the URL, and openat with O_NOFOLLOW never follows a link planted in the directory. */
static void save(struct crawler *c, const struct fetch_result *r, const char *url)
{
    char name[32];
    snprintf(name, sizeof name, "%06ld.body", c->st->requested);
    int fd =
        openat(c->o->save_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 || (r->body_len && !write_all(fd, r->body, r->body_len)))
        say("cannot save %s in the directory: %s", name, strerror(errno));
    if (fd >= 0)
        close(fd);
    int index = openat(c->o->save_dir, "index.tsv",
                       O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (index >= 0) {
        dprintf(index, "%s\t%s\n", name, url);
        close(index);
    }
}

static void record(struct crawler *c, const struct page *p, const struct fetch_result *r, int rc,
                   int attempts, double seconds)
{
    struct crawl_stats *st = c->st;
    bool ok = rc == 0 && r->status >= 200 && r->status < 300;
    st->requested++;
    st->ok += ok;
    st->failed += !ok;
    st->bytes += (double)r->body_len;
    st->response_total += seconds;
    const char *error = rc ? (r->error[0] ? r->error : strerror(-rc)) : "";
    if (!c->o->quiet)
        say("%3ld %8zu B  %d attempt%s %6.0f ms  %s%s%s", r->status, r->body_len, attempts,
            attempts == 1 ? " " : "s", seconds * 1000, p->url, rc ? "  " : "", error);
    if (c->o->save_dir >= 0 && rc == 0)
        save(c, r, p->url);
    if (c->o->report)
        fprintf(c->o->report, "%s\t%ld\t%zu\t%d\t%.0f\t%s\n", p->url, r->status, r->body_len,
                attempts, seconds * 1000, error);
}

/* Fetch one URL, retrying what policy.h calls transient; then follow its links. */
static int visit(struct crawler *c, struct page *p)
{
    struct fetch_result r = {0};
    int rc, n = 0;
    double began = loop_time(loop_get_running());
    for (;;) {
        fetch_result_free(&r);
        rc = attempt(c, p->url, &r);
        n++;
        c->st->attempts++;
        c->st->connects += r.connects;
        c->st->timeouts += rc == -ETIMEDOUT;
        c->st->cut += rc == -EFBIG;
        if (rc == -ECANCELED || !retry_should(&c->o->retry, n, rc, r.status))
            break;
        int err = async_sleep(retry_delay(&c->o->retry, n, r.retry_after, &c->rng));
        if (err) {
            rc = err;
            break;
        }
    }
    if (rc != -ECANCELED) {
        record(c, p, &r, rc, n, loop_time(loop_get_running()) - began);
        /* Links are kept even at the depth limit (a shorter path may lower the page). */
        if (rc == 0 && c->o->depth > 0 && links_is_html(r.content_type) && r.body)
            keep_links(c, p, &r);
        crawl_frontier_follow(&c->frontier, p);
    }
    fetch_result_free(&r);
    return rc == -ECANCELED ? rc : 0;
}

static void *worker(void *arg)
{
    struct crawler *c = arg;
    for (;;) {
        void *item;
        int err = queue_get(c->frontier.queue, &item);
        if (err == -ESHUTDOWN)
            return NULL; /* the crawl is over */
        if (err)
            return task_raise(err, "waiting for a URL");
        err = visit(c, item);
        queue_task_done(c->frontier.queue); /* always: else queue_join would wait for ever */
        if (err)
            return task_raise(err, "fetching");
    }
}

void crawl_report_header(FILE *report)
{
    fprintf(report, "url\tstatus\tbytes\tattempts\tms\terror\n");
}

int crawl(struct curl_loop *cl, char *const *start, size_t n, const struct crawl_options *o,
          struct crawl_stats *st)
{
    *st = (struct crawl_stats){0};
    struct crawler c = {.cl = cl, .o = o, .st = st};
    crawl_frontier_init(&c.frontier, o->depth, o->max_pages);
    tally_init(&c.hosts);
    rng_seed(&c.rng, o->seed);
    if (o->per_host > 0)
        c.limits = host_limits_new(o->per_host);
    /* libcurl's pool keeps 4 idle connections per easy handle in the multi handle. A
     * crawl's handles leave it as their transfers end, many at once when many end
     * together: the pool would shrink, closing connections only to open new ones. */
    curl_multi_setopt(curl_loop_multi(cl), CURLMOPT_MAXCONNECTS, o->concurrency);
    double began = loop_time(loop_get_running());
    bool hosts_matter = o->depth > 0 && !o->any_host; /* links followed, to start hosts only */
    for (size_t i = 0; i < n; i++) {
        char *host = hosts_matter ? url_host_port(start[i]) : NULL;
        if (host)
            tally_count(&c.hosts, host, strlen(host), 0);
        free(host);
        char *key = url_key(start[i]);
        if (key)
            crawl_frontier_found(&c.frontier, key, 0);
        free(key);
    }
    struct task_group *g = task_group();
    for (long i = 0; i < o->concurrency; i++) {
        char name[32];
        snprintf(name, sizeof name, "worker-%ld", i + 1);
        task_group_create_task(g, name, worker, &c);
    }
    /* Every URL queued is done: the crawl is complete. The workers then end (-ESHUTDOWN);
     * on a cancel, what is left in the queue goes. */
    int err = queue_join(c.frontier.queue);
    queue_shutdown(c.frontier.queue, true);
    err = task_group_exit(g, err);
    task_group_free(g);
    st->seconds = loop_time(loop_get_running()) - began;
    crawl_frontier_free(&c.frontier);
    tally_free(&c.hosts);
    if (c.limits)
        host_limits_free(c.limits);
    return err;
}
