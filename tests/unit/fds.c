/* Unit tests of common/fds: the open-fd count follows opens and closes; the limit rises. */
#include "fds.h"
#include "tap.h"

#include <sys/resource.h>
#include <unistd.h>

int main(void)
{
    int before = fds_open_count();
    ok(before >= 3, "at least stdin, stdout and stderr are open (%d)", before);

    int p[2];
    ok(pipe(p) == 0, "a pipe opens");
    is_long(fds_open_count(), before + 2, "a pipe adds two fds to the count");
    close(p[0]);
    close(p[1]);
    is_long(fds_open_count(), before, "closing them brings the count back");

    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    long soft = fds_raise_limit();
    ok(soft > 0, "fds_raise_limit reports the soft limit (%ld)", soft);
    getrlimit(RLIMIT_NOFILE, &lim);
    ok(lim.rlim_cur == lim.rlim_max, "the soft limit now equals the hard limit");
    return done_testing();
}
