/*
 * httpd_conn.c — a connection's I/O: one recv() into the buffer every connection shares,
 * the requests answered (httpd_answer.c), one send() for all their answers. Only what
 * cannot be finished now is kept on the connection: half a request, responses the client
 * has not read yet (and while those wait, the server stops reading from it), or a
 * response the handler delayed (and while it waits, nothing else is answered). After a
 * last response, the connection drains: the server stops sending and drops what the
 * client still sends until it closes. See httpd_private.h for how the server's files fit
 * together.
 */
#include "httpd_conn.h"
#include "httpd_answer.h"
#include "httpd_private.h"

#include "check.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_writable(struct loop *loop, void *arg);
static void serve(struct conn *c, const char *buf, size_t len);

/* ---- what the loop watches ---- */

static bool set_reading(struct conn *c, bool on)
{
    if (on && !c->reading)
        return (c->reading = loop_add_reader(c->srv->loop, c->fd, httpd_conn_on_readable, c) == 0);
    if (!on && c->reading)
        loop_remove_reader(c->srv->loop, c->fd);
    c->reading = on;
    return true;
}

/* A request arriving or a response leaving: its deadline starts now, unless it had. */
static void start_busy(struct conn *c)
{
    if (!c->busy_since_ns) {
        c->busy_since_ns = loop_time_ns(c->srv->loop);
        c->busy_bytes = 0;
    }
}

/* ---- half a request, kept for the next read ---- */

/*
 * Keep the bytes of a request that arrived in part (rest[0, n), in the shared input buffer
 * or already in c->in) for the next read; nothing is kept for a closing connection.
 */
static void keep_input(struct conn *c, const char *rest, size_t n)
{
    if (n == 0 || c->closing) {
        free(c->in);
        c->in = NULL;
        c->in_len = 0;
        return;
    }
    if (!c->in)
        c->in = xmalloc(c->srv->opt.request_max);
    memmove(c->in, rest, n);
    c->in_len = n;
}

/* ---- sending, and closing politely ---- */

/* Stop sending, then drop whatever the client still sends until it closes (or times out). */
static void start_draining(struct conn *c)
{
    shutdown(c->fd, SHUT_WR);
    c->draining = true;
    c->busy_since_ns = 0; /* from now on only silence ends it */
    httpd_touch(c);
}

/* The fault a handler may ask for: an RST instead of an orderly close. */
static void reset_conn(struct conn *c)
{
    struct linger hard = {.l_onoff = 1, .l_linger = 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    httpd_close_conn(c);
}

enum sent { SENT, PENDING, CLOSED };

/* Everything queued is sent: reset, drain, or go on. */
static enum sent all_sent(struct conn *c)
{
    if (c->reset_when_sent) {
        reset_conn(c);
        return CLOSED;
    }
    if (c->closing && !c->delayed)
        start_draining(c);
    return SENT;
}

/*
 * Send out[0, len) after what already waits; what the socket does not take waits in
 * c->out, and reading stops. `owned`: out is a malloc'd buffer the connection takes
 * (no copy of a large response); else out stays the caller's.
 */
static enum sent send_or_keep_buffer(struct conn *c, char *out, size_t len, bool owned)
{
    if (c->out) { /* behind what waits already: the writer sends it in order */
        char *grown = realloc(c->out, c->out_len + len);
        if (!grown)
            die("out of memory");
        c->out = grown;
        memcpy(c->out + c->out_len, out, len);
        c->out_len += len;
        if (owned)
            free(out);
        return PENDING;
    }
    ssize_t n = len ? send(c->fd, out, len, MSG_NOSIGNAL) : 0;
    if (n == -1) {
        if (errno != EAGAIN && errno != EINTR) {
            if (owned)
                free(out);
            httpd_close_conn(c); /* the client went away mid-response (EPIPE, ECONNRESET) */
            return CLOSED;
        }
        n = 0;
    }
    if ((size_t)n < len) {
        if (owned) {
            c->out = out;
            c->out_len = len;
            c->out_sent = (size_t)n;
        } else {
            c->out_len = len - (size_t)n;
            c->out_sent = 0;
            c->out = xmalloc(c->out_len);
            memcpy(c->out, out + n, c->out_len);
        }
        start_busy(c); /* the client must read it at min_rate */
        c->busy_bytes += (size_t)n;
        /* A client that does not read its responses gets no more of them: stop reading. */
        set_reading(c, false);
        if (loop_add_writer(c->srv->loop, c->fd, on_writable, c) < 0) {
            httpd_close_conn(c);
            return CLOSED;
        }
        return PENDING;
    }
    if (owned)
        free(out);
    return all_sent(c);
}

static enum sent send_or_keep(struct conn *c, const char *out, size_t len)
{
    return send_or_keep_buffer(c, (char *)out, len, false);
}

/* ---- a response the handler delayed ---- */

/* Its time has come: send it, then answer what arrived behind it. */
static void send_delayed(struct loop *loop, void *arg)
{
    (void)loop;
    struct conn *c = arg;
    char *bytes = c->delayed;
    c->delayed = NULL;
    c->srv->stats.in_flight--;
    c->reset_when_sent = c->reset_after_delayed;
    enum sent sent = send_or_keep_buffer(c, bytes, c->delayed_len, true);
    if (sent != SENT || c->draining)
        return; /* closed, or the writer carries on (it serves c->in once done) */
    if (!set_reading(c, true))
        httpd_close_conn(c);
    else if (c->in)
        serve(c, c->in, c->in_len);
}

/* Answer nothing else until the delayed response leaves. */
static void wait_for_delayed(struct conn *c)
{
    if (c->delay == 0)
        send_delayed(c->srv->loop, c);
    else if (c->delay != INFINITY) /* INFINITY: the request is never answered (a fault) */
        c->delay_timer = loop_call_later(c->srv->loop, c->delay, send_delayed, c);
}

void httpd_conn_drop_delayed(struct conn *c)
{
    if (!c->delayed)
        return;
    loop_cancel(c->srv->loop, c->delay_timer);
    free(c->delayed);
    c->delayed = NULL;
    c->srv->stats.in_flight--;
}

/* ---- the loop's callbacks: readable, writable ---- */

/* Answer what buf[0, len) holds; send it; keep the rest. */
static void serve(struct conn *c, const char *buf, size_t len)
{
    for (;;) {
        size_t used;
        bool full;
        size_t out_len = httpd_answer_requests(c, buf, len, &used, &full);
        keep_input(c, buf + used, len - used);
        if (used > 0) /* a request was answered: the next one's deadline starts afresh */
            c->busy_since_ns = 0;
        if (c->in && !c->delayed)
            start_busy(c);
        enum sent sent = send_or_keep(c, c->srv->out_buf, out_len);
        if (sent == CLOSED)
            return;
        if (c->delayed) {
            wait_for_delayed(c);
            return;
        }
        if (sent != SENT || !full || !c->in)
            return;
        /* The output filled up before the input ran out (pipelining): go on with the rest. */
        buf = c->in;
        len = c->in_len;
    }
}

/* While a delayed response waits, see only whether the client leaves: peek, do not read. */
static void watch_while_delayed(struct conn *c)
{
    char byte;
    ssize_t n = recv(c->fd, &byte, 1, MSG_PEEK);
    if (n == -1 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0)
        httpd_close_conn(c); /* gone: its delayed response will never be read */
    else
        set_reading(c, false); /* a request behind it: it waits in the kernel meanwhile */
}

void httpd_conn_on_readable(struct loop *loop, void *arg)
{
    (void)loop;
    struct conn *c = arg;
    struct httpd *s = c->srv;
    if (c->delayed) {
        watch_while_delayed(c);
        return;
    }
    char *buf = c->in ? c->in : s->in_buf;
    size_t have = c->in ? c->in_len : 0;
    size_t room = c->draining ? s->opt.request_max : s->opt.request_max - have;
    ssize_t n = recv(c->fd, c->draining ? s->in_buf : buf + have, room, 0);
    if (n == -1 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) { /* the client closed (0), or reset the connection */
        httpd_close_conn(c);
        return;
    }
    if (c->draining)
        return; /* dropped: the connection ends when the client closes or times out */
    httpd_touch(c);
    if (!c->in)
        c->busy_since_ns = 0; /* a new request begins with these bytes */
    start_busy(c);
    c->busy_bytes += (size_t)n;
    serve(c, buf, have + (size_t)n);
}

static void on_writable(struct loop *loop, void *arg)
{
    struct conn *c = arg;
    ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
    if (n == -1) {
        if (errno != EAGAIN && errno != EINTR)
            httpd_close_conn(c);
        return;
    }
    c->out_sent += (size_t)n;
    c->busy_bytes += (size_t)n;
    httpd_touch(c);
    if (c->out_sent < c->out_len)
        return;
    free(c->out);
    c->out = NULL;
    c->busy_since_ns = 0;
    loop_remove_writer(loop, c->fd);
    if (all_sent(c) == CLOSED || c->draining)
        return;
    if (!set_reading(c, true)) {
        httpd_close_conn(c);
        return;
    }
    /* Requests that arrived while the output waited; after a delayed response, not yet. */
    if (c->in && !c->delayed)
        serve(c, c->in, c->in_len);
}

/* ---- silence and slowness: the server's timer ends the connection ---- */

void httpd_conn_time_out(struct conn *c)
{
    if (!c->timed_out) {
        c->srv->stats.timeouts++;
        c->timed_out = true;
    }
    if (c->in && !c->draining && !c->out) {
        /* Half a request, then silence or a trickle: say so (408) before closing. */
        httpd_touch(c);
        c->busy_since_ns = 0;
        size_t n = httpd_answer_error(c, 408, c->srv->out_buf);
        keep_input(c, NULL, 0);
        send_or_keep(c, c->srv->out_buf, n);
    } else {
        httpd_close_conn(c);
    }
}
