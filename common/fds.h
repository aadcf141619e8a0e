/*
 * fds.h — the process's file descriptors: how many are open, and how many may be.
 *
 * A server that forgets to close a connection leaks an fd; the tests count them before
 * and after to prove nothing leaked. A process holding 10,000 connections needs 10,000
 * fds, more than the usual soft limit of 1024: raise it up to the hard limit first.
 */
#ifndef LAB_FDS_H
#define LAB_FDS_H

/* How many fds the process has open now (read from /proc/self/fd), or -1. */
int fds_open_count(void);

/*
 * Raise the soft RLIMIT_NOFILE to the hard limit (an unprivileged process may go that
 * far, no further). Returns the soft limit now in force (LONG_MAX for unlimited), or -1
 * if it cannot be read.
 */
long fds_raise_limit(void);

#endif
