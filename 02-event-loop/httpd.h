/*
 * httpd.h — the chapter's HTTP server: one thread, non-blocking sockets, callbacks on
 * the event loop (common/loop.h), requests parsed by common/http.h.
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
 * What each connection may cost is bounded: at most one partial request (request_max
 * bytes: larger is answered 431 or 413) and the responses the client has not read yet;
 * while those wait, the server stops reading from it. An idle connection costs a few
 * hundred bytes: requests are read into one buffer shared by all connections and copied
 * aside only when one arrives in part. A connection silent for idle_timeout seconds is
 * closed (408 first when it left a request half-sent). After an error response the
 * server stops sending (shutdown), reads and drops what the client still sends, then
 * closes: closing with unread bytes would reset the connection and could destroy the
 * response before the client reads it.
 *
 * Routes: GET or HEAD / answers "Hello, World!"; GET /stats answers a line of JSON with
 * the server's counters (open connections, open fds...); anything else 404 or 405.
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;
struct httpd;

struct httpd_options {
    long max_connections; /* served at once; the next wait in the backlog */
    double idle_timeout;  /* seconds a connection may stay silent */
    size_t request_max;   /* bytes of one request, head and body */
};

#define HTTPD_DEFAULTS                                                                             \
    {                                                                                              \
        .max_connections = 10000, .idle_timeout = 60, .request_max = 8192                          \
    }

struct httpd_stats {
    uint64_t accepted, requests; /* connections accepted, responses sent */
    uint64_t errors;             /* requests answered 4xx/5xx (bad, too large, timed out...) */
    uint64_t timeouts;           /* connections closed for silence */
    uint64_t accept_pauses;      /* times the limit stopped the server from accepting */
    long open, peak_open;        /* connections open now, and the most at once */
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

/* Close every connection and the listening socket, and free the server. */
void httpd_close(struct httpd *s);

/*
 * Run a server in a child process: it serves `listen_fd` until SIGTERM or SIGINT, then
 * prints its summary (as httpd_report) and exits 0. The parent keeps its copy of
 * listen_fd open only as long as it needs to; returns the child's pid.
 */
pid_t httpd_spawn(int listen_fd, const struct httpd_options *o);

/*
 * Print the server's counters and its CPU time per request (this process's user and
 * system time since httpd_start), and record them as server.*.
 */
void httpd_report(const struct httpd *s);

#endif
