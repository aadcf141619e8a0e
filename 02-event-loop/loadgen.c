/* loadgen.c — see loadgen.h. */
#include "loadgen.h"

#include "check.h"
#include "client.h"
#include "clock.h"
#include "loop.h"
#include "results.h"
#include "table.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { WARMUP_MAX_SECONDS = 10 };

struct slot {
    struct loadgen *g;
    struct client *c;
    bool ready;       /* answered its first request */
    bool useful;      /* this connection answered something: worth reopening if it breaks */
    bool outstanding; /* a request of the window is out */
    uint64_t sent_ns;
};

struct loadgen {
    struct loop *loop;
    const struct loadgen_options *o;
    struct loadgen_result *r;
    struct slot *slots;
    long warming, alive;
    bool window_open, window_done;
    uint64_t issued, start_ns;
    double cpu_start, server_cpu_start;
    struct loop_handle warmup, end;
    char request[512];
    size_t request_len;
};

static void on_response(struct client *c, int status, const char *body, size_t body_len, void *arg);

double loadgen_process_cpu(pid_t pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    /* The name in parentheses may hold spaces: the fields that follow start after the last ')'. */
    char *p = strrchr(line, ')');
    unsigned long utime, stime;
    if (!p ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void close_window(struct loadgen *g)
{
    if (g->window_done)
        return;
    struct loadgen_result *r = g->r;
    r->seconds = g->window_open ? (double)(now_ns() - g->start_ns) / 1e9 : 0;
    r->rps = r->seconds > 0 ? (double)r->answered / r->seconds : 0;
    r->client_cpu = loadgen_process_cpu(getpid()) - g->cpu_start;
    r->server_cpu = -1;
    if (g->o->server_pid && g->server_cpu_start >= 0) {
        double now = loadgen_process_cpu(g->o->server_pid);
        r->server_cpu = now >= 0 ? now - g->server_cpu_start : -1;
    }
    g->window_open = false;
    g->window_done = true;
    loop_cancel(g->loop, g->warmup);
    loop_cancel(g->loop, g->end);
    loop_stop(g->loop);
}

static void window_over(struct loop *loop, void *arg)
{
    (void)loop;
    close_window(arg);
}

static void send_next(struct slot *s)
{
    struct loadgen *g = s->g;
    if (!g->window_open || (g->o->requests && g->issued == (uint64_t)g->o->requests))
        return;
    g->issued++;
    s->outstanding = true;
    s->sent_ns = now_ns();
    client_request(s->c, g->request, g->request_len);
}

static void open_window(struct loadgen *g)
{
    if (g->window_open || g->window_done)
        return;
    loop_cancel(g->loop, g->warmup);
    if (g->r->ready == 0) { /* no connection could be made */
        close_window(g);
        return;
    }
    g->window_open = true;
    g->start_ns = now_ns();
    g->cpu_start = loadgen_process_cpu(getpid());
    g->server_cpu_start = g->o->server_pid ? loadgen_process_cpu(g->o->server_pid) : -1;
    if (g->o->seconds > 0)
        g->end = loop_call_later(g->loop, g->o->seconds, window_over, g);
    for (long i = 0; i < g->o->connections; i++) {
        struct slot *s = &g->slots[i];
        if (s->ready && s->c && !s->outstanding && !client_is_dead(s->c))
            send_next(s);
    }
}

static void open_slot(struct slot *s)
{
    struct loadgen *g = s->g;
    s->useful = false;
    s->c = client_open(g->loop, g->o->port, on_response, s);
    if (!s->ready) /* the warm-up request */
        client_request(s->c, g->request, g->request_len);
    else
        send_next(s);
}

/* A connection failed or was closed by the server: reopen it if it ever worked. */
static void replace(struct slot *s, bool failed)
{
    struct loadgen *g = s->g;
    bool worked = s->useful;
    client_close(s->c);
    s->c = NULL;
    if (s->outstanding) { /* that request was lost: let another take its place */
        s->outstanding = false;
        g->issued--;
    }
    if (failed)
        g->r->broken++;
    if (!s->ready) { /* it never answered its warm-up */
        if (--g->warming == 0)
            open_window(g);
        if (--g->alive == 0)
            close_window(g);
        return;
    }
    if (worked && !g->window_done) {
        open_slot(s);
    } else if (--g->alive == 0) {
        close_window(g);
    }
}

static void on_response(struct client *c, int status, const char *body, size_t body_len, void *arg)
{
    (void)c, (void)body, (void)body_len;
    struct slot *s = arg;
    struct loadgen *g = s->g;
    if (status < 0) {
        replace(s, true);
        return;
    }
    s->useful = true;
    if (s->outstanding && g->window_open) {
        s->outstanding = false;
        latency_add(&g->r->latency, now_ns() - s->sent_ns);
        if (status >= 200 && status < 300)
            g->r->answered++;
        else
            g->r->failed++;
        if (g->o->requests && g->r->answered + g->r->failed == (uint64_t)g->o->requests) {
            close_window(g);
            return;
        }
    }
    bool warming_up = !s->ready;
    if (warming_up) {
        s->ready = true;
        g->r->ready++;
    }
    if (client_is_dead(s->c)) /* the server said "Connection: close" */
        replace(s, false);
    else
        send_next(s); /* nothing while the window is not open yet */
    if (warming_up && --g->warming == 0)
        open_window(g);
}

static void on_interrupt(struct loop *loop, void *arg)
{
    (void)loop;
    close_window(arg);
}

/* Some connections never answered their first request (a server at its limit): go on without. */
static void warmup_over(struct loop *loop, void *arg)
{
    (void)loop;
    open_window(arg);
}

int loadgen_run(struct loop *loop, const struct loadgen_options *o, struct loadgen_result *r)
{
    struct loadgen g = {
        .loop = loop, .o = o, .r = r, .warming = o->connections, .alive = o->connections};
    memset(r, 0, sizeof *r);
    latency_init(&r->latency);
    g.request_len =
        (size_t)snprintf(g.request, sizeof g.request,
                         "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", o->path, o->port);
    g.slots = xcalloc((size_t)o->connections, sizeof *g.slots);
    loop_add_signal_handler(loop, SIGINT, on_interrupt, &g);
    loop_add_signal_handler(loop, SIGTERM, on_interrupt, &g);
    g.warmup = loop_call_later(loop, WARMUP_MAX_SECONDS, warmup_over, &g);
    for (long i = 0; i < o->connections; i++) {
        g.slots[i].g = &g;
        open_slot(&g.slots[i]);
    }
    loop_run_forever(loop);
    for (long i = 0; i < o->connections; i++)
        if (g.slots[i].c)
            client_close(g.slots[i].c);
    loop_remove_signal_handler(loop, SIGINT);
    loop_remove_signal_handler(loop, SIGTERM);
    free(g.slots);
    return r->ready > 0 ? 0 : -1;
}

void loadgen_report(const struct loadgen_options *o, const struct loadgen_result *r)
{
    double p50 = (double)latency_percentile(&r->latency, 50) / 1e3;
    double p99 = (double)latency_percentile(&r->latency, 99) / 1e3;
    double max = (double)latency_percentile(&r->latency, 100) / 1e3;
    uint64_t done = r->answered + r->failed;
    struct table *t = table_new("load client|value");
    table_row(t, "connections ready|%ld of %ld", r->ready, o->connections);
    table_row(t, "window|%.2f s", r->seconds);
    table_row(t, "answered 2xx|%llu", (unsigned long long)r->answered);
    table_row(t, "answered otherwise|%llu", (unsigned long long)r->failed);
    table_row(t, "broken connections|%llu", (unsigned long long)r->broken);
    table_row(t, "requests/s|%.0f", r->rps);
    table_row(t, "latency p50|%.0f us", p50);
    table_row(t, "latency p99|%.0f us", p99);
    table_row(t, "latency max|%.0f us", max);
    if (done)
        table_row(t, "client CPU per request|%.2f us", r->client_cpu * 1e6 / (double)done);
    if (done && r->server_cpu >= 0)
        table_row(t, "server CPU per request|%.2f us", r->server_cpu * 1e6 / (double)done);
    table_print(t);
    table_free(t);
    fflush(stdout);
    result_record("load.connections", (double)r->ready, "count");
    result_record("load.requests", (double)r->answered, "count");
    result_record("load.failed", (double)r->failed, "count");
    result_record("load.broken", (double)r->broken, "count");
    result_record("load.rps", r->rps, "req/s");
    result_record("load.p50_us", p50, "us");
    result_record("load.p99_us", p99, "us");
    if (done)
        result_record("load.client_cpu_us_per_req", r->client_cpu * 1e6 / (double)done, "us");
    if (done && r->server_cpu >= 0)
        result_record("load.server_cpu_us_per_req", r->server_cpu * 1e6 / (double)done, "us");
}

pid_t loadgen_spawn(const struct loadgen_options *o)
{
    pid_t parent = getpid(), pid = xfork();
    if (pid > 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* no orphan client if the parent dies */
    if (getppid() != parent)
        exit(1);
    close_range(3, ~0U, 0); /* the parent's sockets (its listening one) are not the client's */
    struct loop *loop = loop_new();
    static struct loadgen_result r; /* a histogram is 18 KiB: not on the stack */
    int rc = loadgen_run(loop, o, &r);
    loop_close(loop);
    loadgen_report(o, &r);
    exit(rc == 0 ? 0 : 1);
}
