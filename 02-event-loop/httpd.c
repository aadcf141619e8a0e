/* httpd.c — see httpd.h. Read it in the order things happen: accept, read, answer, send. */
#include "httpd.h"

#include "check.h"
#include "fds.h"
#include "http.h"
#include "loop.h"
#include "results.h"
#include "table.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    ACCEPT_BATCH = 64,     /* accepts per wake-up: a storm cannot starve open connections */
    OUT_BATCH = 16 * 1024, /* responses gathered for one send() (pipelined requests) */
    RESPONSE_MAX = 512,    /* the largest response this server writes */
};

static const char HELLO[] = "Hello, World!\n";

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

static void on_readable(struct loop *loop, void *arg);
static void on_writable(struct loop *loop, void *arg);
static void on_acceptable(struct loop *loop, void *arg);

/* ---- the list of connections, in order of last activity (for the idle timeout) ---- */

static void unlink_conn(struct httpd *s, struct conn *c)
{
    *(c->older ? &c->older->newer : &s->oldest) = c->newer;
    *(c->newer ? &c->newer->older : &s->newest) = c->older;
    c->older = c->newer = NULL;
}

static void append_conn(struct httpd *s, struct conn *c)
{
    c->older = s->newest;
    c->newer = NULL;
    *(s->newest ? &s->newest->newer : &s->oldest) = c;
    s->newest = c;
}

/* The connection made progress: it is now the most recently active. O(1). */
static void touch(struct conn *c)
{
    struct httpd *s = c->srv;
    c->active_ns = loop_time_ns(s->loop);
    if (s->newest != c) {
        unlink_conn(s, c);
        append_conn(s, c);
    }
}

/* ---- accepting, and the connection limit ---- */

static void pause_accepting(struct httpd *s)
{
    if (s->accepting) {
        loop_remove_reader(s->loop, s->listen_fd);
        s->accepting = false;
    }
}

static void resume_accepting(struct httpd *s)
{
    if (!s->accepting && s->stats.open < s->opt.max_connections &&
        !loop_handle_pending(s->loop, s->retry)) {
        loop_add_reader(s->loop, s->listen_fd, on_acceptable, s);
        s->accepting = true;
    }
}

static void retry_accept(struct loop *loop, void *arg)
{
    (void)loop;
    resume_accepting(arg);
}

static void close_conn(struct conn *c)
{
    struct httpd *s = c->srv;
    loop_remove_reader(s->loop, c->fd); /* the loop forgets the fd before it is closed */
    loop_remove_writer(s->loop, c->fd);
    close(c->fd);
    unlink_conn(s, c);
    free(c->in);
    free(c->out);
    free(c);
    s->stats.open--;
    resume_accepting(s); /* a place is free: the next connection waiting in the backlog */
}

static void on_acceptable(struct loop *loop, void *arg)
{
    struct httpd *s = arg;
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        if (s->stats.open >= s->opt.max_connections) {
            s->stats.accept_pauses++;
            pause_accepting(s); /* the next connections wait in the kernel's backlog */
            return;
        }
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd == -1) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Without a pause the listening socket stays readable and the loop spins. */
                fprintf(stderr, "%s: accept: %s: pausing for 100 ms\n",
                        program_invocation_short_name, strerror(errno));
                pause_accepting(s);
                s->retry = loop_call_later(loop, 0.1, retry_accept, s);
            }
            return; /* EAGAIN: no one else is waiting; ECONNABORTED...: that client gave up */
        }
        struct conn *c = xcalloc(1, sizeof *c);
        c->srv = s;
        c->fd = fd;
        c->active_ns = loop_time_ns(loop);
        http_parser_init(&c->parser);
        append_conn(s, c);
        s->stats.open++;
        s->stats.accepted++;
        if (s->stats.open > s->stats.peak_open)
            s->stats.peak_open = s->stats.open;
        if (loop_add_reader(loop, fd, on_readable, c) < 0)
            close_conn(c);
    }
}

/* ---- answering ---- */

static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static size_t answer_stats(struct httpd *s, bool keep_alive, char *out)
{
    char body[256];
    int n = snprintf(body, sizeof body,
                     "{\"open\":%ld,\"peak\":%ld,\"accepted\":%llu,\"requests\":%llu,"
                     "\"errors\":%llu,\"timeouts\":%llu,\"fds\":%d,\"rss_kib\":%ld}\n",
                     s->stats.open, s->stats.peak_open, (unsigned long long)s->stats.accepted,
                     (unsigned long long)s->stats.requests, (unsigned long long)s->stats.errors,
                     (unsigned long long)s->stats.timeouts, fds_open_count(), rss_kib());
    return http_format_response(out, RESPONSE_MAX, 200, "application/json", body, (size_t)n,
                                keep_alive);
}

/* A response ending the connection: 400 for garbage, 431, 413, 408, 501, 505. */
static size_t answer_error(struct conn *c, int status, char *out)
{
    char body[64];
    int n = snprintf(body, sizeof body, "%d %s\n", status, http_reason(status));
    c->srv->stats.requests++;
    c->srv->stats.errors++;
    c->closing = true;
    return http_format_response(out, RESPONSE_MAX, status, "text/plain", body, (size_t)n, false);
}

static size_t answer(struct conn *c, const struct http_request *req, char *out)
{
    struct httpd *s = c->srv;
    bool keep = req->keep_alive, get = http_method_is(req, "GET");
    if (!keep)
        c->closing = true;
    s->stats.requests++;
    if (get && http_target_is(req, "/")) {
        memcpy(out, s->hello[keep], s->hello_len[keep]);
        return s->hello_len[keep];
    }
    if (http_method_is(req, "HEAD") && http_target_is(req, "/"))
        return http_format_head(out, RESPONSE_MAX, 200, "text/plain", sizeof HELLO - 1, keep, NULL);
    if (get && http_target_is(req, "/stats"))
        return answer_stats(s, keep, out);
    s->stats.errors++;
    if (http_target_is(req, "/") || http_target_is(req, "/stats")) {
        static const char body[] = "405 Method Not Allowed\n";
        size_t n = http_format_head(out, RESPONSE_MAX, 405, "text/plain", sizeof body - 1, keep,
                                    "Allow: GET, HEAD\r\n");
        memcpy(out + n, body, sizeof body - 1);
        return n + sizeof body - 1;
    }
    static const char body[] = "404 Not Found\n";
    return http_format_response(out, RESPONSE_MAX, 404, "text/plain", body, sizeof body - 1, keep);
}

/*
 * Answer the complete requests at the start of buf[0, len) into the shared output buffer,
 * until one is incomplete, the connection is closing, or the buffer is full (*full).
 * Returns the bytes of responses; *used is how many request bytes they answered.
 */
static size_t answer_requests(struct conn *c, const char *buf, size_t len, size_t *used, bool *full)
{
    struct httpd *s = c->srv;
    size_t out_len = 0;
    *used = 0;
    *full = false;
    while (!c->closing) {
        if (OUT_BATCH - out_len < RESPONSE_MAX) {
            *full = true;
            break;
        }
        struct http_request req;
        long n = http_parse_request(&c->parser, buf + *used, len - *used, s->opt.request_max, &req);
        if (n == 0)
            break;
        if (n < 0) {
            out_len += answer_error(c, (int)-n, s->out_buf + out_len);
            break;
        }
        out_len += answer(c, &req, s->out_buf + out_len);
        *used += (size_t)n;
        http_parser_init(&c->parser);
    }
    return out_len;
}

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
    touch(c);
}

enum sent { SENT, PENDING, CLOSED };

/* Send out[0, len); what the socket does not take waits in c->out, and reading stops. */
static enum sent send_or_keep(struct conn *c, const char *out, size_t len)
{
    ssize_t n = len ? send(c->fd, out, len, MSG_NOSIGNAL) : 0;
    if (n == -1) {
        if (errno != EAGAIN && errno != EINTR) {
            close_conn(c); /* the client went away mid-response (EPIPE, ECONNRESET) */
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
            close_conn(c);
            return CLOSED;
        }
        return PENDING;
    }
    if (c->closing)
        start_draining(c);
    return SENT;
}

/* Answer what buf[0, len) holds; send it; keep the rest. */
static void serve(struct conn *c, const char *buf, size_t len)
{
    for (;;) {
        size_t used;
        bool full;
        size_t out_len = answer_requests(c, buf, len, &used, &full);
        keep_input(c, buf + used, len - used);
        if (send_or_keep(c, c->srv->out_buf, out_len) != SENT || !full || !c->in)
            return;
        /* The output filled up before the input ran out (pipelining): go on with the rest. */
        buf = c->in;
        len = c->in_len;
    }
}

static void on_readable(struct loop *loop, void *arg)
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
        close_conn(c);
        return;
    }
    if (c->draining)
        return; /* dropped: the connection ends when the client closes or times out */
    touch(c);
    serve(c, buf, have + (size_t)n);
}

static void on_writable(struct loop *loop, void *arg)
{
    struct conn *c = arg;
    ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
    if (n == -1) {
        if (errno != EAGAIN && errno != EINTR)
            close_conn(c);
        return;
    }
    c->out_sent += (size_t)n;
    touch(c);
    if (c->out_sent < c->out_len)
        return;
    free(c->out);
    c->out = NULL;
    loop_remove_writer(loop, c->fd);
    if (loop_add_reader(loop, c->fd, on_readable, c) < 0) {
        close_conn(c);
        return;
    }
    if (c->closing)
        start_draining(c);
    else if (c->in)
        serve(c, c->in, c->in_len); /* requests that arrived while the output waited */
}

/* ---- the idle timeout: one timer for every connection ---- */

static void sweep_interval(struct httpd *s);

/* Oldest first, close the connections silent for idle_timeout; stop at the first that is not. */
static void sweep(struct loop *loop, void *arg)
{
    struct httpd *s = arg;
    uint64_t now = loop_time_ns(loop), timeout = (uint64_t)(s->opt.idle_timeout * 1e9);
    while (s->oldest && now - s->oldest->active_ns >= timeout) {
        struct conn *c = s->oldest;
        s->stats.timeouts++;
        if (c->in && !c->draining && !c->out) {
            /* Half a request, then silence: say so (408) before closing. */
            touch(c);
            size_t n = answer_error(c, 408, s->out_buf);
            keep_input(c, NULL, 0);
            send_or_keep(c, s->out_buf, n);
        } else {
            close_conn(c);
        }
    }
    sweep_interval(s);
}

/* Look a few times per timeout, at most once a second: a timeout may be late by 1/4. */
static void sweep_interval(struct httpd *s)
{
    double every = s->opt.idle_timeout / 4;
    every = every < 0.01 ? 0.01 : every > 1 ? 1 : every;
    s->sweep = loop_call_later(s->loop, every, sweep, s);
}

/* ---- starting and stopping ---- */

int httpd_listen(long port, long backlog)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK_SYS(fd);
    int one = 1; /* restart at once on the same port, despite connections in TIME_WAIT */
    CHECK_SYS(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        die_errno(errno, "cannot listen on 127.0.0.1:%ld", port);
    CHECK_SYS(listen(fd, (int)backlog));
    return fd;
}

int httpd_port(int listen_fd)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    CHECK_SYS(getsockname(listen_fd, (struct sockaddr *)&addr, &len));
    return ntohs(addr.sin_port);
}

struct httpd *httpd_start(struct loop *loop, int listen_fd, const struct httpd_options *o)
{
    struct httpd *s = xcalloc(1, sizeof *s);
    s->loop = loop;
    s->opt = *o;
    s->listen_fd = listen_fd;
    s->in_buf = xmalloc(o->request_max);
    for (int keep = 0; keep <= 1; keep++)
        s->hello_len[keep] = http_format_response(s->hello[keep], RESPONSE_MAX, 200, "text/plain",
                                                  HELLO, sizeof HELLO - 1, keep);
    resume_accepting(s);
    sweep_interval(s);
    getrusage(RUSAGE_SELF, &s->cpu_at_start);
    return s;
}

struct httpd_stats httpd_get_stats(const struct httpd *s)
{
    return s->stats;
}

void httpd_close(struct httpd *s)
{
    while (s->oldest)
        close_conn(s->oldest);
    pause_accepting(s);
    loop_cancel(s->loop, s->sweep);
    loop_cancel(s->loop, s->retry);
    close(s->listen_fd);
    free(s->in_buf);
    free(s);
}

static double seconds_of(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void httpd_report(const struct httpd *s)
{
    const struct httpd_stats *st = &s->stats;
    struct rusage now;
    getrusage(RUSAGE_SELF, &now);
    double user = seconds_of(now.ru_utime) - seconds_of(s->cpu_at_start.ru_utime);
    double sys = seconds_of(now.ru_stime) - seconds_of(s->cpu_at_start.ru_stime);
    double us_per_req = st->requests ? (user + sys) * 1e6 / (double)st->requests : 0;
    struct table *t = table_new("server|value");
    table_row(t, "connections accepted|%llu", (unsigned long long)st->accepted);
    table_row(t, "most open at once|%ld", st->peak_open);
    table_row(t, "times the limit paused accept|%llu", (unsigned long long)st->accept_pauses);
    table_row(t, "requests answered|%llu", (unsigned long long)st->requests);
    table_row(t, "answered 4xx/5xx|%llu", (unsigned long long)st->errors);
    table_row(t, "closed for silence|%llu", (unsigned long long)st->timeouts);
    table_row(t, "CPU time in the program (user)|%.3f s", user);
    table_row(t, "CPU time in the kernel (sys)|%.3f s", sys);
    table_row(t, "CPU per request|%.2f us", us_per_req);
    table_print(t);
    table_free(t);
    fflush(stdout);
    result_record("server.requests", (double)st->requests, "count");
    result_record("server.errors", (double)st->errors, "count");
    result_record("server.peak_connections", (double)st->peak_open, "count");
    result_record("server.accept_pauses", (double)st->accept_pauses, "count");
    result_record("server.cpu_us_per_req", us_per_req, "us");
    result_record("server.sys_share", user + sys > 0 ? sys / (user + sys) : 0, "ratio");
}

static void stop_loop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

pid_t httpd_spawn(int listen_fd, const struct httpd_options *o)
{
    /* Blocked until the child's loop handles them, so an early SIGTERM is not lost. */
    sigset_t stop_signals, old;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_signals, &old);
    pid_t parent = getpid(), pid = xfork();
    if (pid > 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return pid;
    }
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* no orphan server if the parent dies */
    if (getppid() != parent)
        exit(1);
    long limit = fds_raise_limit();
    if (limit < o->max_connections + 32)
        fprintf(stderr, "%s: the server may open only %ld fds: it will hold fewer than %ld\n",
                program_invocation_short_name, limit, o->max_connections);
    struct loop *loop = loop_new();
    struct httpd *s = httpd_start(loop, listen_fd, o);
    loop_add_signal_handler(loop, SIGTERM, stop_loop, NULL);
    loop_add_signal_handler(loop, SIGINT, stop_loop, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    loop_run_forever(loop);
    httpd_report(s);
    httpd_close(s);
    loop_close(loop);
    exit(0);
}
