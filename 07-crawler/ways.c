/* ways.c — the crawl the four ways share (see ways.h). */
#include "ways.h"
#include "links.h"

#include "check.h"

#include <stdlib.h>
#include <string.h>

void frontier_init(struct frontier *f, const char *start, long max_pages)
{
    *f = (struct frontier){.max_pages = max_pages, .host = url_host_port(start)};
    tally_init(&f->seen);
    frontier_add_links(f, start, NULL, NULL, 0);
}

void frontier_free(struct frontier *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->url[i]);
    free(f->url);
    free(f->host);
    tally_free(&f->seen);
}

const char *frontier_next(struct frontier *f)
{
    return f->next < f->count ? f->url[f->next++] : NULL;
}

static void queue_once(struct frontier *f, const char *url)
{
    char *key = url_key(url);
    char *host = key ? url_host_port(key) : NULL;
    bool fresh = key && host && strcmp(host, f->host) == 0 && (long)f->count < f->max_pages &&
                 tally_count(&f->seen, key, strlen(key), 0)->hits == 1;
    free(host);
    if (!fresh) {
        free(key);
        return;
    }
    if (f->count == f->cap)
        f->url = grow_array(f->url, &f->cap, f->count + 1, sizeof *f->url, "ways: url");
    f->url[f->count++] = key;
}

void frontier_add_links(struct frontier *f, const char *url, const char *content_type,
                        const char *body, size_t len)
{
    if (!body) { /* the start URL */
        queue_once(f, url);
        return;
    }
    if (!links_is_html(content_type))
        return;
    struct links l;
    links_extract(body, len, url, &l);
    for (size_t i = 0; i < l.count; i++)
        queue_once(f, l.url[i]);
    links_free(&l);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct body *b = arg;
    size_t len = size * n;
    if (b->len + len + 1 > b->cap) {
        b->cap = 2 * (b->len + len + 1);
        b->data = realloc(b->data, b->cap);
        if (!b->data)
            return CURL_WRITEFUNC_ERROR;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return len;
}

CURL *ways_easy(struct body *b)
{
    CURL *easy = curl_easy_init();
    if (!easy)
        die("curl_easy_init failed");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 30L);
    return easy;
}
