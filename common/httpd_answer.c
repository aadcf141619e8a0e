/*
 * httpd_answer.c — answering: the complete requests a connection has read, parsed by
 * common/http.h one after the other (pipelining), each answered into the server's one
 * output buffer, by chapter 02's routes or by the handler the server was given. GET /
 * costs a copy: its bytes are formatted once, at start. See httpd_private.h for how the
 * server's files fit together.
 */
#include "httpd_answer.h"
#include "httpd_private.h"

#include "check.h"
#include "fds.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HELLO[] = "Hello, World!\n";
static const char CONTINUE[] = "HTTP/1.1 100 Continue\r\n\r\n";

void httpd_answer_prepare(struct httpd *s)
{
    for (int keep = 0; keep <= 1; keep++)
        s->hello_len[keep] = http_format_response(s->hello[keep], RESPONSE_MAX, 200, "text/plain",
                                                  HELLO, sizeof HELLO - 1, keep);
}

static size_t answer_stats(struct httpd *s, bool keep_alive, char *out)
{
    char body[256];
    int n = snprintf(body, sizeof body,
                     "{\"open\":%ld,\"peak\":%ld,\"accepted\":%llu,\"requests\":%llu,"
                     "\"errors\":%llu,\"timeouts\":%llu,\"fds\":%d,\"rss_kib\":%ld}\n",
                     s->stats.open, s->stats.peak_open, (unsigned long long)s->stats.accepted,
                     (unsigned long long)s->stats.requests, (unsigned long long)s->stats.errors,
                     (unsigned long long)s->stats.timeouts, fds_open_count(),
                     proc_self_rss_bytes() / 1024);
    return http_format_response(out, RESPONSE_MAX, 200, "application/json", body, (size_t)n,
                                keep_alive);
}

size_t httpd_answer_error(struct conn *c, int status, char *out)
{
    char body[64];
    int n = snprintf(body, sizeof body, "%d %s\n", status, http_reason(status));
    c->srv->stats.requests++;
    c->srv->stats.errors++;
    c->closing = true;
    return http_format_response(out, RESPONSE_MAX, status, "text/plain", body, (size_t)n, false);
}

/* Chapter 02's routes: / and /stats (GET and HEAD), 404 and 405 for the rest. */
static size_t answer_routes(struct httpd *s, const struct http_request *req, char *out)
{
    bool keep = req->keep_alive;
    bool get = http_method_is(req, "GET") || http_method_is(req, "HEAD");
    if (get && http_target_is(req, "/")) {
        memcpy(out, s->hello[keep], s->hello_len[keep]);
        return s->hello_len[keep];
    }
    if (get && http_target_is(req, "/stats"))
        return answer_stats(s, keep, out);
    if (http_target_is(req, "/") || http_target_is(req, "/stats")) {
        static const char body[] = "405 Method Not Allowed\n";
        size_t n = http_format_head(out, RESPONSE_MAX, 405, "text/plain", sizeof body - 1, keep,
                                    "Allow: GET, HEAD\r\n");
        memcpy(out + n, body, sizeof body - 1);
        return n + sizeof body - 1;
    }
    static const char body[] = "404 Not Found\n";
    return http_format_response(out, RESPONSE_MAX, 404, "text/plain", body, sizeof body - 1, keep);
}

/* The status in a response's first line ("HTTP/1.1 404 ..."), for the error count. */
static int status_of(const char *response, size_t len)
{
    return len >= 12 ? atoi(response + 9) : 0;
}

/*
 * Answer one request into out (room bytes, at least RESPONSE_MAX): the bytes written, or
 * 0 when the answer waits in c->delayed. A HEAD request gets the head alone.
 */
static size_t answer(struct conn *c, const struct http_request *req, char *out, size_t room)
{
    struct httpd *s = c->srv;
    struct httpd_reply r = {.server = s, .now = loop_time(s->loop), .out = out, .cap = room};
    if (s->opt.handler)
        s->opt.handler(s->opt.handler_arg, req, &r);
    else
        r.len = answer_routes(s, req, out);
    if (!req->keep_alive || r.close)
        c->closing = true;
    const char *bytes = r.big ? r.big : out;
    size_t len = r.big ? r.big_len : r.len;
    if (http_method_is(req, "HEAD"))
        len = http_head_length(bytes, len);
    s->stats.requests++;
    if (status_of(bytes, len) >= 400)
        s->stats.errors++;
    if (++s->stats.in_flight > s->stats.peak_in_flight)
        s->stats.peak_in_flight = s->stats.in_flight;
    if (!r.big && r.delay <= 0 && !r.reset) {
        s->stats.in_flight--;
        return len;
    }
    /* Sent later (httpd_conn.c): after the answers before it, and before any after it. */
    c->delayed = r.big ? r.big : xmalloc(len ? len : 1);
    if (!r.big)
        memcpy(c->delayed, out, len);
    c->delayed_len = len;
    c->delay = r.delay > 0 ? r.delay : 0;
    c->reset_after_delayed = r.reset;
    return 0;
}

size_t httpd_answer_requests(struct conn *c, const char *buf, size_t len, size_t *used, bool *full)
{
    struct httpd *s = c->srv;
    size_t out_len = 0;
    *used = 0;
    *full = false;
    while (!c->closing && !c->delayed) {
        if (OUT_BATCH - out_len < RESPONSE_MAX) {
            *full = true;
            break;
        }
        struct http_request req;
        long n = http_parse_request(&c->parser, buf + *used, len - *used, s->opt.request_max, &req);
        if (n == 0) {
            if (http_parser_continue_due(&c->parser)) { /* the client waits for this to send its body */
                memcpy(s->out_buf + out_len, CONTINUE, sizeof CONTINUE - 1);
                out_len += sizeof CONTINUE - 1;
            }
            break;
        }
        if (n < 0) {
            out_len += httpd_answer_error(c, (int)-n, s->out_buf + out_len);
            break;
        }
        out_len += answer(c, &req, s->out_buf + out_len, OUT_BATCH - out_len);
        *used += (size_t)n;
        http_parser_init(&c->parser);
    }
    return out_len;
}
