/* site.c — the local test site's routes (see site.h). */
#include "site.h"
#include "tally.h"
#include "site_pages.h"
#include "site_reply.h"

#include "check.h"
#include "http.h"
#include "httpd.h"
#include "loop.h"
#include "rng.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct site {
    struct site_options opt;
    struct site_pages pages;
    struct tally hits;
    long early_retries; /* /ratelimit hits before their Retry-After was up */
    int port;
};

struct site *site_new(const struct site_options *o, char *why, size_t why_len)
{
    struct site *site = xcalloc(1, sizeof *site);
    site->opt = *o;
    if (site_pages_init(&site->pages, o->pages, o->links, o->depth, o->seed, why, why_len) < 0) {
        free(site);
        return NULL;
    }
    tally_init(&site->hits);
    return site;
}

void site_free(struct site *site)
{
    site_pages_free(&site->pages);
    tally_free(&site->hits);
    free(site);
}

long site_depth(const struct site *site)
{
    return site->pages.depth;
}

long site_reachable(const struct site *site)
{
    return site_pages_reachable(&site->pages);
}

static const char HTML[] =
    "<!DOCTYPE html>\n<html><head><title>Moby-Dick</title></head><body>\n<h1>Herman Melville - "
    "Moby-Dick</h1>\n<p>Availing himself of the mild, summer-cool weather that now reigned in "
    "these latitudes...</p>\n</body></html>\n";
static const char MALFORMED[] =
    "<html><body><p>unclosed <b>bold <a href=\"/page/1\">one<a href=/malformed-target>unquoted"
    "</a><div><td>cell</table><!-- <a href=\"/trap/comment\">old</a> --></body>";
static const char TEXT[] = "Not HTML, though it says <a href=\"/trap/text\">this</a>.\n";

/* /detour/: a short way and a long way to the same page, the short one slow (site.h). */
static void answer_detour(const struct http_request *req, struct httpd_reply *r)
{
    const char *t = req->target + 7; /* after "/detour" */
    size_t len = req->target_len - 7;
    double k;
    char links[128];
    if (len == 1) /* "/" */
        snprintf(links, sizeof links, "<a href=\"slow\">slow</a> <a href=\"long/1\">long</a>");
    else if (len == 5 && memcmp(t, "/slow", 5) == 0) {
        snprintf(links, sizeof links, "<a href=\"target\">target</a>");
        r->delay = 1; /* the long way's pages answer first: it finds target first */
    } else if (len == 7 && memcmp(t, "/long/1", 7) == 0)
        snprintf(links, sizeof links, "<a href=\"2\">long 2</a>");
    else if (len == 7 && memcmp(t, "/long/2", 7) == 0)
        snprintf(links, sizeof links, "<a href=\"../target\">target</a>");
    else if (len == 7 && memcmp(t, "/target", 7) == 0)
        snprintf(links, sizeof links, "<a href=\"next/1\">next 1</a>");
    else if (number_after(t, len, "/next/", &k, NULL) && k >= 1 && k < 10 && k == floor(k))
        snprintf(links, sizeof links, "<a href=\"%.0f\">next</a>", k + 1);
    else if (len == 8 && memcmp(t, "/next/10", 8) == 0)
        snprintf(links, sizeof links, "the end");
    else {
        reply_text(r, req, 404, NULL, "404 Not Found\n");
        return;
    }
    char html[256];
    int n = snprintf(html, sizeof html, "<html><body>%s</body></html>\n", links);
    reply(r, req, 200, "text/html", html, (size_t)n, NULL);
}

static void answer_stats(struct site *site, const struct http_request *req, struct httpd_reply *r)
{
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    site_report(site, r->server, f);
    fclose(f);
    reply(r, req, 200, "text/plain", text, len, NULL);
    free(text);
}

static void answer(void *arg, const struct http_request *req, struct httpd_reply *r)
{
    struct site *site = arg;
    const char *t = req->target;
    size_t len = req->target_len;
    if (http_target_is(req, "/stats")) {
        answer_stats(site, req, r);
        return;
    }
    if (http_target_is(req, "/stats/reset")) {
        tally_clear(&site->hits);
        site->early_retries = 0;
        httpd_reset_peaks(r->server);
        reply_text(r, req, 200, NULL, "reset\n");
        return;
    }
    struct tally_entry *hit = tally_count(&site->hits, t, len, r->now);
    if (!http_method_is(req, "GET") && !http_method_is(req, "HEAD")) {
        reply_text(r, req, 405, "Allow: GET, HEAD\r\n", "405 Method Not Allowed\n");
        return;
    }
    long page = site_pages_find(&site->pages, t, len);
    double v;
    if (page >= 0) {
        size_t n;
        char *html = site_pages_render(&site->pages, page, site->port, &n);
        reply(r, req, 200, "text/html; charset=utf-8", html, n, NULL);
        free(html);
        r->delay = site->opt.delay;
        if (site->opt.jitter) { /* a fraction of it, the same for the page every time */
            struct rng rng;
            rng_seed(&rng, site->opt.seed * 1000003 + (uint64_t)page);
            r->delay *= rng_uniform(&rng, 0, 1);
        }
    } else if (number_after(t, len, "/delay/", &v, NULL) && v <= 10 && t[len - 1] != '/') {
        reply_text(r, req, 200, NULL, "{\"delay\": %g, \"url\": \"%.*s\"}\n", v, (int)len, t);
        r->delay = v;
    } else if (number_after(t, len, "/status/", &v, NULL) && v >= 200 && v <= 599 && v == floor(v)) {
        reply_text(r, req, (int)v, NULL, "%.0f %s\n", v, http_reason((int)v));
    } else if (http_target_is(req, "/html")) {
        reply(r, req, 200, "text/html; charset=utf-8", HTML, sizeof HTML - 1, NULL);
    } else if (http_target_is(req, "/json")) {
        reply_text(r, req, 200, NULL, "{\"slideshow\": {\"title\": \"Sample Slide Show\"}}\n");
    } else if (http_target_is(req, "/malformed")) {
        reply(r, req, 200, "text/html", MALFORMED, sizeof MALFORMED - 1, NULL);
    } else if (http_target_is(req, "/malformed-target")) {
        reply(r, req, 200, "text/html", HTML, sizeof HTML - 1, NULL);
    } else if (http_target_is(req, "/data.txt")) {
        reply(r, req, 200, "text/plain", TEXT, sizeof TEXT - 1, NULL);
    } else if (len >= 8 && memcmp(t, "/detour/", 8) == 0) {
        answer_detour(req, r);
    } else {
        reply_fault(req, hit->hits, hit->first, site->opt.huge_bytes, &site->early_retries, r);
    }
}

void site_report(struct site *site, struct httpd *server, FILE *out)
{
    struct httpd_stats st = httpd_get_stats(server);
    fprintf(out, "connections %llu\nrequests %llu\nin_flight_peak %ld\nopen_peak %ld\n"
                 "early_retries %ld\nreachable %ld\n",
            (unsigned long long)st.accepted, (unsigned long long)st.requests, st.peak_in_flight,
            st.peak_open, site->early_retries, site_reachable(site));
    for (size_t i = 0; i < site->hits.cap; i++) {
        const struct tally_entry *h = &site->hits.slot[i];
        if (h->key)
            fprintf(out, "path %s hits %ld first %.3f last %.3f\n", h->key, h->hits, h->first,
                    h->last);
    }
}

static struct httpd_options options_of(struct site *site)
{
    struct httpd_options o = HTTPD_DEFAULTS;
    o.max_connections = site->opt.max_connections;
    o.handler = answer;
    o.handler_arg = site;
    return o;
}

static void report_nothing(struct httpd *server, void *arg)
{
    (void)server; /* its counts are on GET /stats, for whoever started it */
    (void)arg;
}

struct httpd *site_serve(struct site *site, struct loop *loop, int listen_fd)
{
    site->port = httpd_port(listen_fd);
    struct httpd_options o = options_of(site);
    return httpd_start(loop, listen_fd, &o);
}

pid_t site_spawn(struct site *site, long port, int *port_out)
{
    int fd = httpd_listen(port, 4096);
    site->port = *port_out = httpd_port(fd);
    struct httpd_options o = options_of(site);
    o.report = report_nothing;
    pid_t pid = httpd_spawn(fd, &o);
    close(fd);
    return pid;
}

int site_stop(pid_t pid)
{
    int status;
    kill(pid, SIGTERM);
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
