/*
 * httpd.h — the lab's HTTP server: one thread, non-blocking sockets, callbacks on the
 * event loop (common/loop.h), requests parsed by common/http.h. Chapter 02 serves its
 * two routes with it; chapter 07's local test site gives it a handler of its own.
 *
 * A1 §3.2 「性能优化实战」 tunes asyncio.start_server with a backlog and a
 * Semaphore(500) "to stop the number of connections from exploding". Here:
 *   - backlog: the kernel's queue of connections that completed the TCP handshake but
 *     were not yet accept()ed (clamped by net.core.somaxconn);
 *   - max_connections: the semaphore. At the limit the server stops accepting, so the
 *     next connections *wait* in the backlog (their handshake done, their bytes queued
 *     by the kernel) and are served as soon as a connection closes; beyond the backlog
 *     the kernel drops new handshakes and the client retries. Nothing is refused.
 *
 * What each connection may cost is bounded, in memory and in time:
 *   - at most one partial request (request_max bytes: larger is answered 431 or 413) and
 *     the responses the client has not read yet; while those wait, the server stops
 *     reading from it. An idle connection costs a few hundred bytes: requests are read
 *     into one buffer shared by all connections and copied aside only when one arrives
 *     in part;
 *   - a connection silent for idle_timeout seconds is closed (408 first when it left a
 *     request half-sent);
 *   - a request must arrive whole, and a response must be read whole, within
 *     request_timeout seconds plus one second per min_rate bytes (what nginx's
 *     client_header_timeout and Apache's mod_reqtimeout do): a client sending a byte a
 *     second, or reading one, no longer holds its place for ever by never being silent;
 *   - bytes that cannot begin a request (a TLS ClientHello) are refused at once.
 * After an error response the server stops sending (shutdown), reads and drops what the
 * client still sends, then closes: closing with unread bytes would reset the connection
 * and could destroy the response before the client reads it.
 *
 * Chapter 02's routes (no handler given): GET or HEAD / answers "Hello, World!"; GET or
 * HEAD /stats answers a line of JSON with the server's counters (open connections, open
 * fds...); anything else 404 or 405. Whatever the handler, a HEAD request gets the head
 * of the answer and no body, and "Expect: 100-continue" gets its "100 Continue".
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;
struct httpd;
struct http_request;

/*
 * A handler's answer to one request. It formats the whole response (http.h's
 * http_format_response, with keep_alive = req->keep_alive) into out[0, cap) and sets len,
 * or, for one that does not fit, hands over a malloc'd response in big[0, big_len) (the
 * server frees it). It may also ask
 *   - delay: seconds before the response leaves (INFINITY: never); meanwhile that
 *     connection answers nothing else, and the request counts as in flight;
 *   - reset: once the bytes are sent, reset the connection (RST), as a crashing server
 *     would (a fault chapter 07's test site plays);
 *   - close: close the connection after this response (format it with keep_alive false).
 */
struct httpd_reply {
    struct httpd *server; /* (set by the server) the one answering, and its loop's time */
    double now;
    char *out;
    size_t cap, len;
    char *big;
    size_t big_len;
    double delay;
    bool reset, close;
};

typedef void httpd_handler(void *arg, const struct http_request *req, struct httpd_reply *r);

struct httpd_options {
    long max_connections;   /* served at once; the next wait in the backlog */
    double idle_timeout;    /* seconds a connection may stay silent */
    double request_timeout; /* seconds a request may take to arrive (a response to be read)... */
    double min_rate;        /* ...plus one second per min_rate bytes of it (0: none, both) */
    size_t request_max;     /* bytes of one request, head and body */
    httpd_handler *handler; /* NULL: chapter 02's routes */
    void *handler_arg;
    void (*report)(struct httpd *s, void *handler_arg); /* httpd_spawn's child, at the end:
                                                           NULL: httpd_report */
};

#define HTTPD_DEFAULTS                                                                             \
    {                                                                                              \
        .max_connections = 10000, .idle_timeout = 60, .request_timeout = 10, .min_rate = 1024,    \
        .request_max = 8192                                                                        \
    }

struct httpd_stats {
    uint64_t accepted, requests; /* connections accepted, responses sent */
    uint64_t errors;             /* requests answered 4xx/5xx (bad, too large, timed out...) */
    uint64_t timeouts;           /* connections closed for silence or slowness (each once) */
    uint64_t accept_pauses;      /* times the limit stopped the server from accepting */
    long open, peak_open;        /* connections open now, and the most at once */
    long in_flight, peak_in_flight; /* requests read and not yet answered, and the most */
};

/*
 * A listening socket on 127.0.0.1:port (0: any free port), non-blocking. Says which
 * port, and when the kernel clamps the backlog, by how much. Dies when it cannot.
 */
int httpd_listen(long port, long backlog);

/* The port a listening socket is bound to. */
int httpd_port(int listen_fd);

/* Serve connections of `listen_fd` on `loop` (the server closes the fd in httpd_close). */
struct httpd *httpd_start(struct loop *loop, int listen_fd, const struct httpd_options *o);

struct httpd_stats httpd_get_stats(const struct httpd *s);

/* Start the peaks (connections open, requests in flight) again from their values now. */
void httpd_reset_peaks(struct httpd *s);

/* Close every connection and the listening socket, and free the server. */
void httpd_close(struct httpd *s);

/*
 * Run a server in a child process: it serves `listen_fd` until SIGTERM or SIGINT, then
 * prints its summary (o->report, or httpd_report) and exits 0. The parent keeps its copy of
 * listen_fd open only as long as it needs to; returns the child's pid.
 */
pid_t httpd_spawn(int listen_fd, const struct httpd_options *o);

/*
 * Print the server's counters and its CPU time per request (this process's user and
 * system time since httpd_start), and record them as server.*.
 */
void httpd_report(const struct httpd *s);

#endif
