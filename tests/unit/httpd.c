/*
 * Unit tests of common/httpd's handler interface (what chapter 07's test site stands on;
 * chapter 02's routes are tested by tests/02-server*.t): a delayed answer keeps its place
 * among pipelined ones and counts as in flight; an answer never sent ends when its
 * client leaves; a large answer arrives whole; HEAD gets the head alone; a reset cuts the
 * connection after the bytes. The server runs on a loop in this thread; a client thread
 * uses blocking sockets.
 */
#include "http.h"
#include "httpd.h"
#include "loop.h"
#include "tap.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { BIG = 1 << 20 };

static void handler(void *arg, const struct http_request *req, struct httpd_reply *r)
{
    (void)arg;
    static char big[BIG];
    if (http_target_is(req, "/big")) {
        memset(big, 'b', sizeof big);
        char head[256];
        size_t n = http_format_head(head, sizeof head, 200, "text/plain", BIG, req->keep_alive, NULL);
        r->big = malloc(n + BIG);
        memcpy(r->big, head, n);
        memcpy(r->big + n, big, BIG);
        r->big_len = n + BIG;
        return;
    }
    const char *body = http_target_is(req, "/slow") ? "slow\n" : "fast\n";
    r->len = http_format_response(r->out, r->cap, 200, "text/plain", body, 5, req->keep_alive);
    if (http_target_is(req, "/slow"))
        r->delay = 0.2;
    if (http_target_is(req, "/never"))
        r->delay = INFINITY;
    if (http_target_is(req, "/reset"))
        r->reset = true;
}

struct client {
    int port;
    struct loop *loop;
    struct httpd *server;
    char got[4][64];
    double slow_seconds;
    long big_bytes, reset_bytes, limited_bytes;
    int reset_errno, head_bytes, big_errno, limited_errno;
};

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    connect(fd, (struct sockaddr *)&a, sizeof a);
    return fd;
}

/* Read until `want` bytes came or the connection ended; returns the count. */
static long read_upto(int fd, char *buf, long want, int *err)
{
    long got = 0;
    *err = 0;
    while (got < want) {
        ssize_t n = recv(fd, buf + got, (size_t)(want - got), 0);
        if (n <= 0) {
            *err = n < 0 ? errno : 0;
            break;
        }
        got += n;
    }
    return got;
}

/* A recv that waits longer than `seconds` fails with EAGAIN: a test never hangs on it. */
static void give_up_after(int fd, int seconds)
{
    struct timeval tv = {.tv_sec = seconds};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The client is done: stop once the server has seen every connection close (at most 20 s). */
static void stop_when_closed(struct loop *loop, void *arg)
{
    static int checks;
    struct httpd *s = arg;
    if (httpd_get_stats(s).open == 0 || ++checks == 2000)
        loop_stop(loop);
    else
        loop_call_later(loop, 0.01, stop_when_closed, s);
}

static void *client(void *arg)
{
    struct client *c = arg;
    char buf[4096];
    int err;
    /* Pipelined: fast, slow, fast: answered in that order, the slow one 0.2 s late. */
    int fd = dial(c->port);
    const char *reqs = "GET /fast HTTP/1.1\r\nHost: a\r\n\r\nGET /slow HTTP/1.1\r\nHost: a\r\n\r\n"
                       "GET /fast HTTP/1.1\r\nHost: a\r\n\r\n";
    double t0 = now();
    send(fd, reqs, strlen(reqs), 0);
    long one = (long)strlen("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                            "Connection: keep-alive\r\n\r\nfast\n");
    long n = read_upto(fd, buf, 3 * one, &err);
    c->slow_seconds = now() - t0;
    for (int i = 0; i < 3 && n == 3 * one; i++)
        memcpy(c->got[i], buf + (i + 1) * one - 5, 4);
    /* HEAD of a handler's answer: the head alone, then the next answer parses. */
    send(fd, "HEAD /fast HTTP/1.1\r\nHost: a\r\n\r\n", 32, 0);
    c->head_bytes = (int)read_upto(fd, buf, one - 5, &err);
    send(fd, "GET /fast HTTP/1.1\r\nHost: a\r\n\r\n", 31, 0);
    if (read_upto(fd, buf, 8, &err) == 8)
        memcpy(c->got[3], buf, 8);
    close(fd);
    /* A large answer, whole, then the end of the connection it asked to close. */
    fd = dial(c->port);
    give_up_after(fd, 20);
    send(fd, "GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 49, 0);
    static char big[BIG + 4096];
    c->big_bytes = read_upto(fd, big, sizeof big, &c->big_errno);
    close(fd);
    /* A reset after the answer's bytes. */
    fd = dial(c->port);
    send(fd, "GET /reset HTTP/1.1\r\nHost: a\r\n\r\n", 33, 0);
    c->reset_bytes = read_upto(fd, buf, sizeof buf, &c->reset_errno);
    close(fd);
    /* Never answered: the client gives up after 0.1 s and leaves. */
    fd = dial(c->port);
    send(fd, "GET /never HTTP/1.1\r\nHost: a\r\n\r\n", 33, 0);
    usleep(100000);
    close(fd);
    loop_call_soon_threadsafe(c->loop, stop_when_closed, c->server);
    return NULL;
}

/* At a limit of one connection: B waits in the backlog until A has closed, then is served. */
static void *client_at_the_limit(void *arg)
{
    struct client *c = arg;
    char buf[4096];
    int err;
    const char *close_req = "GET /fast HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    int a = dial(c->port), b = dial(c->port);
    give_up_after(a, 20);
    give_up_after(b, 20);
    send(a, close_req, strlen(close_req), 0);
    read_upto(a, buf, sizeof buf, &err);
    close(a);
    send(b, close_req, strlen(close_req), 0);
    c->limited_bytes = read_upto(b, buf, sizeof buf, &c->limited_errno);
    close(b);
    loop_call_soon_threadsafe(c->loop, stop_when_closed, c->server);
    return NULL;
}

int main(void)
{
    struct loop *loop = loop_new();
    int fd = httpd_listen(0, 64);
    struct httpd_options o = HTTPD_DEFAULTS;
    o.handler = handler;
    struct httpd *s = httpd_start(loop, fd, &o);
    struct client c = {.port = httpd_port(fd), .loop = loop, .server = s};
    pthread_t t;
    pthread_create(&t, NULL, client, &c);
    loop_run_forever(loop);
    pthread_join(t, NULL);
    struct httpd_stats st = httpd_get_stats(s);

    is_str(c.got[0], "fast", "pipelined: the first answer");
    is_str(c.got[1], "slow", "the delayed one keeps its place");
    is_str(c.got[2], "fast", "the third comes after it");
    ok(c.slow_seconds >= 0.2, "the three took the delay: %.3f s >= 0.2", c.slow_seconds);
    is_long(c.head_bytes, (long)strlen("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                       "Content-Length: 5\r\nConnection: keep-alive\r\n\r\n"),
            "HEAD of a handler's answer: the head, no body");
    is_str(c.got[3], "HTTP/1.1", "and the answer after the HEAD starts where the head ended");
    ok(c.big_bytes > BIG, "a 1 MiB answer arrives whole (%ld bytes with its head)", c.big_bytes);
    is_long(c.big_errno, 0, "then, as it asked, the connection ends (not a 20 s wait: errno 0)");
    ok(c.reset_bytes > 0 && c.reset_errno == ECONNRESET,
       "a reset answer: its bytes (%ld), then ECONNRESET (errno %d)", c.reset_bytes, c.reset_errno);
    ok(st.peak_in_flight >= 1, "requests in flight are counted (peak %ld)", st.peak_in_flight);
    is_long(st.in_flight, 0, "the answer never sent left with its client: none in flight now");
    is_long(st.open, 0, "and every connection is closed");
    httpd_close(s);

    fd = httpd_listen(0, 64);
    o.max_connections = 1;
    s = httpd_start(loop, fd, &o);
    c = (struct client){.port = httpd_port(fd), .loop = loop, .server = s};
    pthread_create(&t, NULL, client_at_the_limit, &c);
    loop_run_forever(loop);
    pthread_join(t, NULL);
    ok(c.limited_bytes > 0 && c.limited_errno == 0,
       "one connection at a time: the second is served once the first closed (%ld bytes, "
       "errno %d)",
       c.limited_bytes, c.limited_errno);
    is_long(httpd_get_stats(s).accept_pauses > 0, 1, "the server paused accepting at the limit");
    httpd_close(s);
    loop_close(loop);
    return done_testing();
}
