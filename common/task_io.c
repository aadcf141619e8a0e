/* task_io.c — try the call; if it would block, wait for the fd, then try again. See task_io.h. */
#include "task_io.h"

#include "future.h"
#include "loop.h"
#include "task.h"

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

static void fd_ready(struct loop *loop, void *arg)
{
    (void)loop;
    future_set_result(arg, NULL); /* level-triggered: it may fire again before the task
                                     removes it; a done future just refuses (-EINVAL) */
}

/* A future the loop completes when fd is ready; the task awaits it like any other. */
static int wait_fd(int fd, bool writable)
{
    struct task *t = current_task();
    if (!t)
        return -EPERM;
    struct loop *loop = future_loop(task_future(t));
    /* Adding a second reader would replace the first, whose task would never wake. */
    if (writable ? loop_has_writer(loop, fd) : loop_has_reader(loop, fd))
        return -EBUSY;
    struct future *ready = future_new(loop);
    future_set_name(ready, writable ? "fd writable" : "fd readable");
    int rc = writable ? loop_add_writer(loop, fd, fd_ready, ready)
                      : loop_add_reader(loop, fd, fd_ready, ready);
    if (rc == 0) {
        rc = await_future(ready, NULL);
        if (writable)
            loop_remove_writer(loop, fd);
        else
            loop_remove_reader(loop, fd);
    }
    future_unref(ready);
    return rc;
}

int wait_readable(int fd)
{
    return wait_fd(fd, false);
}

int wait_writable(int fd)
{
    return wait_fd(fd, true);
}

/* After a call on fd failed (errno): 0 to try it again (interrupted, or the fd is ready
 * now), or the error to return, the call's own or the wait's (-ECANCELED...). */
static int wait_to_retry(int fd, bool writable)
{
    if (errno == EINTR)
        return 0;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        return -errno;
    return wait_fd(fd, writable);
}

ssize_t sock_recv(int fd, void *buf, size_t n)
{
    for (;;) {
        ssize_t got = read(fd, buf, n);
        if (got >= 0)
            return got;
        int rc = wait_to_retry(fd, false);
        if (rc < 0)
            return rc;
    }
}

int sock_sendall(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t put = write(fd, p, n);
        if (put >= 0) {
            p += put;
            n -= (size_t)put;
            continue;
        }
        int rc = wait_to_retry(fd, true);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int sock_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    for (;;) {
        int conn = accept4(fd, addr, addrlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (conn >= 0)
            return conn;
        if (errno == ECONNABORTED)
            continue; /* that client gave up while queued: take the next */
        int rc = wait_to_retry(fd, false);
        if (rc < 0)
            return rc;
    }
}

int sock_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    if (connect(fd, addr, addrlen) == 0)
        return 0;
    if (errno != EINPROGRESS && errno != EINTR)
        return -errno;
    /* The kernel connects in the background; writable means it has finished, either way. */
    int rc = wait_writable(fd);
    if (rc < 0)
        return rc;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
        return -errno;
    return -err;
}
