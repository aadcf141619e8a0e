/* full_io.c — see full_io.h. */
#include "full_io.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

bool write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    bool socket = true; /* until send() says it is not one */
    while (len > 0) {
        ssize_t n = socket ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
        if (n == -1 && errno == ENOTSOCK && socket) {
            socket = false;
            continue;
        }
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}
