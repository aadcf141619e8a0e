/*
 * c10k.c — one thread holding 10,000 connections: a server and a client, two processes,
 * each a single thread on its own event loop.
 *
 * Mirrors A1 §1 「异步编程的本质与价值」 ("能让单线程程序达到数万并发连接").
 * The child is the chapter's server; the parent opens 10,000 keep-alive connections to it,
 * each answered once, then asks the server how many it holds (GET /stats on one more
 * connection, the probe), holds them all, asks each one last request with "Connection:
 * close", and checks that the server, having closed them all, is back to the fds it
 * started with. (The side that closes first keeps the connection in TIME_WAIT for a
 * minute: letting the server do it leaves the client's local ports free at once.)
 * Watch the memory per connection, in two parts. The server's own: a few hundred bytes,
 * a small struct in the loop — no thread, no stack. The kernel's: about 5 KiB per socket
 * (its socket, file and epoll entry, counted in /proc/meminfo's Slab), and the socket
 * buffers on top, which stay empty while a connection is idle (/proc/net/sockstat's TCP
 * mem). Those two are system-wide, so other programs blur them; both ends of every
 * connection are on this machine, so they are divided by two sockets per connection.
 * Both processes need more fds than the usual soft limit of 1024: each raises it to the
 * hard limit; where that is lower than 10,000 and a few, the default run holds fewer and
 * says so.
 */
#include "args.h"
#include "check.h"
#include "client.h"
#include "clock.h"
#include "fds.h"
#include "httpd.h"
#include "loop.h"
#include "proc.h"
#include "results.h"
#include "say.h"
#include "table.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum phase { BASELINE, OPENING, COUNTING, HOLDING, AGAIN, CLOSING, DONE };

struct server_view { /* what GET /stats said */
    long open, fds, rss_kib;
};

struct kernel_view {       /* the kernel's memory, system-wide */
    long slab_kib;         /* its objects: sockets, files, epoll entries... */
    long tcp_buffer_pages; /* what TCP sockets hold in their buffers */
};

struct c10k {
    struct loop *loop;
    int port;
    long n, pace;
    double hold;
    enum phase phase;
    struct client **conns, *probe;
    long opened, waiting, answered, answered_again, failed;
    struct server_view base, full, end;
    struct kernel_view kernel_base, kernel_full;
    double start, opened_at;
    char get[128], last[128], stats[128];
    size_t get_len, last_len, stats_len;
};

/* The pages TCP sockets hold in their buffers, system-wide: /proc/net/sockstat's "TCP:"
 * line ends with "mem N"; -1 if it cannot be read. */
static long tcp_buffer_pages(void)
{
    char line[256];
    long pages = -1;
    FILE *f = fopen("/proc/net/sockstat", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        const char *mem = strstr(line, " mem ");
        if (strncmp(line, "TCP:", 4) == 0 && mem && sscanf(mem, " mem %ld", &pages) != 1)
            pages = -1;
    }
    fclose(f);
    return pages;
}

static struct kernel_view kernel_now(void)
{
    return (struct kernel_view){proc_meminfo_kib("Slab"), tcp_buffer_pages()};
}

static void on_answer(struct client *c, int status, const char *body, size_t len, void *arg);
static void on_stats(struct client *c, int status, const char *body, size_t len, void *arg);

static void ask_server(struct c10k *t)
{
    client_request(t->probe, t->stats, t->stats_len);
}

static void ask_server_later(struct loop *loop, void *arg)
{
    (void)loop;
    ask_server(arg);
}

/* Keep at most `pace` connections waiting for their first answer: the server's accept
 * queue never overflows (beyond the backlog the kernel drops handshakes: 1 s retries). */
static void open_more(struct c10k *t)
{
    while (t->opened < t->n && t->waiting < t->pace) {
        struct client *c = client_open(t->loop, t->port, on_answer, t);
        t->conns[t->opened++] = c;
        t->waiting++;
        client_request(c, t->get, t->get_len);
    }
}

static void ask_again(struct loop *loop, void *arg)
{
    (void)loop;
    struct c10k *t = arg;
    t->phase = AGAIN;
    for (long i = 0; i < t->n; i++)
        if (!client_is_dead(t->conns[i]))
            client_request(t->conns[i], t->last, t->last_len);
}

static void close_all(struct c10k *t)
{
    for (long i = 0; i < t->n; i++)
        client_close(t->conns[i]);
    t->n = 0;
    say("the server closes them; waiting until it holds only the probe");
    t->phase = CLOSING;
    ask_server(t);
}

static void on_answer(struct client *c, int status, const char *body, size_t len, void *arg)
{
    (void)c, (void)body, (void)len;
    struct c10k *t = arg;
    bool good = status == 200;
    if (!good)
        t->failed++;
    if (t->phase == OPENING) {
        t->waiting--;
        t->answered += good;
        long done = t->answered + t->failed;
        if (good && t->answered % (t->n / 5 > 0 ? t->n / 5 : 1) == 0)
            say("%ld connections open and answered", t->answered);
        if (done < t->n) {
            open_more(t);
            return;
        }
        t->opened_at = now_sec();
        t->phase = COUNTING;
        ask_server(t);
    } else if (t->phase == AGAIN) {
        t->answered_again += good;
        if (t->answered_again + t->failed == t->n) {
            say("after holding them %.1f s: %ld of %ld answered again", t->hold, t->answered_again,
                t->n);
            close_all(t);
        }
    }
}

static bool parse_stats(const char *body, size_t len, struct server_view *v)
{
    char text[512];
    if (len >= sizeof text)
        return false;
    memcpy(text, body, len);
    text[len] = '\0';
    const char *open = strstr(text, "\"open\":"), *fds = strstr(text, "\"fds\":"),
               *rss = strstr(text, "\"rss_kib\":");
    return open && fds && rss && sscanf(open, "\"open\":%ld", &v->open) == 1 &&
           sscanf(fds, "\"fds\":%ld", &v->fds) == 1 &&
           sscanf(rss, "\"rss_kib\":%ld", &v->rss_kib) == 1;
}

static void on_stats(struct client *c, int status, const char *body, size_t len, void *arg)
{
    (void)c;
    struct c10k *t = arg;
    struct server_view v;
    if (status != 200 || !parse_stats(body, len, &v)) {
        say("the server's /stats failed (%d): giving up", status);
        t->phase = DONE;
        loop_stop(t->loop);
        return;
    }
    switch (t->phase) {
    case BASELINE:
        t->base = v;
        t->kernel_base = kernel_now();
        t->phase = OPENING;
        say("the server holds %ld connection (this probe), %ld fds, %ld KiB resident", v.open,
            v.fds, v.rss_kib);
        say("opening %ld connections, at most %ld waiting for their first answer at once", t->n,
            t->pace);
        t->start = now_sec();
        open_more(t);
        break;
    case COUNTING:
        t->full = v;
        t->kernel_full = kernel_now();
        say("client: %ld connections open at once, all answered, in %.2f s", t->answered,
            t->opened_at - t->start);
        say("server: %ld connections open (%ld + this probe), %ld fds, %ld KiB resident", v.open,
            v.open - 1, v.fds, v.rss_kib);
        t->phase = HOLDING;
        loop_call_later(t->loop, t->hold, ask_again, t);
        break;
    case CLOSING:
        if (v.open > 1) {
            loop_call_later(t->loop, 0.05, ask_server_later, t);
            return;
        }
        t->end = v;
        say("server: back to %ld connection and %ld fds (it started with %ld)", v.open, v.fds,
            t->base.fds);
        t->phase = DONE;
        loop_stop(t->loop);
        break;
    default:
        break;
    }
}

static void give_up(struct loop *loop, void *arg)
{
    struct c10k *t = arg;
    say("still not done after the time limit (in phase %d): giving up", (int)t->phase);
    loop_stop(loop);
}

/* Kernel bytes per socket between two views: both ends of each connection are sockets here. */
static double kernel_per_socket(long before, long during, double unit, long held)
{
    return before >= 0 && during >= 0 && held > 0 ? (double)(during - before) * unit / (2.0 * held)
                                                  : -1;
}

static void report(const struct c10k *t, long wanted)
{
    long held = t->full.open - 1 < t->answered ? t->full.open - 1 : t->answered;
    double per_conn = held > 0 ? (double)(t->full.rss_kib - t->base.rss_kib) * 1024 / held : 0;
    double slab = kernel_per_socket(t->kernel_base.slab_kib, t->kernel_full.slab_kib, 1024, held);
    double buffers =
        kernel_per_socket(t->kernel_base.tcp_buffer_pages, t->kernel_full.tcp_buffer_pages,
                          (double)sysconf(_SC_PAGESIZE), held);
    struct table *tab = table_new("c10k|value");
    table_row(tab, "connections to hold|%ld", wanted);
    table_row(tab, "open at once, client's count|%ld", t->answered);
    table_row(tab, "open at once, server's count|%ld", t->full.open - 1);
    table_row(tab, "answered again after the hold|%ld", t->answered_again);
    table_row(tab, "seconds to open them|%.2f", t->opened_at - t->start);
    table_row(tab, "server's own memory per connection|%.0f bytes", per_conn);
    table_row(tab, "kernel objects per socket (Slab)*|%.0f bytes", slab);
    table_row(tab, "kernel socket buffers per socket*|%.0f bytes", buffers);
    table_row(tab, "server fds leaked|%ld", t->end.fds - t->base.fds);
    table_print(tab);
    table_free(tab);
    printf("\n* System-wide (/proc/meminfo's Slab, /proc/net/sockstat's TCP mem), before the\n"
           "  connections and while they are held, over 2 sockets per connection (client and\n"
           "  server both run here): other programs blur them. So an idle connection costs the\n"
           "  server about %.1f KiB in all: %.0f bytes of its own and one socket in the kernel.\n"
           "  The buffers grow only while data waits in them.\n",
           (per_conn + slab + (buffers > 0 ? buffers : 0)) / 1024, per_conn);
    fflush(stdout);
    result_record("c10k.connections", (double)held, "count");
    result_record("c10k.client_connections", (double)t->answered, "count");
    result_record("c10k.server_connections", (double)(t->full.open - 1), "count");
    result_record("c10k.answered_again", (double)t->answered_again, "count");
    result_record("c10k.open_seconds", t->opened_at - t->start, "s");
    result_record("c10k.server_bytes_per_conn", per_conn, "bytes");
    result_record("c10k.kernel_bytes_per_socket", slab, "bytes");
    result_record("c10k.kernel_buffer_bytes_per_socket", buffers, "bytes");
    result_record("c10k.server_fds_leaked", (double)(t->end.fds - t->base.fds), "count");
}

int main(int argc, char **argv)
{
    long connections = 10000, pace = 1000;
    double hold = 1;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("connections", "N", &connections, 1, 100000, "connections to hold at once"),
        OPT_INT("pace", "N", &pace, 1, 100000,
                "connections waiting for their first answer at once (keep it under the backlog)"),
        OPT_DOUBLE("seconds", "S", &hold, 0, 3600, "how long to hold them all"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "One thread holding 10,000 connections: the chapter's server in a child, a "
               "client here, each on its own loop. --quick holds 1000.",
               opts);
    if (quick && !args_given(&connections))
        connections = 1000;
    if (quick && !args_given(&hold))
        hold = 0.2;

    /* Each connection is an fd in each process; a few more for the loop, stdio, the probe.
     * A default run holds what the limit allows; a number asked for is held, or refused. */
    const long spare_fds = 64;
    long limit = fds_raise_limit();
    if (limit < connections + spare_fds && !args_given(&connections) && limit - spare_fds >= 1) {
        say("the fd limit here is %ld, too low for %ld connections: holding %ld instead (for "
            "all of them raise the hard limit: ulimit -Hn as root, or LimitNOFILE=)",
            limit, connections, limit - spare_fds);
        connections = limit - spare_fds;
    }
    long needed = connections + spare_fds;
    if (limit < needed)
        die("needs %ld fds but the limit is %ld (the hard limit: raise it with ulimit -Hn as "
            "root, or LimitNOFILE=), or ask for fewer with --connections",
            needed, limit);
    say("fd limit raised to %ld in both processes (each needs %ld)", limit, needed);

    int listen_fd = httpd_listen(0, 4096);
    struct c10k t = {.port = httpd_port(listen_fd), .n = connections, .pace = pace, .hold = hold};
    struct httpd_options o = {
        .max_connections = connections + 16, .idle_timeout = 3600, .request_max = 8192};
    pid_t server = httpd_spawn(listen_fd, &o);
    close(listen_fd);
    say("server: pid %ld, one thread, on 127.0.0.1:%d", (long)server, t.port);

    t.loop = loop_new();
    t.conns = xcalloc((size_t)connections, sizeof *t.conns);
    t.get_len = (size_t)snprintf(t.get, sizeof t.get, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    t.last_len = (size_t)snprintf(t.last, sizeof t.last,
                                  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    t.stats_len =
        (size_t)snprintf(t.stats, sizeof t.stats, "GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    t.probe = client_open(t.loop, t.port, on_stats, &t);
    ask_server(&t);
    struct loop_handle limit_timer = loop_call_later(t.loop, 60 + hold, give_up, &t);
    loop_run_forever(t.loop);
    loop_cancel(t.loop, limit_timer);

    bool done = t.phase == DONE && t.end.open == 1;
    for (long i = 0; i < t.n; i++) /* only when it gave up before closing them */
        client_close(t.conns[i]);
    client_close(t.probe);
    free(t.conns);
    loop_close(t.loop);
    kill(server, SIGTERM);
    while (waitpid(server, NULL, 0) == -1 && errno == EINTR)
        ;
    if (!done)
        die("the run did not complete");
    report(&t, connections);
    return t.answered == connections && t.answered_again == connections ? 0 : 1;
}
