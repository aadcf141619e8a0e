/* proc.c — see proc.h. */
#include "proc.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

long proc_self_rss_bytes(void)
{
    long pages, resident;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    /* statm: the sizes in pages, the whole address space first, then the resident part. */
    int got = fscanf(f, "%ld %ld", &pages, &resident);
    fclose(f);
    return got == 2 ? resident * sysconf(_SC_PAGESIZE) : -1;
}

long proc_meminfo_kib(const char *field)
{
    char line[128];
    size_t len = strlen(field);
    long kib = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    /* Lines like "Slab:             121264 kB". */
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            if (sscanf(line + len + 1, "%ld", &kib) != 1)
                kib = -1;
            break;
        }
    fclose(f);
    return kib;
}

long proc_read_long(const char *path, long fallback)
{
    long value;
    FILE *f = fopen(path, "r");
    if (!f)
        return fallback;
    int got = fscanf(f, "%ld", &value);
    fclose(f);
    return got == 1 ? value : fallback;
}
