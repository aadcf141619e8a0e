/*
 * httpd_conn.c — a connection's I/O: one recv() into the buffer every connection shares,
 * the requests answered (httpd_answer.c), one send() for all their answers. Only what
 * cannot be finished now is kept on the connection: half a request, or responses the
 * client has not read yet (and while those wait, the server stops reading from it). After
 * a last response, the connection drains: the server stops sending and drops what the
 * client still sends until it closes. See httpd_private.h for how the server's files fit
 * together.
 */
#include "httpd_conn.h"
#include "httpd_answer.h"
#include "httpd_private.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void on_writable(struct loop *loop, void *arg);

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
    httpd_touch(c);
}

enum sent { SENT, PENDING, CLOSED };

/* Send out[0, len); what the socket does not take waits in c->out, and reading stops. */
static enum sent send_or_keep(struct conn *c, const char *out, size_t len)
{
    ssize_t n = len ? send(c->fd, out, len, MSG_NOSIGNAL) : 0;
    if (n == -1) {
        if (errno != EAGAIN && errno != EINTR) {
            httpd_close_conn(c); /* the client went away mid-response (EPIPE, ECONNRESET) */
            return CLOSED;
        }
        n = 0;
    }
    if ((size_t)n < len) {
        c->out_len = len - (size_t)n;
        c->out_sent = 0;
        c->out = xmalloc(c->out_len);
        memcpy(c->out, out + n, c->out_len);
        /* A client that does not read its responses gets no more of them: stop reading. */
        loop_remove_reader(c->srv->loop, c->fd);
        if (loop_add_writer(c->srv->loop, c->fd, on_writable, c) < 0) {
            httpd_close_conn(c);
            return CLOSED;
        }
        return PENDING;
    }
    if (c->closing)
        start_draining(c);
    return SENT;
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
        if (send_or_keep(c, c->srv->out_buf, out_len) != SENT || !full || !c->in)
            return;
        /* The output filled up before the input ran out (pipelining): go on with the rest. */
        buf = c->in;
        len = c->in_len;
    }
}

void httpd_conn_on_readable(struct loop *loop, void *arg)
{
    (void)loop;
    struct conn *c = arg;
    struct httpd *s = c->srv;
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
    httpd_touch(c);
    if (c->out_sent < c->out_len)
        return;
    free(c->out);
    c->out = NULL;
    loop_remove_writer(loop, c->fd);
    if (loop_add_reader(loop, c->fd, httpd_conn_on_readable, c) < 0) {
        httpd_close_conn(c);
        return;
    }
    if (c->closing)
        start_draining(c);
    else if (c->in)
        serve(c, c->in, c->in_len); /* requests that arrived while the output waited */
}

/* ---- silence: the server's idle timer ends the connection ---- */

void httpd_conn_time_out(struct conn *c)
{
    if (c->in && !c->draining && !c->out) {
        /* Half a request, then silence: say so (408) before closing. */
        httpd_touch(c);
        size_t n = httpd_answer_error(c, 408, c->srv->out_buf);
        keep_input(c, NULL, 0);
        send_or_keep(c, c->srv->out_buf, n);
    } else {
        httpd_close_conn(c);
    }
}
