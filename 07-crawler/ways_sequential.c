/* ways_sequential.c — the crawl one page after another: one easy handle, blocking. */
#include "ways_sequential.h"
#include "ways.h"

#include <stdlib.h>

void way_sequential(const char *start, long max_pages, long concurrency, struct way_result *r)
{
    (void)concurrency; /* one at a time, by construction */
    struct frontier f;
    frontier_init(&f, start, max_pages);
    struct body b = {0};
    CURL *easy = ways_easy(&b);
    for (const char *url; (url = frontier_next(&f));) {
        b.len = 0;
        curl_easy_setopt(easy, CURLOPT_URL, url);
        if (curl_easy_perform(easy) != CURLE_OK) /* the thread waits here, doing nothing */
            continue;
        char *type = NULL;
        curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
        frontier_add_links(&f, url, type, b.data, b.len);
        r->pages++;
        r->bytes += (double)b.len;
    }
    r->threads = 1;
    curl_easy_cleanup(easy);
    free(b.data);
    frontier_free(&f);
}

const int way_sequential_lines = __LINE__ + 1;
