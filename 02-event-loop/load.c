/*
 * load.c — a load client on the event loop: N keep-alive connections, each sending its
 * next request as soon as the last is answered; requests/s and latency percentiles.
 *
 * Mirrors the measurement behind A1 §3.2 「性能优化实战」 (3000 → 12000 QPS) and
 * A1 §9.1 「事件循环策略选择」 (12,000 / 28,000 / 35,000 requests per second).
 * The client is one thread too, so on a small machine it is often the bottleneck, not
 * the server: compare servers by their CPU time per request (--pid), not by requests/s
 * alone. Run alone, it starts the chapter's server in a child process and measures it.
 */
#include "args.h"
#include "check.h"
#include "fds.h"
#include "httpd.h"
#include "loadgen.h"
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long port = 0, connections = 100, requests = 0, pid = 0;
    double seconds = 2;
    const char *path = "/";
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("port", "N", &port, 0, 65535,
                "the server's port on 127.0.0.1 (0: start the chapter's server in a child)"),
        OPT_INT("connections", "N", &connections, 1, 10000, "keep-alive connections, all busy"),
        OPT_DOUBLE("seconds", "S", &seconds, 0, 3600, "how long to measure (0: see --requests)"),
        OPT_INT("requests", "N", &requests, 0, 1000000000,
                "stop after this many answers (0: after --seconds)"),
        OPT_STRING("path", "PATH", &path, "what to ask for"),
        OPT_INT("pid", "PID", &pid, 0, 1L << 22,
                "the server's process: report its CPU time per request"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&seconds, 0.5),
        OPT_QUICK_INT(&connections, 10),
        OPT_END,
    };
    args_parse(argc, argv,
               "A load client on the event loop: keep-alive connections, requests/s, latency "
               "p50 and p99. Alone, it measures the chapter's server started in a child.",
               opts);
    if (seconds == 0 && requests == 0)
        args_error("give --seconds or --requests: otherwise the load never ends");
    if (path[0] != '/' || strpbrk(path, " \r\n"))
        args_error("--path must start with '/' and hold no space or line break (got '%s')", path);
    if (fds_raise_limit() < connections + 32)
        die("--connections %ld needs more fds than the limit allows (ulimit -Hn)", connections);

    pid_t server = 0;
    if (port == 0) {
        int listen_fd = httpd_listen(0, 4096);
        port = httpd_port(listen_fd);
        struct httpd_options o = HTTPD_DEFAULTS;
        server = httpd_spawn(listen_fd, &o);
        close(listen_fd); /* the child serves it; the kernel queues connections meanwhile */
        pid = server;
        printf("measuring the chapter's server (pid %ld) on 127.0.0.1:%ld\n", (long)server, port);
    } else {
        printf("measuring 127.0.0.1:%ld%s\n", port, pid ? "" : " (give --pid for its CPU time)");
    }
    printf("%ld connections, %s\n", connections,
           requests ? "until the requests are answered" : "for the window's seconds");
    fflush(stdout);

    struct loadgen_options o = {.port = (int)port,
                                .connections = connections,
                                .seconds = requests ? 0 : seconds,
                                .requests = requests,
                                .path = path,
                                .server_pid = (pid_t)pid};
    static struct loadgen_result r;
    struct loop *loop = loop_new();
    int rc = loadgen_run(loop, &o, &r);
    loop_close(loop);
    loadgen_report(&o, &r);
    if (server) { /* its own summary follows */
        kill(server, SIGTERM);
        while (waitpid(server, NULL, 0) == -1 && errno == EINTR)
            ;
    }
    if (rc != 0)
        die("no connection to 127.0.0.1:%ld could be made", port);
    return 0;
}
