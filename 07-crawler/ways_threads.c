/* ways_threads.c — the crawl on a pool of threads, each doing blocking fetches: the
 * frontier is shared, so a mutex guards it, and a condition variable lets an idle thread
 * wait for links another thread may still find. */
#include "ways_threads.h"
#include "ways.h"

#include "check.h"

#include <pthread.h>
#include <stdlib.h>

struct pool {
    struct frontier f;
    pthread_mutex_t lock;
    pthread_cond_t more; /* a URL was queued, or the crawl is over */
    long busy;           /* threads fetching: while any is, more links may come */
    struct way_result *r;
};

static void *fetcher(void *arg)
{
    struct pool *p = arg;
    struct body b = {0};
    CURL *easy = ways_easy(&b); /* one per thread: an easy handle is not shared */
    pthread_mutex_lock(&p->lock);
    for (;;) {
        const char *url = frontier_next(&p->f);
        if (!url) {
            if (p->busy == 0)
                break; /* nothing queued and nobody can queue more: done */
            pthread_cond_wait(&p->more, &p->lock);
            continue;
        }
        p->busy++;
        pthread_mutex_unlock(&p->lock);
        b.len = 0;
        curl_easy_setopt(easy, CURLOPT_URL, url); /* url stays valid: the frontier keeps it */
        CURLcode rc = curl_easy_perform(easy);
        char *type = NULL;
        curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
        pthread_mutex_lock(&p->lock);
        p->busy--;
        if (rc == CURLE_OK) {
            frontier_add_links(&p->f, url, type, b.data, b.len); /* parsing under the lock */
            p->r->pages++;
            p->r->bytes += (double)b.len;
        }
        pthread_cond_broadcast(&p->more);
    }
    pthread_cond_broadcast(&p->more); /* wake the others to see it is over */
    pthread_mutex_unlock(&p->lock);
    curl_easy_cleanup(easy);
    free(b.data);
    return NULL;
}

void way_threads(const char *start, long max_pages, long concurrency, struct way_result *r)
{
    struct pool p = {.lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER, .r = r};
    frontier_init(&p.f, start, max_pages);
    pthread_t *threads = xcalloc((size_t)concurrency, sizeof *threads);
    for (long i = 0; i < concurrency; i++)
        CHECK_PT(pthread_create(&threads[i], NULL, fetcher, &p));
    for (long i = 0; i < concurrency; i++)
        pthread_join(threads[i], NULL);
    r->threads = (int)concurrency + 1;
    free(threads);
    frontier_free(&p.f);
}

const int way_threads_lines = __LINE__ + 1;
