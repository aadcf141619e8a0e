/*
 * c10k.c — one thread holding 10,000 connections: a server and a client, two processes,
 * each a single thread on its own event loop.
 *
 * Mirrors A1 §1 「异步编程的本质与价值」 ("能让单线程程序达到数万并发连接").
 * The child is the chapter's server; the parent opens 10,000 keep-alive connections to it,
 * each answered once, asks the server how many it holds (GET /stats on one more
 * connection, the probe), holds them all, asks each one last request with "Connection:
 * close" (the server closes first, so TIME_WAIT stays on its side, not on the client's
 * ports), and checks that the server is back to the fds it started with. Watch the memory
 * per connection: the server's own, a few hundred bytes (no thread, no stack); the
 * kernel's, about 5 KiB per socket (c10k_view.h says how each is read).
 * With --server-limit below --connections, watch what a limit does to clients that stay:
 * the ones over it wait in the backlog with no answer for as long as the others hold
 * their places, and are answered only once those close.
 */
#include "c10k_view.h"
#include "check.h"
#include "client.h"
#include "clock.h"
#include "loop.h"
#include "say.h"

#include <math.h>
#include <stdlib.h>

enum phase { BASELINE, OPENING, SETTLING, COUNTING, HOLDING, AGAIN, CLOSING, DONE };

struct conn {
    struct c10k *t;
    struct client *c;
    double sent_at;      /* its first request */
    bool answered, done; /* done: answered the last request, or failed */
};

struct c10k {
    struct loop *loop;
    int port;
    long n, pace, limit;
    double hold, start, settle_until;
    enum phase phase;
    struct conn *conns;
    struct client *probe;
    long opened, finished;
    struct c10k_figures f;
};

static const char get[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                  last[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                  stats[] = "GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

static void on_answer(struct client *c, int status, const char *body, size_t len, void *arg);

static void ask_server(struct loop *loop, void *arg)
{
    (void)loop;
    struct c10k *t = arg;
    client_request(t->probe, stats, sizeof stats - 1);
}

static void open_one(struct c10k *t)
{
    struct conn *k = &t->conns[t->opened++];
    *k = (struct conn){
        .t = t, .c = client_open(t->loop, t->port, on_answer, k), .sent_at = now_sec()};
    client_request(k->c, get, sizeof get - 1);
}

/* Keep at most `pace` connections waiting for their first answer: the server's accept
 * queue never overflows (beyond the backlog the kernel drops handshakes: 1 s retries). */
static void open_more(struct c10k *t)
{
    while (t->opened < t->n && t->opened - t->f.answered - t->f.refused < t->pace)
        open_one(t);
}

/* Wait (up to 2 s) for the unanswered connections' handshakes, then count them. */
static void settle(struct loop *loop, void *arg)
{
    struct c10k *t = arg;
    long connecting = 0, backlog = 0;
    for (long i = 0; i < t->n; i++) {
        const struct conn *k = &t->conns[i];
        if (!k->answered && !k->done)
            client_is_connected(k->c) ? backlog++ : connecting++;
    }
    if (connecting > 0 && now_sec() < t->settle_until) {
        loop_call_later(loop, 0.01, settle, t);
        return;
    }
    t->f.waiting_backlog = backlog;
    t->f.waiting_connecting = connecting;
    t->phase = COUNTING;
    ask_server(t->loop, t);
}

/* Every connection the server could take has answered: the rest cannot get in. */
static void opening_done(struct c10k *t)
{
    t->f.open_seconds = now_sec() - t->start;
    while (t->opened < t->n)
        open_one(t);
    t->phase = SETTLING;
    if (t->f.answered + t->f.refused < t->n)
        say("%ld answered: the server holds all it can take; %ld more wait", t->f.answered,
            t->n - t->f.answered - t->f.refused);
    t->settle_until = now_sec() + 2;
    settle(t->loop, t);
}

static void ask_again(struct loop *loop, void *arg)
{
    (void)loop;
    struct c10k *t = arg;
    t->phase = AGAIN;
    for (long i = 0; i < t->n; i++)
        if (t->conns[i].answered && !t->conns[i].done)
            client_request(t->conns[i].c, last, sizeof last - 1);
}

static void close_all(struct c10k *t)
{
    for (long i = 0; i < t->n; i++)
        if (t->conns[i].c)
            client_close(t->conns[i].c);
    t->n = 0;
    say("all closed; waiting until the server holds only the probe");
    t->phase = CLOSING;
    ask_server(t->loop, t);
}

static void on_answer(struct client *c, int status, const char *body, size_t len, void *arg)
{
    (void)c, (void)body, (void)len;
    struct conn *k = arg;
    struct c10k *t = k->t;
    if (status != 200) {
        k->done = true;
        t->finished++;
        t->f.refused += !k->answered;
    } else if (!k->answered) {
        k->answered = true;
        if (t->phase <= SETTLING) { /* before the hold: no one had closed */
            t->f.answered++;
            if (t->f.answered % (t->n / 5 > 0 ? t->n / 5 : 1) == 0)
                say("%ld connections open and answered", t->f.answered);
        } else { /* it waited in the backlog until others closed */
            t->f.late++;
            t->f.longest_wait = fmax(t->f.longest_wait, now_sec() - k->sent_at);
            client_request(c, last, sizeof last - 1);
        }
    } else { /* the last answer: closing lets the server close too, and take the next one */
        k->done = true;
        t->finished++;
        t->f.answered_again++;
        client_close(c);
        k->c = NULL;
    }
    if (t->phase == OPENING &&
        (t->f.answered + t->f.refused == t->n || t->f.answered == t->limit - 1))
        opening_done(t);
    else if (t->phase == OPENING)
        open_more(t);
    else if (t->phase == AGAIN && t->finished == t->n) {
        say("after holding them %.1f s: %ld of %ld answered again", t->hold, t->f.answered_again,
            t->n);
        close_all(t);
    }
}

static void on_stats(struct client *c, int status, const char *body, size_t len, void *arg)
{
    (void)c;
    struct c10k *t = arg;
    struct server_view v;
    if (status != 200 || !server_view_parse(body, len, &v)) {
        say("the server's /stats failed (%d): giving up", status);
        loop_stop(t->loop);
    } else if (t->phase == BASELINE) {
        t->f.base = v;
        t->f.kernel_base = kernel_view_now(t->port);
        t->phase = OPENING;
        say("server: %ld connection (this probe), %ld fds, %ld KiB; opening %ld, at most %ld "
            "waiting for their first answer at once",
            v.open, v.fds, v.rss_kib, t->n, t->pace);
        t->start = now_sec();
        open_more(t);
    } else if (t->phase == COUNTING) {
        t->f.full = v;
        t->f.kernel_full = kernel_view_now(t->port);
        say("client: %ld connections answered, %ld waiting (%ld in the backlog), in %.2f s",
            t->f.answered, t->f.waiting_backlog + t->f.waiting_connecting, t->f.waiting_backlog,
            t->f.open_seconds);
        say("server: %ld connections open (%ld + this probe), %ld fds, %ld KiB resident", v.open,
            v.open - 1, v.fds, v.rss_kib);
        t->phase = HOLDING;
        loop_call_later(t->loop, t->hold, ask_again, t);
    } else if (t->phase == CLOSING && v.open > 1) {
        loop_call_later(t->loop, 0.05, ask_server, t);
    } else if (t->phase == CLOSING) {
        t->f.end = v;
        say("server: back to %ld connection and %ld fds (it started with %ld)", v.open, v.fds,
            t->f.base.fds);
        t->phase = DONE;
        loop_stop(t->loop);
    }
}

static void give_up(struct loop *loop, void *arg)
{
    struct c10k *t = arg;
    say("still not done after the time limit (in phase %d): giving up", (int)t->phase);
    loop_stop(loop);
}

int main(int argc, char **argv)
{
    struct c10k_options o = c10k_options(argc, argv);
    long n = o.connections;
    struct c10k t = {.n = n,
                     .pace = o.pace,
                     .hold = o.hold,
                     .limit = o.server_limit,
                     .f = {.wanted = n, .server_limit = o.server_limit}};
    pid_t server = c10k_spawn_server(t.limit, &t.port);

    t.loop = loop_new();
    t.conns = xcalloc((size_t)n, sizeof *t.conns);
    t.probe = client_open(t.loop, t.port, on_stats, &t);
    ask_server(t.loop, &t);
    struct loop_handle limit_timer = loop_call_later(t.loop, 60 + o.hold, give_up, &t);
    loop_run_forever(t.loop);
    loop_cancel(t.loop, limit_timer);

    for (long i = 0; i < t.n; i++) /* only when it gave up before closing them */
        if (t.conns[i].c)
            client_close(t.conns[i].c);
    client_close(t.probe);
    free(t.conns);
    loop_close(t.loop);
    c10k_stop_server(server);
    if (t.phase != DONE || t.f.end.open != 1)
        die("the run did not complete");
    t.f.never = n - t.f.answered - t.f.late;
    c10k_report(&t.f);
    return t.f.answered_again == n ? 0 : 1;
}
