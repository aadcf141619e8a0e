/* ways_callbacks.c — the crawl on libcurl's multi handle with plain callbacks: no task,
 * no thread. Each of `concurrency` slots owns an easy handle; when its transfer ends, the
 * callback parses the page and starts the slot's next URL. The crawl's state lives in
 * the slots and the frontier, carried from callback to callback by hand. */
#include "curl_loop.h"
#include "ways_callbacks.h"
#include "ways.h"

#include "check.h"
#include "loop.h"

#include <stdlib.h>

struct slot {
    struct crawl_state *st;
    CURL *easy;
    struct body b;
    const char *url; /* NULL: the slot is idle */
};

struct crawl_state {
    struct loop *loop;
    struct curl_loop *cl;
    struct frontier f;
    struct slot *slots;
    long nslots, running;
    struct way_result *r;
};

static void on_done(CURL *easy, CURLcode result, void *arg);

/* Start the slot's next URL; false if none is waiting. */
static bool start_next(struct slot *s)
{
    s->url = frontier_next(&s->st->f);
    if (!s->url)
        return false;
    s->b.len = 0;
    curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
    if (curl_loop_add(s->st->cl, s->easy, on_done, s) < 0)
        die("curl_multi_add_handle failed");
    s->st->running++;
    return true;
}

static void on_done(CURL *easy, CURLcode result, void *arg)
{
    struct slot *s = arg;
    struct crawl_state *st = s->st;
    st->running--;
    if (result == CURLE_OK) {
        char *type = NULL;
        curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
        frontier_add_links(&st->f, s->url, type, s->b.data, s->b.len);
        st->r->pages++;
        st->r->bytes += (double)s->b.len;
    }
    s->url = NULL;
    /* The page may have queued links: every idle slot takes one (a callback cannot wait
     * for work; it must find the slots that could do it, by hand). */
    for (long i = 0; i < st->nslots; i++)
        if (!st->slots[i].url && !start_next(&st->slots[i]))
            break;
    if (st->running == 0)
        loop_stop(st->loop); /* nothing in flight and nothing queued: done */
}

void way_callbacks(const char *start, long max_pages, long concurrency, struct way_result *r)
{
    struct crawl_state st = {.loop = loop_new(), .r = r};
    st.cl = curl_loop_new(st.loop);
    frontier_init(&st.f, start, max_pages);
    struct slot *slots = xcalloc((size_t)concurrency, sizeof *slots);
    st.slots = slots;
    st.nslots = concurrency;
    for (long i = 0; i < concurrency; i++) {
        slots[i] = (struct slot){.st = &st};
        slots[i].easy = ways_easy(&slots[i].b);
    }
    start_next(&slots[0]);
    loop_run_forever(st.loop);
    for (long i = 0; i < concurrency; i++) {
        curl_easy_cleanup(slots[i].easy);
        free(slots[i].b.data);
    }
    free(slots);
    r->threads = 1;
    curl_loop_free(st.cl);
    loop_close(st.loop);
    frontier_free(&st.f);
}

const int way_callbacks_lines = __LINE__ + 1;
