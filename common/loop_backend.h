/*
 * loop_backend.h — the one small interface between the event loop and the kernel.
 *
 * The loop asks a backend two things: "watch this fd for these events" and "wait up
 * to this long and tell me which fds are ready". Each backend is one small file:
 * loop_epoll.c (Linux: the kernel keeps the interest list, so a wait costs O(ready
 * fds)) and loop_poll.c (POSIX: the whole list is handed over on every wait, O(fds)).
 * Redis's ae.c is built the same way.
 */
#ifndef LAB_LOOP_BACKEND_H
#define LAB_LOOP_BACKEND_H

enum { LOOP_READABLE = 1, LOOP_WRITABLE = 2 };

struct loop_event {
    int fd;
    unsigned events; /* LOOP_READABLE | LOOP_WRITABLE; an error or hang-up sets both */
};

struct loop_backend {
    const char *name;
    /* The backend's state, or NULL with errno set. */
    void *(*open)(void);
    void (*close)(void *state);
    /* Change what `fd` is watched for, from `old` to `now` (either may be 0). 0 or -errno. */
    int (*watch)(void *state, int fd, unsigned old, unsigned now);
    /*
     * Wait up to `timeout_ms` (-1: no limit, 0: do not block) and fill `out` with at
     * most `max` ready fds. Returns how many (0 after a timeout or a signal).
     */
    int (*wait)(void *state, int timeout_ms, struct loop_event *out, int max);
};

extern const struct loop_backend loop_backend_poll;
#ifdef __linux__
extern const struct loop_backend loop_backend_epoll;
#endif

#endif
