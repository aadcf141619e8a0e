/* c10k_view.c — see c10k_view.h. */
#include "c10k_view.h"

#include "args.h"
#include "check.h"
#include "clock.h"
#include "fds.h"
#include "httpd.h"
#include "proc.h"
#include "results.h"
#include "say.h"
#include "table.h"

#include <stdio.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

bool server_view_parse(const char *body, size_t len, struct server_view *v)
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

/* Each connection is an fd in each process; a few more for the loop, stdio, the probe. */
static long fit_fd_limit(long wanted, bool asked)
{
    const long spare_fds = 64;
    long limit = fds_raise_limit();
    if (limit < wanted + spare_fds && !asked && limit - spare_fds >= 1) {
        say("the fd limit here is %ld, too low for %ld connections: holding %ld instead (for "
            "all of them raise the hard limit: ulimit -Hn as root, or LimitNOFILE=)",
            limit, wanted, limit - spare_fds);
        wanted = limit - spare_fds;
    }
    if (limit < wanted + spare_fds)
        die("needs %ld fds but the limit is %ld (the hard limit: raise it with ulimit -Hn as "
            "root, or LimitNOFILE=), or ask for fewer with --connections",
            wanted + spare_fds, limit);
    say("fd limit raised to %ld in both processes (each needs %ld)", limit, wanted + spare_fds);
    return wanted;
}

struct c10k_options c10k_options(int argc, char **argv)
{
    struct c10k_options o = {.connections = 10000, .pace = 1000, .hold = 1};
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("connections", "N", &o.connections, 1, 100000, "connections to hold at once"),
        OPT_QUICK_INT(&o.connections, 1000),
        OPT_INT("pace", "N", &o.pace, 1, 100000,
                "connections waiting for their first answer at once (keep it under the backlog)"),
        OPT_INT("server-limit", "N", &o.server_limit, 0, 100000,
                "the server's connection limit, its probe included (0: never reached); the "
                "connections over it wait in its backlog"),
        OPT_DOUBLE("seconds", "S", &o.hold, 0, 3600, "how long to hold them all"),
        OPT_QUICK_DOUBLE(&o.hold, 0.2),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "One thread holding 10,000 connections: the chapter's server in a child, a "
               "client here, each on its own loop. --quick holds 1000.",
               opts);
    if (o.server_limit == 1)
        args_error("--server-limit 1 leaves room for the probe alone: 2 at least");
    o.connections = fit_fd_limit(o.connections, args_given(&o.connections));
    if (!o.server_limit)
        o.server_limit = o.connections + 16;
    return o;
}

pid_t c10k_spawn_server(long limit, int *port)
{
    int listen_fd = httpd_listen(0, 4096);
    *port = httpd_port(listen_fd);
    struct httpd_options o = {.max_connections = limit, .idle_timeout = 3600, .request_max = 8192};
    pid_t server = httpd_spawn(listen_fd, &o);
    close(listen_fd);
    say("server: pid %ld, one thread, on 127.0.0.1:%d, at most %ld connections at once",
        (long)server, *port, limit);
    return server;
}

void c10k_stop_server(pid_t server)
{
    kill(server, SIGTERM);
    while (waitpid(server, NULL, 0) == -1 && errno == EINTR)
        ;
}

enum { TCP_ESTABLISHED = 0x01, SLAB_READINGS = 5 };

/* Sum the send and receive queues of the TCP sockets on `port` that are connected:
 * /proc/net/tcp has a line per socket, "sl local:port remote:port state tx:rx ...", in hex.
 * Connected only: a socket of an earlier connection that had the same port number (the
 * server's port is any free one) may still wait out its TIME_WAIT, and is not this run's. */
static void count_sockets(int port, struct kernel_view *v)
{
    char line[512];
    FILE *f = fopen("/proc/net/tcp", "r");
    v->sockets = v->queued_bytes = -1;
    if (!f)
        return;
    v->sockets = v->queued_bytes = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned local, remote, state;
        unsigned long tx, rx;
        if (sscanf(line, " %*u: %*x:%x %*x:%x %x %lx:%lx", &local, &remote, &state, &tx, &rx) != 5)
            continue; /* the header */
        if ((local == (unsigned)port || remote == (unsigned)port) && state == TCP_ESTABLISHED) {
            v->sockets++;
            v->queued_bytes += (long)(tx + rx);
        }
    }
    fclose(f);
}

struct kernel_view kernel_view_now(int port)
{
    struct kernel_view v = {.slab_kib = -1};
    long low = -1, high = -1;
    for (int i = 0; i < SLAB_READINGS; i++) { /* a few readings, 10 ms apart: how it drifts */
        long slab = proc_meminfo_kib("Slab");
        if (slab < 0)
            return v;
        low = low < 0 || slab < low ? slab : low;
        high = slab > high ? slab : high;
        if (i + 1 < SLAB_READINGS)
            sleep_sec(0.01);
    }
    v.slab_kib = (low + high) / 2;
    v.slab_noise_kib = high - low;
    count_sockets(port, &v);
    return v;
}

/* The kernel's objects per socket, or -1 when the difference does not stand out of the
 * drift seen while reading (four times it, and 1 KiB per socket at least). */
static double slab_per_socket(const struct kernel_view *base, const struct kernel_view *full,
                              long sockets)
{
    if (base->slab_kib < 0 || full->slab_kib < 0 || sockets <= 0)
        return -1;
    long grew = full->slab_kib - base->slab_kib;
    long noise =
        base->slab_noise_kib > full->slab_noise_kib ? base->slab_noise_kib : full->slab_noise_kib;
    if (grew <= 4 * noise || grew < sockets)
        return -1;
    return (double)grew * 1024 / (double)sockets;
}

void c10k_report(const struct c10k_figures *f)
{
    long held = f->full.open - 1 < f->answered ? f->full.open - 1 : f->answered;
    double per_conn = held > 0 ? (double)(f->full.rss_kib - f->base.rss_kib) * 1024 / held : 0;
    long sockets = f->kernel_full.sockets - f->kernel_base.sockets;
    double slab = slab_per_socket(&f->kernel_base, &f->kernel_full, sockets);
    double buffers = f->kernel_full.sockets > 0
                         ? (double)f->kernel_full.queued_bytes / (double)f->kernel_full.sockets
                         : -1;
    char slab_text[64];
    if (slab >= 0)
        snprintf(slab_text, sizeof slab_text, "%.0f bytes", slab);
    else
        snprintf(slab_text, sizeof slab_text, "noise (Slab drifted %ld KiB)",
                 f->kernel_full.slab_noise_kib);
    struct table *tab = table_new("c10k|value");
    table_row(tab, "connections to hold|%ld", f->wanted);
    table_row(tab, "server's connection limit (with the probe)|%ld", f->server_limit);
    table_row(tab, "answered at once, client's count|%ld", f->answered);
    table_row(tab, "open at once, server's count|%ld", f->full.open - 1);
    table_row(tab, "unanswered, handshake done, in the backlog|%ld", f->waiting_backlog);
    table_row(tab, "unanswered, handshake not done (backlog full)|%ld", f->waiting_connecting);
    table_row(tab, "refused or reset|%ld", f->refused);
    table_row(tab, "answered only once others had closed|%ld", f->late);
    table_row(tab, "longest wait for a first answer|%.2f s", f->longest_wait);
    table_row(tab, "never answered|%ld", f->never);
    table_row(tab, "answered again after the hold|%ld", f->answered_again);
    table_row(tab, "seconds to open them|%.2f", f->open_seconds);
    table_row(tab, "server's own memory per connection|%.0f bytes", per_conn);
    table_row(tab, "kernel objects per socket (Slab)*|%s", slab_text);
    table_row(tab, "bytes queued per socket, %ld sockets**|%.0f", f->kernel_full.sockets, buffers);
    table_row(tab, "server fds leaked|%ld", f->end.fds - f->base.fds);
    table_print(tab);
    table_free(tab);
    printf("\n*  System-wide (/proc/meminfo's Slab), before the connections and while they are\n"
           "   held, over the sockets they added (client and server both run here): other\n"
           "   programs blur it, so a difference within four times its drift is called noise.\n"
           "** This run's sockets alone (/proc/net/tcp, on the server's port): what waits in\n"
           "   their send and receive queues. Idle connections hold nothing there.\n");
    if (slab >= 0)
        printf("So an idle connection costs the server about %.1f KiB in all: %.0f bytes of its\n"
               "own and one socket in the kernel.\n",
               (per_conn + slab) / 1024, per_conn);
    if (f->late + f->never > 0)
        printf("%ld connections over the limit got no answer while the others held their\n"
               "places: a keep-alive client that stays keeps its slot, and the ones waiting in\n"
               "the backlog get nothing until one leaves (%ld answered %.2f s late, %ld never).\n"
               "A load tool's latency percentiles count answered requests only: not these.\n",
               f->late + f->never, f->late, f->longest_wait, f->never);
    fflush(stdout);
    result_record("c10k.connections", (double)held, "count");
    result_record("c10k.client_connections", (double)f->answered, "count");
    result_record("c10k.server_connections", (double)(f->full.open - 1), "count");
    result_record("c10k.unanswered_in_backlog", (double)f->waiting_backlog, "count");
    result_record("c10k.unanswered_connecting", (double)f->waiting_connecting, "count");
    result_record("c10k.refused", (double)f->refused, "count");
    result_record("c10k.answered_late", (double)f->late, "count");
    result_record("c10k.longest_wait", f->longest_wait, "s");
    result_record("c10k.never_answered", (double)f->never, "count");
    result_record("c10k.answered_again", (double)f->answered_again, "count");
    result_record("c10k.open_seconds", f->open_seconds, "s");
    result_record("c10k.server_bytes_per_conn", per_conn, "bytes");
    result_record("c10k.kernel_bytes_per_socket", slab, "bytes");
    result_record("c10k.kernel_sockets", (double)f->kernel_full.sockets, "count");
    result_record("c10k.kernel_buffer_bytes_per_socket", buffers, "bytes");
    result_record("c10k.server_fds_leaked", (double)(f->end.fds - f->base.fds), "count");
}
