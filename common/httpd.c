/*
 * httpd.c — the server (see httpd.h): accepting connections up to the limit, the list of
 * connections in order of last activity and the one timer that closes the silent and the
 * slow ones, starting, stopping, the report. A connection's I/O is in httpd_conn.c, answering its
 * requests in httpd_answer.c; httpd_private.h says how the files fit together. Read them
 * in the order things happen: accept (here), read and send (httpd_conn.c), answer
 * (httpd_answer.c), close for silence or slowness (here).
 */
#include "httpd.h"
#include "httpd_answer.h"
#include "httpd_conn.h"
#include "httpd_private.h"

#include "check.h"
#include "fds.h"
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
    ACCEPT_BATCH = 64, /* accepts per wake-up: a storm cannot starve open connections */
};

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

void httpd_touch(struct conn *c)
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

void httpd_close_conn(struct conn *c)
{
    struct httpd *s = c->srv;
    httpd_conn_drop_delayed(c);
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

/* At most a line every 10 s: at the fd limit the server pauses 10 times a second. */
static void say_fd_limit(struct httpd *s, int err)
{
    uint64_t now = loop_time_ns(s->loop);
    if (s->fd_limit_said_ns && now - s->fd_limit_said_ns < 10 * (uint64_t)1000000000) {
        s->fd_limit_unsaid++;
        return;
    }
    fprintf(stderr, "%s: accept: %s: pausing for 100 ms", program_invocation_short_name,
            strerror(err));
    if (s->fd_limit_unsaid)
        fprintf(stderr, " (%llu pauses more since the last line)",
                (unsigned long long)s->fd_limit_unsaid);
    fprintf(stderr, "; said again in 10 s at most\n");
    s->fd_limit_said_ns = now ? now : 1;
    s->fd_limit_unsaid = 0;
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
                say_fd_limit(s, errno);
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
        c->reading = loop_add_reader(loop, fd, httpd_conn_on_readable, c) == 0;
        if (!c->reading)
            httpd_close_conn(c);
    }
}

/* ---- the idle timeout and the request deadline: one timer for every connection ---- */

static void sweep_interval(struct httpd *s);

/*
 * Has the connection run out of time? Silent for idle_timeout; or a request still
 * arriving (a response still leaving) after request_timeout plus a second per min_rate
 * bytes of it. A response the handler delays is the server's doing: no deadline runs.
 */
static bool out_of_time(const struct httpd *s, const struct conn *c, uint64_t now)
{
    if (c->delayed)
        return false;
    if (now - c->active_ns >= (uint64_t)(s->opt.idle_timeout * 1e9))
        return true;
    if (!c->busy_since_ns || s->opt.request_timeout <= 0)
        return false;
    double allowed = s->opt.request_timeout;
    if (s->opt.min_rate > 0)
        allowed += (double)c->busy_bytes / s->opt.min_rate;
    return (double)(now - c->busy_since_ns) >= allowed * 1e9;
}

/* Every connection is looked at: a deadline can fall due in any of them, not only the oldest. */
static void sweep(struct loop *loop, void *arg)
{
    struct httpd *s = arg;
    uint64_t now = loop_time_ns(loop);
    struct conn *last = s->newest;
    for (struct conn *c = s->oldest, *next; c; c = next) {
        next = c == last ? NULL : c->newer; /* those touched meanwhile moved past `last` */
        if (out_of_time(s, c, now))
            httpd_conn_time_out(c); /* closed, or touched (408) */
    }
    sweep_interval(s);
}

/* Look a few times per timeout, at most once a second: a timeout may be late by 1/4. */
static void sweep_interval(struct httpd *s)
{
    double every = s->opt.idle_timeout;
    if (s->opt.request_timeout > 0 && s->opt.request_timeout < every)
        every = s->opt.request_timeout;
    every /= 4;
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
    httpd_answer_prepare(s);
    resume_accepting(s);
    sweep_interval(s);
    getrusage(RUSAGE_SELF, &s->cpu_at_start);
    return s;
}

struct httpd_stats httpd_get_stats(const struct httpd *s)
{
    return s->stats;
}

void httpd_reset_peaks(struct httpd *s)
{
    s->stats.peak_open = s->stats.open;
    s->stats.peak_in_flight = s->stats.in_flight;
}

void httpd_close(struct httpd *s)
{
    while (s->oldest)
        httpd_close_conn(s->oldest);
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
    if (o->report)
        o->report(s, o->handler_arg);
    else
        httpd_report(s);
    httpd_close(s);
    loop_close(loop);
    exit(0);
}
