/*
 * httpd_private.h — the inside of the lab's server, shared by the files that make it.
 * Read them in the order a request meets them:
 *   httpd.c         the server: accepting up to the connection limit, the list of
 *                   connections and the timer that ends the silent and the slow,
 *                   starting, stopping, the report
 *   httpd_conn.c    a connection's I/O: reading into the shared buffer, keeping half a
 *                   request, sending or keeping the responses, a delayed response,
 *                   draining before the close
 *   httpd_answer.c  answering: the complete requests read, parsed and answered (by
 *                   chapter 02's routes or the handler given)
 * Nothing outside those files includes it.
 */
#ifndef HTTPD_PRIVATE_H
#define HTTPD_PRIVATE_H

#include "httpd.h"

#include "http.h"
#include "loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

enum {
    OUT_BATCH = 16 * 1024, /* responses gathered for one send() (pipelined requests) */
    RESPONSE_MAX = 512,    /* room a handler is sure to have in the batch */
};

struct conn {
    struct httpd *srv;
    int fd;
    bool reading;               /* the loop watches fd for reading */
    bool closing;               /* the last response is queued: stop sending once it is sent */
    bool draining;              /* stopped sending: reading and dropping until the client closes */
    bool timed_out;             /* counted in stats.timeouts already */
    struct conn *older, *newer; /* the server's list, least recently active first */
    uint64_t active_ns;         /* loop time of the last progress */
    uint64_t busy_since_ns;     /* a request arriving or a response leaving since then; or 0 */
    size_t busy_bytes;          /* bytes of it moved since then (each min_rate buys a second) */
    struct http_parser parser;
    char *in; /* a request that arrived in part (request_max bytes), or NULL */
    size_t in_len;
    char *out; /* responses the socket would not take yet, or NULL */
    size_t out_len, out_sent;
    char *delayed; /* a response the handler wants sent later (httpd_reply.delay), or NULL */
    size_t delayed_len;
    double delay;
    bool reset_after_delayed; /* reset the connection once `delayed` is sent */
    bool reset_when_sent;     /* reset the connection once `out` is sent */
    struct loop_handle delay_timer;
};

struct httpd {
    struct loop *loop;
    struct httpd_options opt;
    int listen_fd;
    bool accepting;
    struct loop_handle sweep, retry;
    struct conn *oldest, *newest;
    struct httpd_stats stats;
    struct rusage cpu_at_start;  /* the report counts CPU time from httpd_start on */
    uint64_t fd_limit_said_ns;   /* when the last "at the fd limit" line was written */
    uint64_t fd_limit_unsaid;    /* pauses at the fd limit since then */
    char hello[2][RESPONSE_MAX]; /* GET / is answered with these bytes: [0] close, [1] keep */
    size_t hello_len[2];
    char *in_buf; /* every connection reads here first (request_max bytes) */
    char out_buf[OUT_BATCH];
};

/* httpd.c */
/* The connection made progress: it moves to the end of the idle timer's list. O(1). */
void httpd_touch(struct conn *c);
/* Close the connection and free it; its place lets the next waiting connection in. */
void httpd_close_conn(struct conn *c);

#endif
