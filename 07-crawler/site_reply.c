/* site_reply.c — see site_reply.h. */
#include "site_reply.h"

#include "check.h"
#include "http.h"
#include "httpd.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole response into the server's buffer if it fits, else into one of its own. */
void reply(struct httpd_reply *r, const struct http_request *req, int status,
                  const char *type, const char *body, size_t len, const char *extra)
{
    size_t head = http_format_head(r->out, r->cap, status, type, len, req->keep_alive, extra);
    if (head && r->cap - head >= len) {
        memcpy(r->out + head, body, len);
        r->len = head + len;
        return;
    }
    char head_buf[1024];
    head = http_format_head(head_buf, sizeof head_buf, status, type, len, req->keep_alive, extra);
    r->big = xmalloc(head + len);
    memcpy(r->big, head_buf, head);
    memcpy(r->big + head, body, len);
    r->big_len = head + len;
}

void reply_text(struct httpd_reply *r, const struct http_request *req, int status,
                       const char *extra, const char *fmt, ...)
{
    char body[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    const char *type = body[0] == '{' ? "application/json" : "text/plain";
    reply(r, req, status, type, body, (size_t)n < sizeof body ? (size_t)n : sizeof body - 1, extra);
}

/* A body of `bytes` in 64 KiB chunks, no Content-Length: only its end says how long it was. */
static void reply_chunked(struct httpd_reply *r, const struct http_request *req, long bytes)
{
    enum { CHUNK = 64 * 1024 };
    size_t cap = (size_t)bytes + (size_t)(bytes / CHUNK + 2) * 16 + 256, len = 0;
    char *out = xmalloc(cap);
    len += (size_t)sprintf(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                "Transfer-Encoding: chunked\r\nConnection: %s\r\n\r\n",
                           req->keep_alive ? "keep-alive" : "close");
    for (long left = bytes; left > 0; left -= CHUNK) {
        long n = left < CHUNK ? left : CHUNK;
        len += (size_t)sprintf(out + len, "%lx\r\n", n);
        memset(out + len, 'x', (size_t)n);
        memcpy(out + len, "<p>", 3 < n ? 3 : (size_t)n);
        len += (size_t)n;
        len += (size_t)sprintf(out + len, "\r\n");
    }
    len += (size_t)sprintf(out + len, "0\r\n\r\n");
    r->big = out;
    r->big_len = len;
}

/* ---- the routes ---- */

/* The number after `prefix` in target[0, len) ("/status/404"), up to the next '/'. */
bool number_after(const char *target, size_t len, const char *prefix, double *v,
                         const char **rest)
{
    size_t n = strlen(prefix);
    if (len <= n || memcmp(target, prefix, n) != 0)
        return false;
    char buf[32];
    size_t k = 0;
    while (n + k < len && target[n + k] != '/' && k < sizeof buf - 1) {
        buf[k] = target[n + k];
        k++;
    }
    buf[k] = '\0';
    char *end;
    errno = 0;
    *v = strtod(buf, &end);
    if (k == 0 || *end || errno || !isfinite(*v) || *v < 0 || (buf[0] < '0' || buf[0] > '9'))
        return false;
    if (rest)
        *rest = target + n + k;
    return true;
}

void reply_fault(const struct http_request *req, long hits, double first, long huge_bytes,
                 long *early_retries, struct httpd_reply *r)
{
    const char *t = req->target, *rest;
    size_t len = req->target_len;
    double v;
    if (number_after(t, len, "/flaky/", &v, &rest) && *rest == '/') {
        if (hits <= (long)v)
            reply_text(r, req, 503, "Retry-After: 0\r\n", "503 (failure %ld of %.0f)\n", hits, v);
        else
            reply_text(r, req, 200, NULL, "200 after %.0f failures\n", v);
    } else if (number_after(t, len, "/ratelimit/", &v, &rest) && *rest == '/') {
        if (hits > 1 && r->now - first < v)
            ++*early_retries;
        if (r->now - first < v) {
            char extra[64];
            snprintf(extra, sizeof extra, "Retry-After: %.0f\r\n", ceil(v));
            reply_text(r, req, 429, extra, "429 Too Many Requests\n");
        } else {
            reply_text(r, req, 200, NULL, "200 after waiting %.3f s\n", r->now - first);
        }
    } else if (number_after(t, len, "/redirect/", &v, NULL) && v >= 1 && v <= 100) {
        char extra[64];
        if (v > 1)
            snprintf(extra, sizeof extra, "Location: /redirect/%.0f\r\n", v - 1);
        else
            snprintf(extra, sizeof extra, "Location: /html\r\n");
        reply_text(r, req, 302, extra, "302 Found\n");
    } else if (http_target_is(req, "/loop/a") || http_target_is(req, "/loop/b")) {
        reply_text(r, req, 302, t[6] == 'a' ? "Location: /loop/b\r\n" : "Location: /loop/a\r\n",
                   "302 Found\n");
    } else if (http_target_is(req, "/never")) {
        reply_text(r, req, 200, NULL, "never sent\n");
        r->delay = INFINITY;
    } else if (http_target_is(req, "/reset")) {
        /* Announce 100000 bytes, send 1000, reset: a server that crashed mid-body. */
        char *out = xmalloc(1024 + 1000);
        size_t head = http_format_head(out, 1024, 200, "text/html", 100000, req->keep_alive, NULL);
        memset(out + head, 'x', 1000);
        r->big = out;
        r->big_len = head + 1000;
        r->reset = true;
    } else if (http_target_is(req, "/huge")) {
        reply_chunked(r, req, huge_bytes);
    } else {
        reply_text(r, req, 404, NULL, "404 Not Found\n");
    }
}

