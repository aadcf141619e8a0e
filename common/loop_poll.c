/*
 * loop_poll.c — the portable backend: poll(2). The loop keeps the array of watched
 * fds and hands the whole of it to the kernel on every wait, which then scans every
 * entry: simple, everywhere, and O(fds watched) per wait, which is why epoll exists.
 */
#include "loop_backend.h"

#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <poll.h>
#include <stdlib.h>

struct poll_state {
    struct pollfd *fds;
    int count;
    size_t cap;
    int *index_of; /* fd -> its position in fds, or -1 */
    size_t index_cap;
    int resume; /* where the last wait stopped reporting, when it ran out of room */
};

static void *poll_open(void)
{
    return xcalloc(1, sizeof(struct poll_state));
}

static void poll_close(void *state)
{
    struct poll_state *s = state;
    free(s->fds);
    free(s->index_of);
    free(s);
}

static short poll_events(unsigned events)
{
    return (short)((events & LOOP_READABLE ? POLLIN : 0) | (events & LOOP_WRITABLE ? POLLOUT : 0));
}

static void grow_index(struct poll_state *s, int fd)
{
    if ((size_t)fd < s->index_cap)
        return;
    size_t old = s->index_cap;
    s->index_of = grow_array(s->index_of, &s->index_cap, (size_t)fd + 1, sizeof *s->index_of,
                             "poll backend's fd index");
    for (size_t i = old; i < s->index_cap; i++)
        s->index_of[i] = -1;
}

static int poll_watch(void *state, int fd, unsigned old, unsigned now)
{
    struct poll_state *s = state;
    (void)old;
    grow_index(s, fd);
    int i = s->index_of[fd];
    if (!now) { /* remove: the last entry takes the removed one's place */
        if (i >= 0) {
            s->fds[i] = s->fds[--s->count];
            s->index_of[s->fds[i].fd] = i;
            s->index_of[fd] = -1;
        }
        return 0;
    }
    if (i < 0) {
        /* poll() would only say POLLNVAL later: refuse a closed fd now, as epoll_ctl does. */
        if (fcntl(fd, F_GETFD) == -1)
            return -errno;
        if ((size_t)s->count == s->cap)
            s->fds = grow_array(s->fds, &s->cap, (size_t)s->count + 1, sizeof *s->fds,
                                "poll backend's pollfds");
        i = s->index_of[fd] = s->count++;
        s->fds[i] = (struct pollfd){.fd = fd};
    }
    s->fds[i].events = poll_events(now);
    return 0;
}

static int poll_wait(void *state, int timeout_ms, struct loop_event *out, int max)
{
    struct poll_state *s = state;
    if (poll(s->fds, (nfds_t)s->count, timeout_ms) == -1) {
        if (errno == EINTR)
            return 0;
        die_errno(errno, "poll");
    }
    /* Report from where the last full report stopped, so no fd waits behind the others. */
    int n = 0, start = s->resume < s->count ? s->resume : 0;
    s->resume = 0;
    for (int k = 0; k < s->count; k++) {
        int i = (start + k) % s->count;
        short r = s->fds[i].revents;
        if (!r)
            continue;
        if (n == max) {
            s->resume = i;
            break;
        }
        bool failed = r & (POLLERR | POLLHUP | POLLNVAL);
        out[n].fd = s->fds[i].fd;
        out[n].events = (r & POLLIN || failed ? LOOP_READABLE : 0u) |
                        (r & POLLOUT || failed ? LOOP_WRITABLE : 0u);
        n++;
    }
    return n;
}

const struct loop_backend loop_backend_poll = {
    .name = "poll",
    .open = poll_open,
    .close = poll_close,
    .watch = poll_watch,
    .wait = poll_wait,
};
