/*
 * proc.h — numbers Linux publishes under /proc, for the programs that report what
 * something costs: this process's resident memory, and a kernel setting.
 *
 * /proc files are text made up on the spot by the kernel when read: a program reads
 * them like any file and parses the numbers out.
 */
#ifndef LAB_PROC_H
#define LAB_PROC_H

/*
 * This process's resident set (RSS: the pages of its memory actually in RAM) in bytes,
 * from /proc/self/statm; -1 if it cannot be read. Memory reserved but never touched
 * does not count: that is what makes it the honest measure of what a thing costs.
 */
long proc_self_rss_bytes(void);

/*
 * A line of /proc/meminfo, such as "Slab:" (the kernel's own objects: sockets, files,
 * inodes...) or "KernelStack:", in KiB (the field's name without its colon); -1 if it
 * cannot be read. System-wide: whatever else runs on the machine moves it too.
 */
long proc_meminfo_kib(const char *field);

/*
 * The number at the start of a one-number /proc file, such as
 * /proc/sys/net/core/somaxconn; `fallback` if the file cannot be read or holds none.
 */
long proc_read_long(const char *path, long fallback);

#endif
