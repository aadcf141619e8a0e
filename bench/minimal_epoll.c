/*
 * minimal_epoll.c — the machine's limit for chapter 02's server bench: the least a server
 * can do and still answer the same requests with the same bytes.
 *
 * One thread, level-triggered epoll, one read and one write per wake-up, no parser beyond
 * finding each request's blank line, no timers, no limits, no loop. Not a server to copy:
 * it trusts its clients (a request longer than its buffer, or a client that does not read
 * its responses, gets the connection closed). What it costs per request is the floor the
 * lab's server (02-event-loop/server) is measured against by bench/02-server.sh.
 *
 *     minimal_epoll --port 0       prints "listening on 127.0.0.1:PORT"; SIGTERM ends it
 */
#include "args.h"
#include "check.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* Byte for byte what the lab's server answers to GET / (02-event-loop/httpd_answer.c). */
static const char RESPONSE[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                               "Content-Length: 14\r\nConnection: keep-alive\r\n\r\n"
                               "Hello, World!\n";

struct conn {
    size_t len;
    char buf[8192];
};

static volatile sig_atomic_t stopping;

static void on_signal(int signo)
{
    (void)signo;
    stopping = 1;
}

static int listen_on(long port, long backlog)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK_SYS(fd);
    int one = 1;
    CHECK_SYS(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK_SYS(bind(fd, (struct sockaddr *)&addr, sizeof addr));
    CHECK_SYS(listen(fd, (int)backlog));
    socklen_t len = sizeof addr;
    CHECK_SYS(getsockname(fd, (struct sockaddr *)&addr, &len));
    printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);
    return fd;
}

/* Answer every complete request in the buffer with one write; false: close the connection. */
static bool serve(int fd, struct conn *c, unsigned long *requests)
{
    static char out[64 * 1024];
    size_t out_len = 0, start = 0;
    for (char *end; (end = memmem(c->buf + start, c->len - start, "\r\n\r\n", 4)) != NULL;) {
        start = (size_t)(end + 4 - c->buf);
        if (out_len + sizeof RESPONSE - 1 > sizeof out)
            return false;
        memcpy(out + out_len, RESPONSE, sizeof RESPONSE - 1);
        out_len += sizeof RESPONSE - 1;
        ++*requests;
    }
    memmove(c->buf, c->buf + start, c->len - start);
    c->len -= start;
    if (c->len == sizeof c->buf)
        return false;
    return out_len == 0 || send(fd, out, out_len, MSG_NOSIGNAL) == (ssize_t)out_len;
}

int main(int argc, char **argv)
{
    long port = 0, backlog = 4096;
    const struct opt opts[] = {
        OPT_INT("port", "N", &port, 0, 65535, "TCP port on 127.0.0.1 (0: any free port)"),
        OPT_INT("backlog", "N", &backlog, 1, 65535, "listen() backlog"),
        OPT_END,
    };
    args_parse(argc, argv, "The least an epoll server can do: the bench's floor.", opts);

    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: epoll_wait returns */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct rlimit lim;
    CHECK_SYS(getrlimit(RLIMIT_NOFILE, &lim));
    size_t max_fds = lim.rlim_cur;
    struct conn **conns = xcalloc(max_fds, sizeof *conns); /* indexed by fd */

    int lfd = listen_on(port, backlog), ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK_SYS(ep);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev));

    unsigned long requests = 0;
    struct epoll_event ready[256];
    while (!stopping) {
        int n = epoll_wait(ep, ready, 256, -1);
        if (n == -1 && errno == EINTR)
            continue;
        CHECK_SYS(n);
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == lfd) {
                int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd == -1 || (size_t)cfd >= max_fds) {
                    if (cfd != -1)
                        close(cfd);
                    continue;
                }
                conns[cfd] = xcalloc(1, sizeof **conns);
                ev = (struct epoll_event){.events = EPOLLIN, .data.fd = cfd};
                CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev));
                continue;
            }
            struct conn *c = conns[fd];
            ssize_t got = recv(fd, c->buf + c->len, sizeof c->buf - c->len, 0);
            if (got == -1 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (got > 0)
                c->len += (size_t)got;
            if (got <= 0 || !serve(fd, c, &requests)) {
                close(fd); /* also takes it out of the epoll set */
                free(c);
                conns[fd] = NULL;
            }
        }
    }

    for (size_t fd = 0; fd < max_fds; fd++)
        if (conns[fd]) {
            close((int)fd);
            free(conns[fd]);
        }
    free(conns);
    close(ep);
    close(lfd);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    printf("served %lu requests, %.3f s of CPU\n", requests, cpu);
    return 0;
}
