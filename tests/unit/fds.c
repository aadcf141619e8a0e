/* Unit tests of common/fds: the open-fd count follows opens and closes; the limit rises. */
#include "fds.h"
#include "tap.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

int main(void)
{
    int before = fds_open_count();
    ok(before >= 3, "at least stdin, stdout and stderr are open (%d)", before);
    /* Counted another way: every fd number the kernel says is open, none of them the
     * directory fds_open_count read to count. */
    int open_fds = 0;
    for (int fd = 0; fd < 4096; fd++)
        open_fds += fcntl(fd, F_GETFD) != -1;
    if (under_valgrind())
        skip("valgrind keeps fds of its own, hidden from fcntl", "the count is exactly the fds open");
    else
        is_long(before, open_fds, "the count is exactly the fds open");

    int p[2];
    ok(pipe(p) == 0, "a pipe opens");
    is_long(fds_open_count(), before + 2, "a pipe adds two fds to the count");
    close(p[0]);
    close(p[1]);
    is_long(fds_open_count(), before, "closing them brings the count back");

    /* Lower the soft limit first (anyone may), so there is something to raise. */
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur > 64) {
        lim.rlim_cur = 64;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    long soft = fds_raise_limit();
    ok(soft > 0, "fds_raise_limit reports the soft limit (%ld)", soft);
    getrlimit(RLIMIT_NOFILE, &lim);
    ok(lim.rlim_cur == lim.rlim_max, "the soft limit now equals the hard limit");
    return done_testing();
}
