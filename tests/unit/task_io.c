/*
 * Unit tests of common/task_io: tasks reading, writing, accepting and connecting on
 * 127.0.0.1 without blocking each other, and a cancelled wait leaving nothing behind.
 */
#include "check.h"
#include "fds.h"
#include "future.h"
#include "loop.h"
#include "tap.h"
#include "task.h"
#include "task_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { PAYLOAD = 1 << 20 }; /* far more than a socket buffer: both sides must wait */

struct echo {
    int listener;
    struct sockaddr_in addr;
    int served;   /* bytes the server echoed */
    int received; /* bytes the client read back */
    bool same;    /* and they were the bytes it sent */
    int refused_rc;
};

static void *server(void *arg)
{
    struct echo *e = arg;
    int conn = sock_accept(e->listener, NULL, NULL);
    if (conn < 0)
        return task_raise(conn, "accept");
    char buf[16384]; /* a task's stack is 64 KiB: big buffers belong on the heap */
    ssize_t n;
    while ((n = sock_recv(conn, buf, sizeof buf)) > 0) {
        if (sock_sendall(conn, buf, (size_t)n) != 0)
            break;
        e->served += (int)n;
    }
    close(conn);
    return NULL;
}

struct outgoing {
    int fd;
    const char *data;
};

/* Writes everything while another task reads the echo, so neither side's buffer fills up. */
static void *writer(void *arg)
{
    struct outgoing *out = arg;
    int rc = sock_sendall(out->fd, out->data, PAYLOAD);
    shutdown(out->fd, SHUT_WR);
    return rc ? task_raise(rc, "send") : NULL;
}

static void *client(void *arg)
{
    struct echo *e = arg;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int rc = sock_connect(fd, (struct sockaddr *)&e->addr, sizeof e->addr);
    if (rc < 0) {
        close(fd);
        return task_raise(rc, "connect");
    }
    char *data = xmalloc(PAYLOAD), *back = xmalloc(PAYLOAD);
    for (int i = 0; i < PAYLOAD; i++)
        data[i] = (char)(i * 7);
    struct outgoing out = {fd, data};
    struct task *w = create_task("writer", writer, &out);
    ssize_t n;
    while (e->received < PAYLOAD &&
           (n = sock_recv(fd, back + e->received, (size_t)(PAYLOAD - e->received))) > 0)
        e->received += (int)n;
    await_task(w, NULL);
    task_release(w);
    e->same = e->received == PAYLOAD && memcmp(data, back, PAYLOAD) == 0;
    free(data);
    free(back);
    close(fd);
    return NULL;
}

static void *echo_main(void *arg)
{
    struct echo *e = arg;
    struct task *s = create_task("server", server, e);
    struct task *c = create_task("client", client, e);
    await_task(c, NULL);
    await_task(s, NULL);
    task_release(c);
    task_release(s);

    /* Nobody listens on the port once the listener is closed. */
    close(e->listener);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    e->refused_rc = sock_connect(fd, (struct sockaddr *)&e->addr, sizeof e->addr);
    close(fd);
    return NULL;
}

/* ---- a cancelled wait ---- */

struct pipe_wait {
    int fds[2];
    ssize_t rc;
    bool reader_left;
};

static void *reads_forever(void *arg)
{
    struct pipe_wait *p = arg;
    char c;
    p->rc = sock_recv(p->fds[0], &c, 1);
    return NULL;
}

static void *cancel_reader(void *arg)
{
    struct pipe_wait *p = arg;
    struct task *t = create_task("reader", reads_forever, p);
    async_sleep(0.05);
    task_cancel(t);
    await_task(t, NULL);
    task_release(t);
    p->reader_left = loop_remove_reader(loop_get_running(), p->fds[0]);
    return NULL;
}

/* ---- one waiter per fd and direction ---- */

struct one_fd {
    int fds[2]; /* a socket pair: fds[0] is waited on */
    int first, second, other_direction;
};

static void *first_reader(void *arg)
{
    struct one_fd *s = arg;
    s->first = wait_readable(s->fds[0]);
    note("first=%d ", s->first);
    return NULL;
}

static void *second_reader(void *arg)
{
    struct one_fd *s = arg;
    s->second = wait_readable(s->fds[0]);
    note("second=%d ", s->second);
    return NULL;
}

static void *two_readers(void *arg)
{
    struct one_fd *s = arg;
    struct task *first = create_task("first", first_reader, s);
    async_sleep(0.01); /* the first task waits now */
    struct task *second = create_task("second", second_reader, s);
    s->other_direction = wait_writable(s->fds[0]);
    async_sleep(0.01);
    (void)!write(s->fds[1], "x", 1);
    for (int i = 0; i < 100 && !task_done(first); i++) /* 1 s at most, then give up on it */
        async_sleep(0.01);
    if (!task_done(first))
        task_cancel(first);
    await_task(first, NULL);
    await_task(second, NULL);
    task_release(first);
    task_release(second);
    return NULL;
}

int main(void)
{
    int before = fds_open_count();
    struct echo e = {0};
    e.listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    e.addr.sin_family = AF_INET;
    e.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_SYS(bind(e.listener, (struct sockaddr *)&e.addr, sizeof e.addr));
    socklen_t len = sizeof e.addr;
    CHECK_SYS(getsockname(e.listener, (struct sockaddr *)&e.addr, &len));
    CHECK_SYS(listen(e.listener, 8));
    is_long(async_run(echo_main, &e, NULL), 0, "an echo server and a client as tasks on one loop");
    is_long(e.served, PAYLOAD, "the server echoed every byte of 1 MiB");
    ok(e.same, "and the client read back the same bytes, in order");
    is_long(e.refused_rc, -ECONNREFUSED, "connecting where nobody listens: -ECONNREFUSED");

    struct pipe_wait p = {.rc = 1};
    CHECK_SYS(pipe2(p.fds, O_NONBLOCK));
    async_run(cancel_reader, &p, NULL);
    is_long((long)p.rc, -ECANCELED, "a task cancelled in sock_recv gets -ECANCELED");
    ok(!p.reader_left, "and its reader is gone from the loop");
    close(p.fds[0]);
    close(p.fds[1]);

    struct one_fd one = {.first = 1, .second = 1, .other_direction = 1};
    CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, one.fds));
    trace[0] = '\0';
    async_run(two_readers, &one, NULL);
    is_str(trace, "second=-16 first=0 ",
           "a second task waiting to read the same fd gets -EBUSY at once, and the first "
           "still wakes when data comes");
    is_long(one.other_direction, 0, "waiting to write it meanwhile is fine");
    close(one.fds[0]);
    close(one.fds[1]);

    is_long(wait_readable(0), -EPERM, "waiting outside a task: -EPERM");
    is_long(fds_open_count(), before, "no fd left open");
    return done_testing();
}
