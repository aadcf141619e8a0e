/*
 * loadgen.h — the chapter's load client: N keep-alive connections on one event loop,
 * each sending its next request as soon as the last is answered (a closed loop, as wrk
 * does), for a duration or a number of requests.
 *
 * The run has two phases. First every connection is made and answers one request (not
 * counted: a server is measured warm, its connections open). Then the window: from the
 * moment all are ready, each response is counted and its latency (request sent →
 * response read) goes into a histogram; requests/s is what was answered in the window
 * divided by its length. When the server's pid is known, its CPU time over the same
 * window (/proc/PID/stat) divided by the requests gives the server's cost per request,
 * the figure the chapter's bench compares servers by.
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include "latency.h"

#include <stdint.h>
#include <sys/types.h>

struct loop;

struct loadgen_options {
    int port;         /* on 127.0.0.1 */
    long connections; /* kept open and busy at once */
    double seconds;   /* the window's length (0: until `requests` are answered) */
    long requests;    /* answered in the window (0: until `seconds` have passed) */
    const char *path; /* what each request asks for ("/") */
    pid_t server_pid; /* 0 if unknown */
};

struct loadgen_result {
    uint64_t answered; /* 2xx responses in the window */
    uint64_t failed;   /* other responses in the window */
    uint64_t broken;   /* connections that failed (refused, reset, not HTTP); each is reopened */
    long ready;        /* connections that answered their first request */
    double seconds;    /* the window's length */
    double rps;        /* answered / seconds */
    double client_cpu, server_cpu; /* seconds of CPU in the window; server_cpu < 0 if unknown */
    struct latency latency;
};

/*
 * Run the load on `loop` (which must not be running) and fill *r. Ctrl-C or SIGTERM ends
 * the window early. Returns 0, or -1 when no connection could be made.
 */
int loadgen_run(struct loop *loop, const struct loadgen_options *o, struct loadgen_result *r);

/* Print the result as a table and record it as load.* (requests/s, p50, p99...). */
void loadgen_report(const struct loadgen_options *o, const struct loadgen_result *r);

/*
 * Run the load in a child process (call it before creating a loop in this one): it closes
 * every fd but stdin, stdout and stderr, makes its own loop, prints its report and exits 0
 * when the load is done, 1 if no connection could be made.
 */
pid_t loadgen_spawn(const struct loadgen_options *o);

/* CPU time (user + system) of process `pid` so far, in seconds (/proc/PID/stat); -1 if gone. */
double loadgen_process_cpu(pid_t pid);

#endif
