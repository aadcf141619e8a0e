/*
 * c10k_view.h — c10k's plumbing: its options, what it measures and prints (the server's own view,
 * its GET /stats; the kernel's, its memory for sockets; the report that puts them side by side),
 * the fd limit it needs and the server it starts.
 *
 * The kernel's objects (socket, file, epoll entry) are counted in /proc/meminfo's Slab,
 * which is system-wide: other programs blur it, and a difference too small to stand out
 * of that blur is reported as noise, not as a number. What the sockets hold in their
 * buffers is read per socket instead (/proc/net/tcp's tx_queue and rx_queue), for the
 * sockets of this run alone (those on the server's port): a sum of bytes queued, never
 * negative, and not blurred by anyone else's traffic.
 */
#ifndef C10K_VIEW_H
#define C10K_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct server_view { /* what GET /stats said */
    long open, fds, rss_kib;
};

/* Parse the server's /stats answer (JSON with "open", "fds" and "rss_kib"). */
bool server_view_parse(const char *body, size_t len, struct server_view *v);

struct kernel_view {
    long slab_kib;       /* the kernel's objects, system-wide (-1: unreadable) */
    long slab_noise_kib; /* how far Slab moved while it was read a few times */
    long sockets;        /* connected TCP sockets on the port, both ends (-1: unreadable) */
    long queued_bytes;   /* what they hold in their send and receive queues */
};

/* The kernel's view now, for the sockets whose local or remote port is `port`. */
struct kernel_view kernel_view_now(int port);

/* What a run saw, for the report. */
struct c10k_figures {
    long wanted, server_limit;
    long answered; /* connections answered at once (their first request) */
    long late;     /* answered only after the others closed */
    long never;    /* never answered at all (refused, reset, or still waiting) */
    long waiting_backlog, waiting_connecting, refused; /* the unanswered, at the count */
    double longest_wait; /* the longest a late one waited for its first answer, seconds */
    long answered_again;
    double open_seconds;
    struct server_view base, full, end;
    struct kernel_view kernel_base, kernel_full;
};

struct c10k_options {
    long connections;  /* to hold at once: what was asked for, or what the fd limit allows */
    long pace;         /* connections waiting for their first answer at once */
    long server_limit; /* the server's connection limit, its probe included */
    double hold;       /* seconds to hold them all */
};

/*
 * Parse c10k's options, and raise the fd limit to the hard limit (both processes need
 * one fd per connection, and a few more): a default run holds fewer connections when
 * the limit is lower (and says so); a number asked for that does not fit is refused.
 */
struct c10k_options c10k_options(int argc, char **argv);

/*
 * The chapter's server in a child process, taking at most `limit` connections at once,
 * listening on a port of 127.0.0.1 it returns in *port; and its end (SIGTERM, waited for).
 */
pid_t c10k_spawn_server(long limit, int *port);
void c10k_stop_server(pid_t server);

/* Print the table and what it means, and record it as c10k.* results. */
void c10k_report(const struct c10k_figures *f);

#endif
