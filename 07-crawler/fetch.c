/* fetch.c — see fetch.h. */
#include "fetch.h"
#include "curl_loop.h"

#include "check.h"
#include "future.h"
#include "loop.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A transfer in flight: a future first (the task awaits it), its easy handle beside it. */
struct fetch_op {
    struct future future;
    struct curl_loop *cl;
    CURL *easy;
    bool running; /* in the multi handle */
    bool too_big;
    size_t max_body, cap;
    struct fetch_result *r;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct fetch_op *op = arg;
    struct fetch_result *r = op->r;
    size_t len = size * n;
    if (len > op->max_body - r->body_len) {
        op->too_big = true;
        return CURL_WRITEFUNC_ERROR; /* the transfer ends with CURLE_WRITE_ERROR */
    }
    if (r->body_len + len + 1 > op->cap) {
        size_t cap = op->cap ? op->cap : 1024; /* most pages fit: a small, quickly reused block */
        while (cap < r->body_len + len + 1)
            cap *= 2;
        char *grown = realloc(r->body, cap);
        if (!grown)
            return CURL_WRITEFUNC_ERROR;
        r->body = grown;
        op->cap = cap;
    }
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
    return len;
}

static int errno_of(CURLcode code, bool too_big)
{
    switch (code) {
    case CURLE_OK:
        return 0;
    case CURLE_OPERATION_TIMEDOUT:
        return -ETIMEDOUT;
    case CURLE_COULDNT_CONNECT:
        return -ECONNREFUSED;
    case CURLE_TOO_MANY_REDIRECTS:
        return -ELOOP;
    case CURLE_FILESIZE_EXCEEDED:
        return -EFBIG;
    case CURLE_WRITE_ERROR:
        return too_big ? -EFBIG : -EIO;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return -ECONNRESET;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return -EINVAL;
    default:
        return -EIO;
    }
}

static void on_done(CURL *easy, CURLcode code, void *arg)
{
    struct fetch_op *op = arg;
    struct fetch_result *r = op->r;
    op->running = false;
    r->curl_code = code;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &r->connects);
    curl_off_t retry_after = 0;
    curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
    r->retry_after = retry_after > 0 ? (double)retry_after : 0; /* < 0 before 8.12: a past date */
    char *s = NULL;
    if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s)
        r->url = xstrdup(s);
    s = NULL;
    if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
        r->content_type = xstrdup(s);
    if (code != CURLE_OK && !r->error[0])
        snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(code));
    if (op->too_big)
        snprintf(r->error, sizeof r->error, "body larger than %zu bytes: cut", op->max_body);
    future_set_result(&op->future, NULL);
}

/* The task awaiting this fetch was cancelled: take the transfer out, then end as cancelled. */
static bool cancel_transfer(struct future *f)
{
    struct fetch_op *op = (struct fetch_op *)f;
    if (op->running) {
        curl_loop_remove(op->cl, op->easy);
        op->running = false;
    }
    future_set_cancel_hook(f, NULL);
    return future_cancel(f);
}

static CURL *easy_for(struct fetch_op *op, const char *url, const struct fetch_options *o)
{
    bool fresh;
    CURL *easy = curl_loop_easy(op->cl, &fresh);
    if (fresh) { /* the same for every fetch: set once in a handle's life (strings copied, parsed) */
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_USERAGENT, "c-concurrency-lab-crawler/1.0");
    }
    /* This fetch's own: every one set each time, or the last fetch's would stay. */
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, op);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, op->r->error);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, o->max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, o->max_redirects); /* 7.88.1: unlimited unless set */
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000));
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, o->fresh_connection ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, o->fresh_connection ? 1L : 0L);
    return easy;
}

/* The handle back to the pool with its options, none pointing into this fetch. */
static void easy_release(struct fetch_op *op)
{
    curl_easy_setopt(op->easy, CURLOPT_WRITEDATA, NULL);
    curl_easy_setopt(op->easy, CURLOPT_ERRORBUFFER, NULL);
    curl_loop_easy_release(op->cl, op->easy);
}

int fetch(struct curl_loop *cl, const char *url, const struct fetch_options *o,
          struct fetch_result *r)
{
    *r = (struct fetch_result){0};
    struct loop *loop = loop_get_running();
    if (!current_task() || !loop)
        return -EPERM;
    double start = loop_time(loop);
    struct fetch_op *op = (struct fetch_op *)future_new_extended(loop, sizeof *op, NULL);
    op->cl = cl;
    op->r = r;
    op->max_body = o->max_body;
    op->easy = easy_for(op, url, o);
    future_set_cancel_hook(&op->future, cancel_transfer);
    int err = curl_loop_add(cl, op->easy, on_done, op);
    op->running = err == 0;
    if (!err)
        err = await_future(&op->future, NULL);
    if (op->running) { /* cancelled before the hook ran (the future was not awaited) */
        curl_loop_remove(cl, op->easy);
        op->running = false;
    }
    if (!err)
        err = errno_of((CURLcode)r->curl_code, op->too_big);
    else if (err == -ECANCELED && !r->error[0])
        snprintf(r->error, sizeof r->error, "cancelled");
    r->seconds = loop_time(loop) - start;
    easy_release(op);
    future_unref(&op->future);
    return err;
}

void fetch_result_free(struct fetch_result *r)
{
    free(r->body);
    free(r->url);
    free(r->content_type);
    *r = (struct fetch_result){0};
}
