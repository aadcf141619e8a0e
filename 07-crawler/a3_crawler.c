/*
 * a3_crawler.c — A3's recursive crawler: depth <= 2, the first 5 same-domain links of
 * each page, Semaphore(5); and its erratum, counted by the server.
 *
 * A3 「构建高性能爬虫」: crawl_url(url, max_depth=2) fetches a page, parses its links
 * (urljoin, then urlparse(...).netloc == the page's), and gathers crawl_url on the first
 * five, one level deeper. Here links come from libxml2's parser joined by CURLU (links.h).
 * Watch the erratum: crawl_url keeps no visited set, so a page linked from several
 * pages is fetched again and again — the site counts how many times; then the same
 * crawl with a visited set fetches each page once.
 */
#include "fetch.h"
#include "links.h"
#include "session.h"
#include "site_counts.h"
#include "tally.h"

#include "args.h"
#include "check.h"
#include "loop.h"
#include "say.h"
#include "semaphore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long max_depth = 2, max_links = 5, max_concurrent = 5;

struct crawler {
    struct session *s;
    struct semaphore *sem;
    struct tally *visited; /* NULL: the article's crawl_url */
    long pages;
};

struct node {
    struct crawler *c;
    char *url;
    long depth;
};

/* fetch_page(): within the semaphore; the page, or NULL unless 200. */
static int fetch_page(struct crawler *c, const char *url, struct fetch_result *r)
{
    int err = semaphore_acquire(c->sem);
    if (err)
        return err;
    struct fetch_options o = FETCH_DEFAULTS;
    o.timeout = 10;
    err = fetch(c->s->cl, url, &o, r);
    semaphore_release(c->sem);
    return err ? err : r->status == 200 ? 0 : -ENOENT;
}

static void *crawl_url(void *arg)
{
    struct node *n = arg;
    struct crawler *c = n->c;
    if (n->depth > max_depth)
        return NULL;
    if (c->visited && tally_count(c->visited, n->url, strlen(n->url), 0)->hits > 1)
        return NULL; /* the fix: a page seen is not fetched again */
    struct fetch_result r = {0};
    int err = fetch_page(c, n->url, &r);
    if (err) {
        fetch_result_free(&r);
        return err == -ECANCELED ? task_raise(err, "fetching %s", n->url) : NULL;
    }
    c->pages++;
    struct links l;
    links_extract(r.body, r.body_len, r.url, &l);
    char *host = url_host_port(r.url);
    struct node *sub = xcalloc((size_t)max_links, sizeof *sub);
    long count = 0;
    for (size_t i = 0; i < l.count && count < max_links; i++) {
        char *link_host = url_host_port(l.url[i]);
        if (link_host && host && strcmp(link_host, host) == 0) /* only the same domain */
            sub[count++] = (struct node){c, l.url[i], n->depth + 1};
        free(link_host);
    }
    err = session_gather("crawl", count, crawl_url, sub, sizeof *sub);
    free(sub);
    free(host);
    links_free(&l);
    fetch_result_free(&r);
    return err == -ECANCELED ? task_raise(err, "crawling") : NULL;
}

static int run_crawl(struct session *s, bool visited_set)
{
    struct tally visited;
    tally_init(&visited);
    struct crawler c = {s, semaphore_new((int)max_concurrent), visited_set ? &visited : NULL, 0};
    site_counts_reset(s->cl, s->port);
    char *root = xstrdup(session_url(s, "/"));
    struct node start = {&c, root, 0};
    double t0 = loop_time(s->loop);
    int err = session_gather("crawl", 1, crawl_url, &start, sizeof start);
    double took = loop_time(s->loop) - t0;
    struct site_counts counts;
    if (!err)
        err = site_counts_get(s->cl, s->port, &counts);
    if (!err) {
        say("%s: 爬取完成,耗时: %.2f秒; 总共爬取 %ld 个页面", visited_set ? "with a visited set"
                                                            : "the article's crawl_url", took, c.pages);
        say("  the site served %ld requests for %ld different pages: %ld pages more than once, "
            "one of them %ld times", counts.hits, counts.paths, counts.paths_again, counts.most_hits);
    }
    free(root);
    semaphore_free(c.sem);
    tally_free(&visited);
    return err;
}

static int body(struct session *s, void *arg)
{
    (void)arg;
    int err = run_crawl(s, false);
    return err ? err : run_crawl(s, true);
}

int main(int argc, char **argv)
{
    bool quick = false;
    struct site_options so = SITE_DEFAULTS;
    so.pages = 40; /* pages link back to the levels above: a page is reached many ways */
    const struct opt opts[] = {
        OPT_INT("max-depth", "N", &max_depth, 0, 10, "crawl_url's max_depth"),
        OPT_INT("links", "N", &max_links, 1, 100, "links followed per page (links[:5])"),
        OPT_INT("max-concurrent", "N", &max_concurrent, 1, 1000, "the semaphore's value"),
        OPT_INT("pages", "N", &so.pages, 2, 100000, "pages of the local site"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv, "A3's recursive crawler (depth <= 2, 5 links a page) without, then "
                           "with, a visited set: the site counts the pages fetched again.", opts);
    (void)quick; /* the default run is quick already */
    return session_run(&so, body, NULL, NULL) ? 1 : 0;
}
