/*
 * fetch.h — one HTTP GET as an awaitable for tasks (aiohttp's `async with session.get()`),
 * on a curl_loop: the task suspends while the loop drives the transfer.
 *
 *     struct fetch_result r;
 *     int err = fetch(cl, "http://127.0.0.1:8080/json", &opts, &r);  // in a task
 *     if (err == 0) printf("%ld, %zu bytes\n", r.status, r.body_len);
 *     fetch_result_free(&r);
 *
 * Laws:
 *   - Errors are values: 0 when a response came (whatever its status: a 404 is an
 *     answer), else a negative errno: -ETIMEDOUT (opts.timeout, or libcurl's own),
 *     -ECONNREFUSED, -ECONNRESET (cut off mid-response), -ELOOP (more redirects than
 *     opts.max_redirects), -EFBIG (a body beyond opts.max_body), -EINVAL (not an http
 *     or https URL), -EIO (anything else); -ECANCELED if the task was cancelled.
 *     r->error says it in words, r->curl_code is libcurl's own code.
 *   - Cancelling the task (task_cancel, a timeout() scope, a task group) removes the
 *     transfer from the multi handle at once: no byte more is read for it, and its
 *     connection is closed or goes back to the pool. The task sees -ECANCELED.
 *   - The body is capped in the write callback: libcurl 7.88.1 enforces
 *     CURLOPT_MAXFILESIZE only for a length announced in advance, not for a chunked body
 *     (ASYNCIO-LAWS §5.2), so the cap is counted here, byte by byte, and memory held for
 *     a body never exceeds max_body.
 *   - Redirects are followed (http and https only, at most max_redirects); r->url is the
 *     final URL, the one relative links are joined against.
 *   - r is filled whatever the outcome, as far as the transfer went; free it always.
 */
#ifndef FETCH_H
#define FETCH_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

struct curl_loop;

struct fetch_options {
    double timeout;        /* seconds for the whole transfer, queueing included; 0: none */
    long max_redirects;    /* redirects followed; 0: none (a 3xx is the answer) */
    size_t max_body;       /* bytes of body kept; more is -EFBIG */
    bool fresh_connection; /* a new connection, closed after (aiohttp's force_close=True) */
};

#define FETCH_DEFAULTS                                                                             \
    {                                                                                              \
        .timeout = 30, .max_redirects = 5, .max_body = 10 << 20                                   \
    }

struct fetch_result {
    long status;        /* HTTP status; 0 if no response came */
    char *body;         /* NUL-terminated (the NUL not counted) */
    size_t body_len;
    char *url;          /* the final URL, after redirects */
    char *content_type; /* or NULL */
    double retry_after; /* seconds the server asked to wait (Retry-After), 0 if none */
    double seconds;     /* from the call to the end */
    long connects;      /* connections this transfer opened: 0 if it reused one */
    int curl_code;
    char error[CURL_ERROR_SIZE];
};

int fetch(struct curl_loop *cl, const char *url, const struct fetch_options *o,
          struct fetch_result *r);

void fetch_result_free(struct fetch_result *r);

#endif
