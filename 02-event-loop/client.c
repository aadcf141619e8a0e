/* client.c — see client.h. */
#include "client.h"

#include "check.h"
#include "loop.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct client {
    struct loop *loop;
    int fd;
    bool connected, dead, writing;
    client_callback *cb;
    void *arg;
    int early_error;           /* connect() failed at once: reported from the loop */
    struct loop_handle report; /* ... by this callback */
    const char *request;       /* the request being sent, or NULL */
    size_t request_len, request_sent;
    size_t in_len;
    char in[CLIENT_RESPONSE_MAX];
};

static void on_readable(struct loop *loop, void *arg);
static void on_writable(struct loop *loop, void *arg);

/* The connection is dead: say so (the callback may close it, so it comes last). */
static void fail(struct client *c, int status)
{
    c->dead = true;
    loop_remove_reader(c->loop, c->fd);
    loop_remove_writer(c->loop, c->fd);
    c->cb(c, status, NULL, 0, c->arg);
}

static void report_early_error(struct loop *loop, void *arg)
{
    (void)loop;
    struct client *c = arg;
    fail(c, -c->early_error);
}

static void want_write(struct client *c, bool on)
{
    if (on && !c->writing)
        loop_add_writer(c->loop, c->fd, on_writable, c);
    else if (!on && c->writing)
        loop_remove_writer(c->loop, c->fd);
    c->writing = on;
}

static void send_request(struct client *c)
{
    ssize_t n =
        send(c->fd, c->request + c->request_sent, c->request_len - c->request_sent, MSG_NOSIGNAL);
    if (n == -1) {
        if (errno == EAGAIN || errno == EINTR)
            want_write(c, true);
        else
            fail(c, -errno);
        return;
    }
    c->request_sent += (size_t)n;
    want_write(c, c->request_sent < c->request_len);
}

struct client *client_open(struct loop *loop, int port, client_callback *cb, void *arg)
{
    struct client *c = xcalloc(1, sizeof *c);
    c->loop = loop;
    c->cb = cb;
    c->arg = arg;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd == -1)
        die_errno(errno, "socket");
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
        c->connected = true;
        loop_add_reader(loop, c->fd, on_readable, c);
    } else if (errno == EINPROGRESS) {
        want_write(c, true); /* writable = the handshake is over, for better or worse */
    } else {
        c->early_error = errno; /* refused, or out of local ports (EADDRNOTAVAIL) */
        c->report = loop_call_soon(loop, report_early_error, c);
    }
    return c;
}

void client_request(struct client *c, const char *request, size_t len)
{
    c->request = request;
    c->request_len = len;
    c->request_sent = 0;
    if (c->connected && !c->dead)
        send_request(c);
}

bool client_is_connected(const struct client *c)
{
    return c->connected;
}

bool client_is_dead(const struct client *c)
{
    return c->dead;
}

void client_close(struct client *c)
{
    loop_cancel(c->loop, c->report);
    loop_remove_reader(c->loop, c->fd);
    loop_remove_writer(c->loop, c->fd);
    close(c->fd);
    free(c);
}

static void on_writable(struct loop *loop, void *arg)
{
    struct client *c = arg;
    if (!c->connected) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            fail(c, -err);
            return;
        }
        c->connected = true;
        loop_add_reader(loop, c->fd, on_readable, c);
        want_write(c, false);
        if (!c->request)
            return;
    }
    send_request(c);
}

static bool is_header(const char *line, const char *end, const char *name, const char **value)
{
    size_t n = strlen(name);
    if ((size_t)(end - line) <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return false;
    for (*value = line + n + 1; *value < end && **value == ' ';)
        ++*value;
    return true;
}

/*
 * "HTTP/1.x SSS reason", headers, blank line, Content-Length bytes of body: how many
 * bytes the response takes (0: not all here yet; -1: not a response this client reads).
 */
static long parse_response(const char *buf, size_t len, int *status, size_t *body_len,
                           bool *keep_alive)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t head = (size_t)(end - buf) + 4;
    if (head < 16 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ')
        return -1;
    *status = 0;
    for (int i = 9; i < 12; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return -1;
        *status = *status * 10 + buf[i] - '0';
    }
    *keep_alive = buf[7] == '1';
    bool have_length = *status == 204 || *status == 304 || *status < 200;
    *body_len = 0;
    for (const char *line = (const char *)memchr(buf, '\n', head) + 1; line < end;) {
        const char *eol = memchr(line, '\r', (size_t)(end - line) + 1), *value;
        if (is_header(line, eol, "Content-Length", &value)) {
            char *stop;
            *body_len = strtoul(value, &stop, 10);
            if (stop != eol)
                return -1;
            have_length = true;
        } else if (is_header(line, eol, "Connection", &value)) {
            *keep_alive = (size_t)(eol - value) != 5 || strncasecmp(value, "close", 5) != 0;
        }
        line = eol + 2;
    }
    if (!have_length) /* a body ended by closing the connection: not for a keep-alive client */
        return -1;
    return head + *body_len > len ? 0 : (long)(head + *body_len);
}

static void on_readable(struct loop *loop, void *arg)
{
    (void)loop;
    struct client *c = arg;
    ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (n == -1 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        fail(c, n == 0 ? -EPIPE : -errno);
        return;
    }
    c->in_len += (size_t)n;
    int status;
    size_t body_len;
    bool keep_alive;
    long took = parse_response(c->in, c->in_len, &status, &body_len, &keep_alive);
    if (took == 0 && c->in_len == sizeof c->in)
        took = -EMSGSIZE;
    if (took == 0)
        return;
    /* One request at a time: a response is all there is to read, or it is not HTTP. */
    if (took < 0 || !c->request || (size_t)took != c->in_len) {
        fail(c, took == -EMSGSIZE ? -EMSGSIZE : -EPROTO);
        return;
    }
    c->in_len = 0;
    c->request = NULL;
    if (!keep_alive) {
        c->dead = true;
        loop_remove_reader(c->loop, c->fd);
    }
    /* The body stays in c->in until the next read, after the callback. */
    c->cb(c, status, c->in + (size_t)took - body_len, body_len, c->arg);
}
