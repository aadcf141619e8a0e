/*
 * socket_api.c — libcurl's multi socket API on the lab's loop, one callback at a time:
 * what aiohttp's connector and asyncio's selector do for a Python program, in the open.
 *
 * A0 §5.1 「使用异步上下文管理器」/ §5.2 「连接池管理」 open one session and let it manage
 * sockets; here every socket libcurl opens is handed to the loop (socket callback), every
 * deadline it needs becomes one loop timer (timer callback), and the loop calls libcurl
 * back (curl_multi_socket_action) when a socket is ready or the timer is due.
 * Watch: the trace of one transfer ("timer 0 ms" inside curl_multi_add_handle, served by
 * the loop on its next turn, never from inside the callback), then the laws of
 * curl_loop.h checked on a few more transfers: the same connection again (its socket
 * parked between the two, still watched), fresh connections whose fd numbers come back
 * after their close, and a transfer cancelled in the middle.
 */
#include "curl_loop.h"
#include "fetch.h"
#include "session.h"

#include "args.h"
#include "httpd.h"
#include "loop.h"
#include "say.h"
#include "table.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>

static void *cancel_soon(void *arg)
{
    int err = async_sleep(0.2);
    if (err)
        return task_raise(err, "waiting to cancel");
    task_cancel(arg);
    return NULL;
}

/* A server that closes a connection idle for 0.1 s, on this loop: the socket libcurl
 * parked in its pool turns readable (end of file) while no transfer uses it. Then the
 * next fetch to it: libcurl finds the connection dead, closes it, opens another. */
static int idle_closed(struct session *s, struct fetch_options *o, long *connects)
{
    struct httpd_options ho = HTTPD_DEFAULTS;
    ho.idle_timeout = 0.1;
    int listen_fd = httpd_listen(0, 16);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", httpd_port(listen_fd));
    struct httpd *server = httpd_start(s->loop, listen_fd, &ho);
    struct fetch_result r;
    int err = fetch(s->cl, url, o, &r);
    fetch_result_free(&r);
    if (!err)
        err = async_sleep(0.4); /* the server's idle timer closes the connection meanwhile */
    if (!err)
        err = fetch(s->cl, url, o, &r);
    *connects = r.connects;
    fetch_result_free(&r);
    httpd_close(server);
    return err;
}

static int body(struct session *s, void *arg)
{
    (void)arg;
    struct fetch_options o = FETCH_DEFAULTS;
    struct fetch_result r;
    say("one transfer, every callback:");
    curl_loop_trace(s->cl, true);
    int err = fetch(s->cl, session_url(s, "/json"), &o, &r);
    curl_loop_trace(s->cl, false);
    say("fetch returned %d: status %ld, %zu bytes", err, r.status, r.body_len);
    fetch_result_free(&r);
    uint64_t kernel_told = 0; /* changes of what the loop's epoll watches, in that fetch */
    if (!err) { /* the same connection again: its socket was parked, not unwatched */
        struct loop *loop = loop_get_running();
        uint64_t before = loop_get_stats(loop).watch_changes;
        err = fetch(s->cl, session_url(s, "/delay/0.05"), &o, &r);
        kernel_told = loop_get_stats(loop).watch_changes - before;
        fetch_result_free(&r);
    }

    long connects = 0;
    if (!err)
        err = idle_closed(s, &o, &connects);

    o.fresh_connection = true; /* each closes its socket: the fd numbers come back */
    for (int i = 0; i < 3 && !err; i++) {
        err = fetch(s->cl, session_url(s, "/delay/0.05"), &o, &r);
        fetch_result_free(&r);
    }
    struct task *canceller = create_task("canceller", cancel_soon, current_task());
    int never = fetch(s->cl, session_url(s, "/never"), &o, &r);
    say("a transfer that never ends, cancelled after 0.2 s: fetch returned %s; %ld transfers left",
        never == -ECANCELED ? "-ECANCELED" : "something else", curl_loop_running(s->cl));
    fetch_result_free(&r);
    task_uncancel(current_task()); /* the cancel was this demo's own, and it is handled */
    await_task(canceller, NULL);
    task_release(canceller);

    struct curl_loop_stats st = curl_loop_get_stats(s->cl);
    struct table *t = table_new("law|measured|held?");
#define LAW(text, value, ok) table_row(t, "%s|%llu|%s", text, (unsigned long long)(value), (ok) ? "yes" : "NO")
    LAW("curl asked for 0 ms timers (each armed on the loop)", st.zero_timers, st.zero_timers > 0);
    LAW("libcurl called from inside its callbacks", st.reentrant_calls, st.reentrant_calls == 0);
    LAW("-1 timers: the loop's timer deleted", st.timer_deletes, st.timer_deletes > 0);
    /* Every watch begun (an fd new to the loop, or a parked one in use again) ended by
     * exactly one REMOVE: none missed, none twice. */
    LAW("REMOVEs, one for each watch an IN/OUT began", st.fds_removed,
        st.fds_removed == st.fds_registered + st.unparked);
    LAW("REMOVEs of a pooled connection: parked, its reader kept", st.parked, st.parked > 0);
    LAW("parked sockets in use again", st.unparked, st.unparked > 0);
    LAW("...epoll_ctl calls the second transfer on a connection made", kernel_told,
        kernel_told == 0);
    LAW("parked sockets the server closed: reader removed, libcurl not called", st.parked_woken,
        st.parked_woken > 0);
    LAW("...and the next fetch there: a new connection", connects, connects == 1);
    LAW("fd numbers back after their close, registered afresh", st.fds_reused, st.fds_reused > 0);
    LAW("transfers completed, each drained", st.completions, st.completions == 7);
    LAW("transfers left after the cancel", (unsigned long long)curl_loop_running(s->cl),
        curl_loop_running(s->cl) == 0);
    LAW("socket_action calls", st.actions, st.actions > 0);
    table_print(t);
    table_free(t);
    return err || never != -ECANCELED ? -EIO : 0;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    args_parse(argc, argv,
               "libcurl's multi socket API driven by the lab's loop: a traced transfer, then "
               "the protocol's laws checked.",
               opts);
    struct site_options so = SITE_DEFAULTS;
    int leaked;
    int rc = session_run(&so, body, NULL, &leaked);
    say("fds left open: %d", leaked);
    return rc || leaked ? 1 : 0;
}
