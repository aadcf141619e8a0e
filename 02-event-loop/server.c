/*
 * server.c — a single-threaded HTTP/1.1 keep-alive server on the event loop.
 *
 * Mirrors A1 §3.2 「性能优化实战」 (asyncio.start_server(handle_connection, backlog=10000,
 * limit=1024*1024) with asyncio.Semaphore(500)).
 * One thread and one loop serve every connection: each is a readable callback, and a
 * request costs one recv() and one send(). Run alone, it starts a load client in a child
 * process and prints what serving cost: watch "CPU per request" (a few microseconds,
 * most of it in the kernel's TCP code) and "most open at once" (never above
 * --max-connections: beyond it connections wait in the backlog).
 * `server --port 8080 --clients 0 --seconds 0` serves until Ctrl-C, for wrk or curl.
 */
#include "args.h"
#include "check.h"
#include "fds.h"
#include "httpd.h"
#include "loadgen.h"
#include "loop.h"
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop_loop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

int main(int argc, char **argv)
{
    long port = 0, backlog = 10000, max_connections = 500, clients = 100;
    double seconds = 2, idle_timeout = 60, request_timeout = 10, min_rate = 1024;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("port", "N", &port, 0, 65535, "TCP port on 127.0.0.1 (0: any free port)"),
        OPT_INT("backlog", "N", &backlog, 1, 1000000, "listen() backlog (the article's 10000)"),
        OPT_INT("max-connections", "N", &max_connections, 1, 1000000,
                "served at once; the next wait in the backlog (the article's Semaphore(500))"),
        OPT_DOUBLE("idle-timeout", "S", &idle_timeout, 0.01, 86400,
                   "close a connection silent this long (408 if it sent half a request)"),
        OPT_DOUBLE("request-timeout", "S", &request_timeout, 0.01, 86400,
                   "a request must arrive (a response be read) within S seconds..."),
        OPT_DOUBLE("min-rate", "B", &min_rate, 1, 1e12, "...plus one second per B bytes of it"),
        OPT_DOUBLE("seconds", "S", &seconds, 0, 86400, "how long to serve (0: until Ctrl-C)"),
        OPT_INT("clients", "N", &clients, 0, 10000,
                "connections of a load client run in a child for --seconds (0: none)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&seconds, 0.5),
        OPT_QUICK_INT(&clients, 10),
        OPT_END,
    };
    args_parse(argc, argv,
               "A single-threaded HTTP/1.1 keep-alive server on the event loop, binding "
               "127.0.0.1. Alone, it serves a load client of its own for a few seconds.",
               opts);
    if (clients > 0 && seconds == 0)
        args_error("--clients needs --seconds above 0 (how long the load runs)");

    /* Every connection is an fd: the usual soft limit of 1024 would cap the server there. */
    long fd_limit = fds_raise_limit();
    if (fd_limit < max_connections + 32)
        fprintf(stderr,
                "%s: only %ld fds may be open (the hard limit): at most about %ld "
                "connections will be served, not %ld\n",
                program_invocation_short_name, fd_limit, fd_limit - 32, max_connections);

    int listen_fd = httpd_listen(port, backlog);
    port = httpd_port(listen_fd);
    /* What the kernel allows as a backlog: listen() silently clamps to it. */
    long limit = proc_read_long("/proc/sys/net/core/somaxconn", 0);
    printf("listening on 127.0.0.1:%ld, backlog %ld", port, backlog);
    if (limit > 0 && backlog > limit)
        printf(" (the kernel clamps it to %ld: net.core.somaxconn)", limit);
    printf(", at most %ld connections served at once\n", max_connections);
    fflush(stdout);

    /* Blocked until the loop handles it, so a client that ends at once is not missed. */
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    pid_t client = 0;
    if (clients > 0) {
        struct loadgen_options lo = {
            .port = (int)port, .connections = clients, .seconds = seconds, .path = "/"};
        client = loadgen_spawn(&lo); /* before the loop exists: the child makes its own */
    }

    struct loop *loop = loop_new();
    struct httpd_options o = {.max_connections = max_connections,
                              .idle_timeout = idle_timeout,
                              .request_timeout = request_timeout,
                              .min_rate = min_rate,
                              .request_max = 8192};
    struct httpd *s = httpd_start(loop, listen_fd, &o);
    loop_add_signal_handler(loop, SIGINT, stop_loop, NULL);
    loop_add_signal_handler(loop, SIGTERM, stop_loop, NULL);
    loop_add_signal_handler(loop, SIGCHLD, stop_loop, NULL); /* the load client is done */
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (clients == 0 && seconds > 0)
        loop_call_later(loop, seconds, stop_loop, NULL);

    loop_run_forever(loop);

    int status = 0;
    if (client) {
        kill(client, SIGTERM); /* stopped early (Ctrl-C): the client ends its window now */
        while (waitpid(client, &status, 0) == -1 && errno == EINTR)
            ;
    }
    httpd_report(s);
    httpd_close(s);
    loop_close(loop);
    return client && !(WIFEXITED(status) && WEXITSTATUS(status) == 0) ? 1 : 0;
}
