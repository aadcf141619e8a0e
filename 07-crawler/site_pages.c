/* site_pages.c — see site_pages.h. */
#include "site_pages.h"

#include "check.h"
#include "rng.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int site_pages_init(struct site_pages *p, long pages, long links, long depth, uint64_t seed,
                    char *why, size_t why_len)
{
    if (depth == 0) /* as few levels as the pages need */
        for (long fit = 1, level = 1; fit < pages; depth++, level *= links, fit += level)
            ;
    if (depth == 0)
        depth = 1;
    /* Level sizes: spread evenly over the levels left, but no more than the level above
     * can link to (links each). */
    long *size = xcalloc((size_t)depth + 1, sizeof *size), left = pages - 1;
    size[0] = 1;
    for (long l = 1; l <= depth; l++) {
        long even = (left + (depth - l)) / (depth - l + 1);
        long room = size[l - 1] * links;
        size[l] = even < room ? even : room;
        left -= size[l];
    }
    if (left > 0 || size[depth] == 0) {
        snprintf(why, why_len, "%ld pages do not make %ld levels with %ld links a page", pages,
                 depth, links);
        free(size);
        return -1;
    }
    *p = (struct site_pages){pages, links, depth, xcalloc((size_t)pages, sizeof(long)),
                             xcalloc((size_t)(pages * links), sizeof(long))};
    long *start = xcalloc((size_t)depth + 2, sizeof *start);
    for (long l = 0, k = 0; l <= depth; l++) {
        start[l] = k;
        for (long i = 0; i < size[l]; i++)
            p->level[k++] = l;
    }
    start[depth + 1] = pages;
    struct rng rng;
    rng_seed(&rng, seed);
    for (long k = 0; k < pages; k++) {
        long l = p->level[k], n = 0, *t = p->targets + k * links;
        if (l < depth) /* the tree: child i of the next level belongs to parent i % size[l] */
            for (long c = start[l + 1] + (k - start[l]); c < start[l + 2] && n < links; c += size[l])
                t[n++] = c;
        long top = l < depth ? start[l + 2] : pages; /* the rest: never deeper than l + 1 */
        while (n < links)
            t[n++] = rng_range(&rng, 0, top - 1);
    }
    free(start);
    free(size);
    return 0;
}

void site_pages_free(struct site_pages *p)
{
    free(p->level);
    free(p->targets);
}

long site_pages_find(const struct site_pages *p, const char *path, size_t len)
{
    if (len == 1 && path[0] == '/')
        return 0;
    if (len <= 6 || memcmp(path, "/page/", 6) != 0)
        return -1;
    long k = 0;
    for (size_t i = 6; i < len; i++) {
        if (path[i] < '0' || path[i] > '9' || k > p->pages)
            return -1;
        k = k * 10 + (path[i] - '0');
    }
    return k > 0 && k < p->pages && !(path[6] == '0') ? k : -1;
}

long site_pages_reachable(const struct site_pages *p)
{
    return p->pages + 3;
}

struct text {
    char *buf;
    size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = 2 * t->cap + (size_t)n;
        t->buf = realloc(t->buf, t->cap);
        if (!t->buf)
            die("out of memory");
    }
}

/* A link from page `from` to page `to`, written one of the ways a page may write it. */
static void add_link(struct text *t, long from, long to, int port, long i)
{
    if (to == 0) {
        add(t, "<li><a href=\"/\">home</a></li>\n");
        return;
    }
    switch ((from + i) % 4) {
    case 0: /* relative to /page/: "7" (from "/", "page/7") */
        add(t, "<li><a href=\"%s%ld\">page %ld</a></li>\n", from ? "" : "page/", to, to);
        break;
    case 1:
        add(t, "<li><a href=\"/page/%ld\">page %ld</a></li>\n", to, to);
        break;
    case 2:
        add(t, "<li><a href=\"http://127.0.0.1:%d/page/%ld\">page %ld</a></li>\n", port, to, to);
        break;
    default: /* a fragment names a part of the same page: not another URL */
        add(t, "<li><a href=\" /page/%ld#part-%ld \">page %ld, part %ld</a></li>\n", to, i, to, i);
    }
}

char *site_pages_render(const struct site_pages *p, long k, int port, size_t *len)
{
    struct text t = {xmalloc(1024), 0, 1024};
    add(&t, "<!DOCTYPE html>\n<html><head><title>page %ld</title></head><body>\n", k);
    add(&t, "<h1 id=\"top\">page %ld, level %ld</h1>\n<ul>\n", k, p->level[k]);
    for (long i = 0; i < p->links; i++)
        add_link(&t, k, p->targets[k * p->links + i], port, i);
    add(&t, "</ul>\n<!-- <a href=\"/trap/comment\">an old link, commented out</a> -->\n"
            "<script>var s = '<a href=\"/trap/script\">in a script</a>';</script>\n"
            "<p><a href=\"mailto:web@example.com\">mail</a> <a href=\"javascript:void(0)\">js</a>"
            " <a href=\"#top\">top</a> <a href=\"http://localhost:%d/trap/other-host\">another"
            " host</a></p>\n",
        port);
    if (k == 0)
        add(&t, "<p><a href=\"/data.txt\">data</a> <a href=\"/malformed\">old page</a></p>\n");
    add(&t, "</body></html>\n");
    *len = t.len;
    return t.buf;
}
