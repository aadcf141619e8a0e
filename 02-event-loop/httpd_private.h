/*
 * httpd_private.h — the inside of the chapter's server, shared by the files that make it.
 * Read them in the order a request meets them:
 *   httpd.c         the server: accepting up to the connection limit, the list of
 *                   connections and the idle timer, starting, stopping, the report
 *   httpd_conn.c    a connection's I/O: reading into the shared buffer, keeping half a
 *                   request, sending or keeping the responses, draining before the close
 *   httpd_answer.c  answering: the complete requests read, parsed and answered
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
    RESPONSE_MAX = 512,    /* the largest response this server writes */
};

struct conn {
    struct httpd *srv;
    int fd;
    bool closing;               /* the last response is queued: stop sending once it is sent */
    bool draining;              /* stopped sending: reading and dropping until the client closes */
    struct conn *older, *newer; /* the server's list, least recently active first */
    uint64_t active_ns;         /* loop time of the last progress */
    struct http_parser parser;
    char *in; /* a request that arrived in part (request_max bytes), or NULL */
    size_t in_len;
    char *out; /* responses the socket would not take yet, or NULL */
    size_t out_len, out_sent;
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
