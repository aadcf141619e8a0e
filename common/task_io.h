/*
 * task_io.h — I/O for tasks: wait for an fd, then read, write, accept or connect
 * without blocking the loop (asyncio's loop.sock_recv, sock_sendall, sock_accept,
 * sock_connect, and the add_reader/add_writer they are made of).
 *
 * Each call tries the system call first; when it would block (EAGAIN), the task waits
 * for the fd to become ready and tries again, and the loop runs other tasks meanwhile.
 * So the fd must be non-blocking (O_NONBLOCK): on a blocking fd the first try would
 * block the whole loop. sock_accept's new connections are non-blocking already.
 *
 * Like every suspension point (task.h), each returns a negative errno-style code on
 * failure, -ECANCELED when the task is cancelled while it waits, and -EPERM outside a
 * task.
 *
 * The law of one waiter: one task at a time may wait on an fd in each direction, since
 * the loop keeps one reader and one writer per fd. A second wait for the same fd and
 * direction (by another task, or while anything else watches it) returns -EBUSY at
 * once, and the first waiter still wakes: it is never silently replaced, which would be
 * a lost wake-up. asyncio raises the same way when two coroutines read one stream
 * ("read() called while another coroutine is already waiting"). Waiting for reading
 * while another task waits for writing is fine.
 */
#ifndef LAB_TASK_IO_H
#define LAB_TASK_IO_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Suspend the task until `fd` is readable (writable): 0, or a negative code (-EBUSY: the
 * fd already has a reader (writer), see the law above). */
int wait_readable(int fd);
int wait_writable(int fd);

/* read(2) up to n bytes: the count (0 at end of file), or a negative code. Any fd. */
ssize_t sock_recv(int fd, void *buf, size_t n);

/* write(2) all n bytes: 0 once all are written, or a negative code. Any fd. */
int sock_sendall(int fd, const void *buf, size_t n);

/* Accept a connection on a listening socket: the new fd (non-blocking, close-on-exec). */
int sock_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);

/* Connect a non-blocking socket: 0 once connected, or a negative code (-ECONNREFUSED...). */
int sock_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);

#endif
