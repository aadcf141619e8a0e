/*
 * Unit tests of common/http: requests parse the same whole or split at every byte,
 * pipelined requests are separated exactly, every kind of bad input gets its status,
 * nothing past `max` is ever needed, and responses are formatted byte for byte.
 */
#include "http.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX 1024

/* Parse `text` given whole, with a fresh parser. */
static long parse_whole(const char *text, size_t len, size_t max, struct http_request *req)
{
    struct http_parser p;
    http_parser_init(&p);
    return http_parse_request(&p, text, len, max, req);
}

/*
 * Feed `text` one byte more at a time to one parser, each time from a fresh buffer exactly
 * as long as what has arrived (so ASan catches a read past it). Returns the first non-zero
 * result, in *at how many bytes had arrived then; `req` points into *arrived (free it).
 */
static long parse_trickled(const char *text, size_t len, size_t max, struct http_request *req,
                           size_t *at, char **arrived)
{
    struct http_parser p;
    http_parser_init(&p);
    long r = 0;
    *arrived = NULL;
    for (size_t n = 0; n <= len && r == 0; n++) {
        free(*arrived);
        *arrived = malloc(n ? n : 1);
        memcpy(*arrived, text, n);
        r = http_parse_request(&p, *arrived, n, max, req);
        *at = n;
    }
    return r;
}

static bool span_is(const char *s, size_t n, const char *want)
{
    return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

static void test_simple_get(void)
{
    const char *text = "GET /index.html?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                       "User-Agent:  lab/1.0 \r\nAccept: */*\r\n\r\n";
    struct http_request req;
    long n = parse_whole(text, strlen(text), MAX, &req);
    is_long(n, (long)strlen(text), "a whole GET takes all its bytes");
    ok(http_method_is(&req, "GET") && http_target_is(&req, "/index.html?q=1"), "method and target");
    is_long(req.minor_version, 1, "HTTP/1.1");
    ok(req.keep_alive, "HTTP/1.1 keeps the connection by default");
    is_long((long)req.header_count, 3, "three headers");
    size_t vlen;
    const char *ua = http_header_value(&req, "user-agent", &vlen);
    ok(ua && span_is(ua, vlen, "lab/1.0"), "a header found in any case, spaces around removed");
    ok(!http_header_value(&req, "cookie", &vlen), "a header that is not there is NULL");
    ok(req.body == NULL && req.body_len == 0, "no body");
}

/* Every request parses the same whole and trickled in, and only once complete. */
static void test_split_at_every_byte(void)
{
    static const struct {
        const char *text, *target;
    } cases[] = {
        {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "/"},
        {"GET /lf HTTP/1.1\nHost: a\n\n", "/lf"},
        {"\r\n\r\nGET /after-empty-lines HTTP/1.1\r\nHost: a\r\n\r\n", "/after-empty-lines"},
        {"POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world", "/form"},
        {"GET /old HTTP/1.0\r\n\r\n", "/old"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].text), at;
        struct http_request whole, trickled;
        long w = parse_whole(cases[i].text, len, MAX, &whole);
        char *arrived;
        long t = parse_trickled(cases[i].text, len, MAX, &trickled, &at, &arrived);
        ok(w == (long)len && t == w && at == len,
           "request %zu: complete only at its last byte, whole or byte by byte", i);
        ok(http_target_is(&trickled, cases[i].target), "request %zu: the target is %s", i,
           cases[i].target);
        ok(trickled.body_len == whole.body_len && trickled.keep_alive == whole.keep_alive &&
               trickled.header_count == whole.header_count,
           "request %zu: the same fields either way", i);
        free(arrived);
    }
}

static void test_pipelined(void)
{
    const char *text = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
                       "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz"
                       "GET /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                       "GET /d HT";
    const char *want[] = {"/a", "/b", "/c"};
    size_t len = strlen(text), off = 0;
    struct http_parser p;
    struct http_request req;
    for (int i = 0; i < 3; i++) {
        http_parser_init(&p);
        long n = http_parse_request(&p, text + off, len - off, MAX, &req);
        ok(n > 0 && http_target_is(&req, want[i]), "pipelined request %d is %s", i + 1, want[i]);
        if (n <= 0)
            return;
        off += (size_t)n;
    }
    ok(!req.keep_alive, "the third asked to close");
    http_parser_init(&p);
    is_long(http_parse_request(&p, text + off, len - off, MAX, &req), 0,
            "the fourth, cut short, is incomplete");
    is_long((long)(len - off), 9, "and its bytes were left alone");

    const char *with_body = "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyzGET";
    long n = parse_whole(with_body, strlen(with_body), MAX, &req);
    ok(n == (long)strlen(with_body) - 3 && span_is(req.body, req.body_len, "xyz"),
       "a body is exactly Content-Length bytes; what follows is the next request");
}

struct bad_case {
    const char *text;
    long want;
    const char *why;
};

static void test_bad_requests(void)
{
    static const struct bad_case cases[] = {
        {"garbage\r\n", -400, "a garbage request line, refused before any header arrives"},
        {"\x16\x03\x01\x02\x10\x01\x10\x01\xfc\x03\x03\n", -400, "binary (a TLS hello)"},
        {"GET  / HTTP/1.1\r\n", -400, "two spaces"},
        {"GET / HTTP/1.1 \r\n", -400, "a space after the version"},
        {"GET /a b HTTP/1.1\r\n", -400, "a space in the target"},
        {"GET /\xc3\xa9 HTTP/1.1\r\n", -400, "a raw non-ASCII target"},
        {"GET / HTTP/1.x\r\n", -400, "a version that is not digits"},
        {"GET / http/1.1\r\n", -400, "the version in lower case"},
        {"GET / HTTP/2.0\r\n", -505, "HTTP/2.0"},
        {"GET / HTTP/0.9\r\n", -505, "HTTP/0.9"},
        {"GET / HTTP/1.1\r\n\r\n", -400, "HTTP/1.1 without Host"},
        {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -400, "two Hosts"},
        {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", -400, "a space before the colon"},
        {"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", -400, "obsolete line folding"},
        {"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", -400, "a bare CR in a value"},
        {"GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", -400, "CR CR LF"},
        {"GET / HTTP/1.1\r\nHost\r\n\r\n", -400, "a header without a colon"},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", -400, "a length in letters"},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", -400, "a negative length"},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", -400,
         "two different lengths"},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", -413,
         "a length beyond any size_t"},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n", -413,
         "a body that would not fit in max, refused before it arrives"},
        {"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", -501, "a chunked body"},
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", -400, "a space in Host (RFC 9112 \u00a73.2)"},
        {"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", -400, "a slash in Host"},
        {"GET * HTTP/1.1\r\nHost: a\r\n\r\n", -400, "GET * (the asterisk is OPTIONS' alone)"},
        {"GET a HTTP/1.1\r\nHost: a\r\n\r\n", -400, "a target neither /path nor absolute"},
        {"POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", -417,
         "an expectation other than 100-continue"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_case *c = &cases[i];
        size_t len = strlen(c->text), at;
        struct http_request req;
        long w = parse_whole(c->text, len, MAX, &req);
        char *arrived;
        long t = parse_trickled(c->text, len, MAX, &req, &at, &arrived);
        free(arrived);
        if (!ok(w == c->want && t == c->want, "%ld for %s", -c->want, c->why))
            diag("whole: %ld, byte by byte: %ld", w, t);
    }

    struct http_request req;
    const char *twice = "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2"
                        "\r\n\r\nhi";
    is_long(parse_whole(twice, strlen(twice), MAX, &req), (long)strlen(twice),
            "the same length twice is accepted");
}

/* Bytes that can never start a method are refused before a line end arrives. */
static void test_refused_at_once(void)
{
    static const char tls[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
    struct http_request req;
    is_long(parse_whole(tls, sizeof tls - 1, MAX, &req), -400,
            "a TLS ClientHello without a line end: 400 at once");
    is_long(parse_whole("G", 1, MAX, &req), 0, "\"G\" may still become GET: wait");
    is_long(parse_whole("\r\nGE", 4, MAX, &req), 0, "an empty line, then GE: wait");
    is_long(parse_whole("GE(", 3, MAX, &req), -400, "\"GE(\": no method holds a '(': 400");
    is_long(parse_whole(" GET", 4, MAX, &req), -400, "a request line starting with a space: 400");
    size_t at;
    char *arrived;
    is_long(parse_trickled(tls, sizeof tls - 1, MAX, &req, &at, &arrived), -400,
            "byte by byte, too");
    is_long((long)at, 1, "refused at its first byte");
    free(arrived);
}

static void test_host_and_target_forms(void)
{
    static const char *const good[] = {
        "GET / HTTP/1.1\r\nHost: a.example:8080\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
        "GET / HTTP/1.1\r\nHost:\r\n\r\n",
        "GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct http_request req;
        long n = parse_whole(good[i], strlen(good[i]), MAX, &req);
        ok(n == (long)strlen(good[i]), "accepted: %.*s", (int)strcspn(good[i], "\r"), good[i]);
    }
}

/* Expect: 100-continue: the parser says once that the client waits for a 100. */
static void test_expect_continue(void)
{
    const char *head = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n"
                       "Content-Length: 2\r\n\r\n";
    char buf[256];
    snprintf(buf, sizeof buf, "%shi", head);
    struct http_parser p;
    struct http_request req;
    http_parser_init(&p);
    is_long(http_parse_request(&p, buf, strlen(head), MAX, &req), 0, "head alone: incomplete");
    ok(http_parser_continue_due(&p), "and a 100 Continue is due");
    ok(!http_parser_continue_due(&p), "once");
    is_long(http_parse_request(&p, buf, strlen(buf), MAX, &req), (long)strlen(buf),
            "then the body arrives: the whole request");
    http_parser_init(&p);
    is_long(http_parse_request(&p, buf, strlen(buf), MAX, &req), (long)strlen(buf),
            "head and body together:");
    ok(!http_parser_continue_due(&p), "no 100 is due (the client sent the body already)");
}

/* A HEAD answer is the head of the GET answer: where it ends. */
static void test_head_length(void)
{
    char out[256];
    size_t n = http_format_response(out, sizeof out, 404, "text/plain", "gone\n", 5, true);
    is_long((long)http_head_length(out, n), (long)(n - 5), "http_head_length finds the body");
    is_long((long)http_head_length("HTTP/1.1 200 OK\r\n", 17), 17, "no blank line: all of it");
}

static void test_connection_header(void)
{
    static const struct {
        const char *text;
        bool keep_alive;
        const char *why;
    } cases[] = {
        {"GET / HTTP/1.0\r\n\r\n", false, "HTTP/1.0 closes by default"},
        {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true, "HTTP/1.0 asking keep-alive"},
        {"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false, "HTTP/1.1 closing"},
        {"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, CLOSE\r\n\r\n", false,
         "close anywhere in the list wins"},
        {"GET / HTTP/1.2\r\nHost: a\r\n\r\n", true, "HTTP/1.2 is treated as HTTP/1.1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_request req;
        long n = parse_whole(cases[i].text, strlen(cases[i].text), MAX, &req);
        ok(n > 0 && req.keep_alive == cases[i].keep_alive, "%s", cases[i].why);
    }
}

static void test_limits(void)
{
    struct http_request req;
    struct http_parser p;
    size_t len = 64 * 1024;
    char *flood = malloc(len);
    memset(flood, 'A', len);
    http_parser_init(&p);
    is_long(http_parse_request(&p, flood, MAX - 1, MAX, &req), 0,
            "max-1 bytes without a newline: still waiting");
    is_long((long)p.scanned, MAX - 1, "and it remembers how far it searched (no rescan)");
    is_long(http_parse_request(&p, flood, MAX, MAX, &req), -431,
            "max bytes without a newline: 431, nothing more is needed");
    http_parser_init(&p);
    is_long(http_parse_request(&p, flood, len, MAX, &req), -431,
            "64 KiB without a newline: 431, and nothing past max is read (ASan)");

    /* A head of many short lines that never ends. */
    for (size_t i = 0; i < len; i += 8)
        memcpy(flood + i, "X-A: b\r\n", 8);
    memcpy(flood, "GET / HTTP/1.1\r\n", 16);
    is_long(parse_whole(flood, len, MAX, &req), -431, "a head longer than max: 431");

    /* More headers than HTTP_MAX_HEADERS, well inside max. */
    char many[2048] = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < HTTP_MAX_HEADERS; i++)
        strcat(many, "X-A: b\r\n");
    strcat(many, "\r\n");
    is_long(parse_whole(many, strlen(many), sizeof many, &req), -431,
            "more than HTTP_MAX_HEADERS headers: 431");

    const char *fits = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    is_long(parse_whole(fits, strlen(fits), strlen(fits), &req), (long)strlen(fits),
            "a request exactly max bytes long fits");
    free(flood);
}

static void test_format(void)
{
    char out[256];
    size_t n = http_format_response(out, sizeof out, 200, "text/plain", "hi", 2, true);
    const char *want = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                       "Connection: keep-alive\r\n\r\nhi";
    ok(n == strlen(want) && memcmp(out, want, n) == 0, "a 200 with a body, byte for byte");

    n = http_format_head(out, sizeof out, 429, NULL, 0, false, "Retry-After: 1\r\n");
    want = "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\n"
           "Retry-After: 1\r\n\r\n";
    ok(n == strlen(want) && memcmp(out, want, n) == 0, "extra headers, Connection: close");

    n = http_format_head(out, sizeof out, 204, NULL, 0, true, NULL);
    want = "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n";
    ok(n == strlen(want) && memcmp(out, want, n) == 0, "a 204 announces no length");

    n = http_format_head(out, sizeof out, 299, NULL, 0, true, NULL);
    ok(n > 0 && memcmp(out, "HTTP/1.1 299 \r\n", 15) == 0, "an unknown status, empty reason");
    is_long((long)http_format_head(out, sizeof out, 1000, NULL, 0, true, NULL), 0,
            "a status of four digits is refused");
    is_long((long)http_format_head(out, sizeof out, 99, NULL, 0, true, NULL), 0,
            "a status of two digits is refused");

    size_t need = http_format_response(out, sizeof out, 404, "text/plain", "no", 2, true);
    bool all_refused = true;
    for (size_t cap = 0; cap < need; cap++) {
        char *tight = malloc(cap ? cap : 1);
        all_refused &= http_format_response(tight, cap, 404, "text/plain", "no", 2, true) == 0;
        free(tight);
    }
    ok(all_refused, "every buffer one byte too small or smaller: 0, and no overflow (ASan)");
    char *exact = malloc(need);
    is_long((long)http_format_response(exact, need, 404, "text/plain", "no", 2, true), (long)need,
            "a buffer of exactly the size fits");
    free(exact);

    n = http_format_head(out, sizeof out, 200, NULL, 1234567890, true, NULL);
    const char *length = "Content-Length: 1234567890\r\n";
    ok(n > 0 && memmem(out, n, length, strlen(length)) != NULL, "a big length in full");
}

int main(void)
{
    test_simple_get();
    test_split_at_every_byte();
    test_pipelined();
    test_bad_requests();
    test_refused_at_once();
    test_host_and_target_forms();
    test_expect_continue();
    test_head_length();
    test_connection_header();
    test_limits();
    test_format();
    return done_testing();
}
