/* leftovers.c — see leftovers.h. */
#include "leftovers.h"

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

/* ThreadSanitizer runs a thread of its own in the process, started with the first thread. */
#if defined(__SANITIZE_THREAD__) /* gcc */
#define TOOL_THREADS 1
#elif defined(__has_feature) /* clang */
#if __has_feature(thread_sanitizer)
#define TOOL_THREADS 1
#endif
#endif
#ifndef TOOL_THREADS
#define TOOL_THREADS 0
#endif

int leftover_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1 - TOOL_THREADS;
}

/* A process is our child when field 4 of its /proc/PID/stat (the parent's pid) is us. */
int leftover_children(void)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue; /* it ended while we looked */
        int ppid = 0;
        /* "pid (comm) state ppid": comm may hold spaces, so skip to the last ')'. */
        char line[512];
        if (fgets(line, sizeof line, f)) {
            char *close = NULL;
            for (char *p = line; *p; p++)
                if (*p == ')')
                    close = p;
            if (close)
                sscanf(close + 1, " %*c %d", &ppid);
        }
        fclose(f);
        if (ppid == getpid())
            n++;
    }
    closedir(d);
    return n;
}
