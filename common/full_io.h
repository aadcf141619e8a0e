/*
 * full_io.h — write or read exactly n bytes on a blocking pipe or socket.
 *
 * One write(2) or read(2) may move fewer bytes than asked (a pipe takes what fits in its
 * buffer, a socket gives what has arrived), or none at all when a signal interrupts it
 * (EINTR). Whoever sends a struct through a pipe needs the loop that goes on until every
 * byte has crossed: here it is, once.
 */
#ifndef LAB_FULL_IO_H
#define LAB_FULL_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Write all `len` bytes: true, or false with errno set. On a socket whose reader has gone
 * that is EPIPE, not a SIGPIPE that would kill the process (it sends with MSG_NOSIGNAL);
 * on a pipe the usual SIGPIPE rule holds.
 */
bool write_all(int fd, const void *buf, size_t len);

/*
 * Read until `len` bytes have come or the end of file: how many came (`len`, or fewer at
 * the end of file: 0 if it came first), or -1 with errno set.
 */
ssize_t read_all(int fd, void *buf, size_t len);

#endif
