/* Unit tests of common/proc: RSS follows the memory a process touches; one-number files. */
#include "check.h"
#include "proc.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { TOUCHED = 8 << 20 };

int main(void)
{
    long before = proc_self_rss_bytes();
    ok(before > 0, "this process has a resident set (%ld KiB)", before / 1024);
    char *block = xmalloc(TOUCHED);
    long reserved = proc_self_rss_bytes();
    volatile char *pages = block; /* volatile: the writes must happen, though never read */
    for (size_t i = 0; i < TOUCHED; i += 4096)
        pages[i] = 1; /* only now does the kernel give the pages RAM */
    long touched = proc_self_rss_bytes();
    ok(touched - reserved >= TOUCHED * 7 / 8, "touching 8 MiB adds about that much to it (%ld KiB)",
       (touched - reserved) / 1024);
    free(block);

    long total = proc_meminfo_kib("MemTotal"), slab = proc_meminfo_kib("Slab");
    ok(total > 0 && slab > 0 && slab < total, "/proc/meminfo: Slab %ld KiB of MemTotal %ld KiB",
       slab, total);
    is_long(proc_meminfo_kib("Mem"), -1, "a prefix of a field is not the field: -1");

    long pid_max = proc_read_long("/proc/sys/kernel/pid_max", -1);
    ok(pid_max >= 300, "proc_read_long reads a kernel setting (pid_max %ld)", pid_max);
    is_long(proc_read_long("/proc/no/such/file", 42), 42, "a file that is not there: the fallback");

    char path[] = "/tmp/lab-proc-XXXXXX";
    int fd = mkstemp(path);
    CHECK_SYS(fd);
    CHECK_SYS(write(fd, "none\n", 5));
    close(fd);
    is_long(proc_read_long(path, 7), 7, "a file without a number: the fallback");
    unlink(path);
    return done_testing();
}
