/*
 * loop_epoll.c — the Linux backend. The kernel keeps the list of watched fds (the
 * "interest list"), so each wait costs in proportion to the fds that are ready, not
 * to all the fds watched: what lets one thread hold 10,000 connections.
 */
#ifdef __linux__
#include "loop_backend.h"

#include "check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct epoll_state {
    int epfd;
    struct epoll_event ready[1024];
};

static void *epoll_open(void)
{
    struct epoll_state *s = xmalloc(sizeof *s);
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd == -1) {
        free(s);
        return NULL;
    }
    return s;
}

static void epoll_close(void *state)
{
    struct epoll_state *s = state;
    close(s->epfd);
    free(s);
}

static int epoll_watch(void *state, int fd, unsigned old, unsigned now)
{
    struct epoll_state *s = state;
    /* Level-triggered, like asyncio's selectors: an fd with data left is reported again. */
    struct epoll_event ev = {
        .events = (now & LOOP_READABLE ? EPOLLIN : 0u) | (now & LOOP_WRITABLE ? EPOLLOUT : 0u),
        .data.fd = fd,
    };
    int op = !now ? EPOLL_CTL_DEL : !old ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (epoll_ctl(s->epfd, op, fd, &ev) == 0)
        return 0;
    /* Closing an fd removes it from epoll behind our back; a new fd may reuse the number. */
    if (op == EPOLL_CTL_MOD && errno == ENOENT && epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
        return 0;
    if (op == EPOLL_CTL_ADD && errno == EEXIST && epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
        return 0;
    if (op == EPOLL_CTL_DEL && (errno == EBADF || errno == ENOENT))
        return 0; /* already closed: nothing left to unwatch */
    return -errno;
}

static int epoll_wait_events(void *state, int timeout_ms, struct loop_event *out, int max)
{
    struct epoll_state *s = state;
    int room = max < 1024 ? max : 1024;
    int n = epoll_wait(s->epfd, s->ready, room, timeout_ms);
    if (n == -1) {
        if (errno == EINTR)
            return 0; /* a signal: its handler has written to the self-pipe, look again */
        die_errno(errno, "epoll_wait");
    }
    for (int i = 0; i < n; i++) {
        uint32_t e = s->ready[i].events;
        bool failed = e & (EPOLLERR | EPOLLHUP);
        out[i].fd = s->ready[i].data.fd;
        out[i].events = (e & EPOLLIN || failed ? LOOP_READABLE : 0u) |
                        (e & EPOLLOUT || failed ? LOOP_WRITABLE : 0u);
    }
    return n;
}

const struct loop_backend loop_backend_epoll = {
    .name = "epoll",
    .open = epoll_open,
    .close = epoll_close,
    .watch = epoll_watch,
    .wait = epoll_wait_events,
};
#endif
