/*
 * http.h — the server side of minimal HTTP/1.1: parse requests, format responses.
 *
 * Written once for every server in the lab (chapter 02's server on the event loop,
 * chapter 07's local test site). The parser is
 *   - incremental: call it again each time more bytes arrive. It remembers how far it
 *     has searched for the end of the head, so a request that trickles in one byte at
 *     a time costs O(its length), not O(length²);
 *   - bounded: the caller says how many bytes it will hold for one request (head and
 *     body). A request that would not fit is an error (431, 413), never a bigger buffer;
 *   - pipelining-safe: it says exactly how many bytes the request took, and leaves the
 *     bytes after them (the next request) alone;
 *   - strict: a malformed request is answered 400 (501, 505 for the unsupported), never
 *     guessed at. The request line is checked as soon as it is complete, so garbage is
 *     refused at once, not after the client has filled the buffer.
 * It copies nothing: a request's fields point into the caller's buffer and stay valid
 * until the caller moves or overwrites those bytes.
 *
 *     struct http_parser p;
 *     http_parser_init(&p);
 *     for (;;) {                         // each time bytes arrive in buf[0, len)
 *         long n = http_parse_request(&p, buf, len, sizeof buf, &req);
 *         if (n == 0) break;             // incomplete: read more and call again
 *         if (n < 0) { answer -n and close; break; }
 *         answer req; drop buf[0, n) (the next request starts there); http_parser_init(&p);
 *     }
 *
 * Not supported (and refused as the RFC asks): chunked request bodies (501), HTTP/2 or
 * HTTP/0.9 (505), obsolete header line folding (400). Responses carry no Date header
 * (RFC 9110 wants one from a server with a clock): the lab's responses stay the same
 * bytes every time, so a server can format one once and the bench compares like with like.
 */
#ifndef LAB_HTTP_H
#define LAB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_HEADERS 32

struct http_header {
    const char *name, *value;   /* not NUL-terminated: use the lengths */
    size_t name_len, value_len; /* the value without the spaces around it */
};

struct http_request {
    const char *method, *target;
    size_t method_len, target_len;
    int minor_version; /* HTTP/1.0 or HTTP/1.1 */
    bool keep_alive;   /* the connection may carry another request after this one */
    size_t header_count;
    struct http_header headers[HTTP_MAX_HEADERS];
    const char *body; /* Content-Length bytes, or NULL and 0 */
    size_t body_len;
};

/* What the parser remembers between calls for the request it is reading. */
struct http_parser {
    size_t scanned;    /* bytes already searched for line ends */
    size_t line_start; /* where the line being searched for begins */
    size_t head_start; /* where the request line begins (after ignored empty lines) */
    size_t head_end;   /* where the body begins, or 0 while the head is incomplete */
    size_t checked;    /* before the request line ends: bytes seen to begin like one */
    bool have_request_line;
    bool method_seen;   /* the request line has its method and the space after it */
    bool continue_due;  /* the head asked for a 100 Continue and its body has not come */
    bool continue_sent; /* http_parser_continue_due said so already */
};

/* Ready the parser for a new request (at the start of a connection, after each request). */
void http_parser_init(struct http_parser *p);

/*
 * Parse the request at the start of buf[0, len), where `max` is the most bytes the caller
 * will hold for one request. Returns
 *   > 0   a whole request (head and body) is there, and took this many bytes;
 *   0     incomplete: call again with the same bytes and more after them;
 *   < 0   minus the status to answer before closing the connection:
 *         -400 malformed (also: bytes that cannot begin a method, refused before the
 *         line ends; a Host that is not host[:port]; a target that is neither /path nor
 *         absolute, or * outside OPTIONS), -417 an expectation other than 100-continue,
 *         -413 body too large for `max`, -431 head too large for `max`
 *         (or more than HTTP_MAX_HEADERS headers), -501 a Transfer-Encoding,
 *         -505 not HTTP/1.x.
 */
long http_parse_request(struct http_parser *p, const char *buf, size_t len, size_t max,
                        struct http_request *req);

/*
 * After http_parse_request returned 0: true, once per request, when the client sent
 * "Expect: 100-continue" and waits for "HTTP/1.1 100 Continue" before sending its body
 * (RFC 9110 §10.1.1). Any other expectation is refused (-417) by http_parse_request.
 */
bool http_parser_continue_due(struct http_parser *p);

bool http_method_is(const struct http_request *req, const char *method);
bool http_target_is(const struct http_request *req, const char *target);

/* The value of header `name` (any case), its length in *len; NULL if there is none. */
const char *http_header_value(const struct http_request *req, const char *name, size_t *len);

/* "OK", "Not Found"...; "" for a status without a known reason phrase. */
const char *http_reason(int status);

/*
 * Format a response head into out[0, cap): the status line, Content-Type (unless NULL),
 * Content-Length, "Connection: keep-alive" or "Connection: close" (explicit, so HTTP/1.0
 * clients keep the connection too), the `extra` header lines (each ending in "\r\n"; NULL
 * for none) and the blank line. Returns its length, or 0 if it does not fit or the status
 * is not three digits.
 */
size_t http_format_head(char *out, size_t cap, int status, const char *content_type,
                        size_t content_length, bool keep_alive, const char *extra);

/* Where the head of the response in buf[0, len) ends (after its blank line): a HEAD
 * request gets those bytes only. len if there is no blank line. */
size_t http_head_length(const char *buf, size_t len);

/* The head and the body, ready to send: its length, or 0 if it does not fit. */
size_t http_format_response(char *out, size_t cap, int status, const char *content_type,
                            const void *body, size_t body_len, bool keep_alive);

#endif
