/* http.c — see http.h. The grammar is RFC 9112's, minus what http.h says is not supported. */
#include "http.h"

#include <stdint.h>
#include <string.h>

void http_parser_init(struct http_parser *p)
{
    *p = (struct http_parser){0};
}

/* The bytes of a method or a header name (RFC 9110 §5.6.2). */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* The bytes of a request target: visible ASCII, no space, no control. */
static bool is_target_char(unsigned char c)
{
    return c > ' ' && c < 0x7f;
}

/* The bytes of a header value: anything but a control character (tab is allowed). */
static bool is_value_char(unsigned char c)
{
    return c == '\t' || (c >= ' ' && c != 0x7f);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}


/* s[0, n) equals `word`, ASCII letters in any case (header names and tokens are caseless). */
static bool equal_nocase(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)word[i];
        if (a >= 'A' && a <= 'Z')
            a += 'a' - 'A';
        if (b >= 'A' && b <= 'Z')
            b += 'a' - 'A';
        if (a != b)
            return false;
    }
    return true;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * The four forms of a request target (RFC 9112 §3.2): origin "/path", absolute
 * "scheme://...", authority "host:port" (CONNECT only), asterisk "*" (OPTIONS only).
 */
static bool target_form_ok(const struct http_request *req)
{
    const char *t = req->target;
    size_t n = req->target_len;
    if (t[0] == '/')
        return true;
    if (n == 1 && t[0] == '*')
        return http_method_is(req, "OPTIONS");
    if (http_method_is(req, "CONNECT"))
        return true;
    size_t i = 0;
    while (i < n && (is_alpha(t[i]) || (i > 0 && (is_digit(t[i]) || strchr("+-.", t[i])))))
        i++;
    return i > 0 && n - i >= 3 && memcmp(t + i, "://", 3) == 0;
}

/* A Host value is uri-host [":" port]: no space, slash, '@' or control (RFC 9112 §3.2). */
static bool host_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]) && !strchr("-._~!$&'()*+,;=:[]%", s[i]))
            return false;
    return true;
}

/* "METHOD SP target SP HTTP/1.x" (the line ending removed): 0, or minus a status. */
static int parse_request_line(const char *line, size_t len, struct http_request *req)
{
    size_t i = 0;
    while (i < len && is_tchar((unsigned char)line[i]))
        i++;
    if (i == 0 || i == len || line[i] != ' ')
        return -400;
    req->method = line;
    req->method_len = i;

    size_t target = ++i;
    while (i < len && is_target_char((unsigned char)line[i]))
        i++;
    if (i == target || i == len || line[i] != ' ')
        return -400;
    req->target = line + target;
    req->target_len = i - target;

    if (!target_form_ok(req))
        return -400;

    const char *v = line + i + 1;
    if (len - i - 1 != 8 || memcmp(v, "HTTP/", 5) != 0 || !is_digit(v[5]) || v[6] != '.' ||
        !is_digit(v[7]))
        return -400;
    if (v[5] != '1')
        return -505;
    /* HTTP/1.2 and later are answered as HTTP/1.1 (RFC 9110 §6.2). */
    req->minor_version = v[7] == '0' ? 0 : 1;
    return 0;
}

/* "Name: value" (the line ending removed): 0, or minus a status. */
static int parse_header_line(const char *line, size_t len, struct http_request *req)
{
    size_t i = 0;
    while (i < len && is_tchar((unsigned char)line[i]))
        i++;
    /* This also refuses "Name : value" and a folded line starting with a space (RFC 9112 §5). */
    if (i == 0 || i == len || line[i] != ':')
        return -400;
    if (req->header_count == HTTP_MAX_HEADERS)
        return -431;
    size_t start = i + 1, end = len;
    while (start < end && is_space(line[start]))
        start++;
    while (end > start && is_space(line[end - 1]))
        end--;
    for (size_t k = start; k < end; k++)
        if (!is_value_char((unsigned char)line[k]))
            return -400; /* a bare CR or a NUL: a classic way to smuggle a second request */
    req->headers[req->header_count++] = (struct http_header){line, line + start, i, end - start};
    return 0;
}

/* Content-Length is digits only; SIZE_MAX stands for "more than anyone will hold". */
static bool parse_length(const char *s, size_t n, size_t *out)
{
    if (n == 0)
        return false;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v > (SIZE_MAX - 9) / 10 ? SIZE_MAX : v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* Does the comma-separated list s[0, n) hold `token`? ("Connection: keep-alive, Upgrade") */
static bool list_has(const char *s, size_t n, const char *token)
{
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        while (i < n && s[i] != ',')
            i++;
        size_t end = i++;
        while (start < end && is_space(s[start]))
            start++;
        while (end > start && is_space(s[end - 1]))
            end--;
        if (equal_nocase(s + start, end - start, token))
            return true;
    }
    return false;
}

/* What the headers mean for framing and the connection: 0, or minus a status. */
static int apply_headers(struct http_request *req, size_t *content_length, bool *expect_continue)
{
    bool have_length = false, close = false, keep_alive = false;
    int hosts = 0;
    *content_length = 0;
    *expect_continue = false;
    for (size_t i = 0; i < req->header_count; i++) {
        const struct http_header *h = &req->headers[i];
        if (equal_nocase(h->name, h->name_len, "content-length")) {
            size_t n;
            if (!parse_length(h->value, h->value_len, &n))
                return -400;
            /* Two different lengths: which one frames the body? Refuse (RFC 9112 §6.3). */
            if (have_length && n != *content_length)
                return -400;
            have_length = true;
            *content_length = n;
        } else if (equal_nocase(h->name, h->name_len, "transfer-encoding")) {
            return -501;
        } else if (equal_nocase(h->name, h->name_len, "host")) {
            if (!host_ok(h->value, h->value_len))
                return -400;
            hosts++;
        } else if (equal_nocase(h->name, h->name_len, "expect")) {
            if (!equal_nocase(h->value, h->value_len, "100-continue"))
                return -417; /* RFC 9110 §10.1.1: the only expectation there is */
            *expect_continue = true;
        } else if (equal_nocase(h->name, h->name_len, "connection")) {
            close |= list_has(h->value, h->value_len, "close");
            keep_alive |= list_has(h->value, h->value_len, "keep-alive");
        }
    }
    /* An HTTP/1.1 request names exactly one Host (RFC 9112 §3.2). */
    if (hosts > 1 || (req->minor_version == 1 && hosts == 0))
        return -400;
    /* HTTP/1.1 connections persist unless closed; HTTP/1.0 ones only when asked to. */
    req->keep_alive = !close && (req->minor_version == 1 || keep_alive);
    return 0;
}

/*
 * Before its line ends, does the request line begin like one: a method's bytes, then a
 * space? Bytes that never can (a TLS ClientHello starts with 0x16) are refused at once,
 * not after the client has filled the buffer or gone silent. Each byte is looked at once.
 */
static bool could_begin_request(struct http_parser *p, const char *buf, size_t limit)
{
    if (p->checked < p->line_start)
        p->checked = p->line_start;
    for (; !p->method_seen && p->checked < limit; p->checked++) {
        unsigned char c = (unsigned char)buf[p->checked];
        if (c == '\r' || c == '\n')
            return true; /* a line end: the line's own parser decides */
        if (c == ' ') {
            if (p->checked == p->line_start)
                return false;
            p->method_seen = true;
        } else if (!is_tchar(c)) {
            return false;
        }
    }
    return true;
}

/* Find the end of the head, checking the request line as soon as it is complete. */
static int scan_head(struct http_parser *p, const char *buf, size_t limit, struct http_request *req)
{
    while (p->head_end == 0 && p->scanned < limit) {
        const char *nl = memchr(buf + p->scanned, '\n', limit - p->scanned);
        if (!nl) {
            p->scanned = limit;
            break;
        }
        size_t eol = (size_t)(nl - buf), start = p->line_start;
        size_t line_len = eol - start;
        if (line_len > 0 && buf[eol - 1] == '\r')
            line_len--;
        p->scanned = p->line_start = eol + 1;
        if (!p->have_request_line) {
            if (line_len == 0) { /* empty lines before a request are ignored (RFC 9112 §2.2) */
                p->head_start = eol + 1;
                continue;
            }
            int err = parse_request_line(buf + start, line_len, req);
            if (err)
                return err;
            p->have_request_line = true;
        } else if (line_len == 0) {
            p->head_end = eol + 1;
        }
    }
    if (!p->have_request_line && !could_begin_request(p, buf, limit))
        return -400;
    return 0;
}

long http_parse_request(struct http_parser *p, const char *buf, size_t len, size_t max,
                        struct http_request *req)
{
    int err = scan_head(p, buf, len < max ? len : max, req);
    if (err)
        return err;
    if (p->head_end == 0)
        return len >= max ? -431 : 0;

    /* The whole head is here: parse its lines (again, when a call only brought body bytes). */
    req->header_count = 0;
    bool first = true;
    for (size_t pos = p->head_start; pos < p->head_end; first = false) {
        size_t eol = (size_t)((const char *)memchr(buf + pos, '\n', p->head_end - pos) - buf);
        size_t line_len = eol - pos;
        if (line_len > 0 && buf[eol - 1] == '\r')
            line_len--;
        if (first)
            err = parse_request_line(buf + pos, line_len, req);
        else if (line_len > 0)
            err = parse_header_line(buf + pos, line_len, req);
        if (err)
            return err;
        pos = eol + 1;
    }
    size_t body_len;
    bool expect_continue;
    err = apply_headers(req, &body_len, &expect_continue);
    if (err)
        return err;
    if (body_len > max - p->head_end)
        return -413;
    if (p->head_end + body_len > len) {
        /* The client waits for a 100 only if it has sent nothing of the body yet. */
        p->continue_due = expect_continue && len == p->head_end;
        return 0;
    }
    req->body = body_len ? buf + p->head_end : NULL;
    req->body_len = body_len;
    return (long)(p->head_end + body_len);
}

bool http_parser_continue_due(struct http_parser *p)
{
    if (!p->continue_due || p->continue_sent)
        return false;
    p->continue_sent = true;
    return true;
}

bool http_method_is(const struct http_request *req, const char *method)
{
    return req->method_len == strlen(method) && memcmp(req->method, method, req->method_len) == 0;
}

bool http_target_is(const struct http_request *req, const char *target)
{
    return req->target_len == strlen(target) && memcmp(req->target, target, req->target_len) == 0;
}

const char *http_header_value(const struct http_request *req, const char *name, size_t *len)
{
    for (size_t i = 0; i < req->header_count; i++) {
        const struct http_header *h = &req->headers[i];
        if (equal_nocase(h->name, h->name_len, name)) {
            *len = h->value_len;
            return h->value;
        }
    }
    return NULL;
}

const char *http_reason(int status)
{
    static const struct {
        int status;
        const char *reason;
    } reasons[] = {
        {200, "OK"},
        {201, "Created"},
        {204, "No Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {304, "Not Modified"},
        {400, "Bad Request"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {413, "Content Too Large"},
        {417, "Expectation Failed"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
        {505, "HTTP Version Not Supported"},
    };
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == status)
            return reasons[i].reason;
    return "";
}

/* A bounded writer: once something does not fit, the whole result is "does not fit". */
struct out {
    char *at, *end;
    bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full || (size_t)(o->end - o->at) < n) {
        o->full = true;
        return;
    }
    memcpy(o->at, s, n);
    o->at += n;
}

static void put_str(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_number(struct out *o, size_t v)
{
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(o, digits + i, sizeof digits - i);
}

size_t http_format_head(char *out, size_t cap, int status, const char *content_type,
                        size_t content_length, bool keep_alive, const char *extra)
{
    if (status < 100 || status > 999)
        return 0;
    struct out o = {out, out + cap, false};
    put_str(&o, "HTTP/1.1 ");
    put_number(&o, (size_t)status);
    put_str(&o, " ");
    put_str(&o, http_reason(status));
    put_str(&o, "\r\n");
    if (content_type) {
        put_str(&o, "Content-Type: ");
        put_str(&o, content_type);
        put_str(&o, "\r\n");
    }
    /* 1xx and 204 responses have no body, and must not announce one (RFC 9110 §8.6). */
    if (status >= 200 && status != 204) {
        put_str(&o, "Content-Length: ");
        put_number(&o, content_length);
        put_str(&o, "\r\n");
    }
    put_str(&o, keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
    if (extra)
        put_str(&o, extra);
    put_str(&o, "\r\n");
    return o.full ? 0 : (size_t)(o.at - out);
}

size_t http_head_length(const char *buf, size_t len)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    return end ? (size_t)(end - buf) + 4 : len;
}

size_t http_format_response(char *out, size_t cap, int status, const char *content_type,
                            const void *body, size_t body_len, bool keep_alive)
{
    size_t head = http_format_head(out, cap, status, content_type, body_len, keep_alive, NULL);
    if (head == 0 || cap - head < body_len)
        return 0;
    if (body_len)
        memcpy(out + head, body, body_len);
    return head + body_len;
}
