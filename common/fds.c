/* fds.c — see fds.h. */
#include "fds.h"

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <sys/resource.h>

int fds_open_count(void)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return -1;
    int count = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        count += e->d_name[0] != '.';
    closedir(dir);
    /* The directory stream itself held one fd while we counted. */
    return count - 1;
}

long fds_raise_limit(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == -1)
        return -1;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &lim) == -1 && getrlimit(RLIMIT_NOFILE, &lim) == -1)
            return -1;
    }
    return lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur > LONG_MAX ? LONG_MAX : (long)lim.rlim_cur;
}
