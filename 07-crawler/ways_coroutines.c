/* ways_coroutines.c — the crawl as tasks on the lab's loop: `concurrency` workers, each a
 * plain loop (get a URL, fetch it, queue its links) that reads like the sequential one;
 * the loop interleaves them at each fetch. A URL count (unfinished) tells when it ends. */
#include "curl_loop.h"
#include "fetch.h"
#include "ways_coroutines.h"
#include "ways.h"

#include "check.h"
#include "event.h"
#include "loop.h"
#include "task.h"

#include <errno.h>
#include <stdlib.h>

struct crawl {
    struct curl_loop *cl;
    struct frontier f;
    struct event *more; /* a URL was queued, or the crawl is over */
    long busy, concurrency;
    struct way_result *r;
};

static void *worker(void *arg)
{
    struct crawl *c = arg;
    struct fetch_options o = FETCH_DEFAULTS;
    for (;;) {
        const char *url = frontier_next(&c->f);
        if (!url) {
            if (c->busy == 0)
                break; /* nothing queued and nobody can queue more: done */
            event_clear(c->more);
            int err = event_wait(c->more);
            if (err)
                return task_raise(err, "waiting for a URL");
            continue;
        }
        c->busy++;
        struct fetch_result r;
        int err = fetch(c->cl, url, &o, &r); /* the other workers run meanwhile */
        c->busy--;
        if (!err) {
            frontier_add_links(&c->f, url, r.content_type, r.body, r.body_len);
            c->r->pages++;
            c->r->bytes += (double)r.body_len;
        }
        fetch_result_free(&r);
        event_set(c->more);
        if (err == -ECANCELED)
            return task_raise(err, "fetching");
    }
    event_set(c->more); /* wake the others to see it is over */
    return NULL;
}

static void *crawl_main(void *arg)
{
    struct crawl *c = arg;
    struct task **workers = xcalloc((size_t)c->concurrency, sizeof *workers);
    for (long i = 0; i < c->concurrency; i++)
        workers[i] = create_task("worker", worker, c);
    for (long i = 0; i < c->concurrency; i++) {
        await_task(workers[i], NULL);
        task_release(workers[i]);
    }
    free(workers);
    return NULL;
}

void way_coroutines(const char *start, long max_pages, long concurrency, struct way_result *r)
{
    struct loop *loop = loop_new();
    struct crawl c = {.cl = curl_loop_new(loop), .more = event_new(), .concurrency = concurrency, .r = r};
    frontier_init(&c.f, start, max_pages);
    async_run_on(loop, crawl_main, &c, NULL);
    r->threads = 1;
    event_free(c.more);
    curl_loop_free(c.cl);
    loop_close(loop);
    frontier_free(&c.f);
}

const int way_coroutines_lines = __LINE__ + 1;
