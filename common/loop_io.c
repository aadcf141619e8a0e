/*
 * loop_io.c — readers and writers: which callback runs when an fd is ready.
 *
 * The loop keeps a table indexed by fd: the handle of each fd's reader and writer.
 * The backend only learns the union ("watch fd 7 for reading and writing"); when it
 * reports fd 7 readable, the reader's handle joins the ready queue. Removing the reader
 * frees its handle, so an event that was already queued for it finds nothing to run.
 */
#include "loop_private.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>

static struct fd_watch *watch_of(struct loop *loop, int fd)
{
    if ((size_t)fd >= loop->fds_cap)
        loop->fds = grow_array_zeroed(loop->fds, &loop->fds_cap, (size_t)fd + 1,
                                      sizeof *loop->fds, "loop's fd table");
    return &loop->fds[fd];
}

static unsigned events_of(const struct fd_watch *w)
{
    return (w->reader ? LOOP_READABLE : 0u) | (w->writer ? LOOP_WRITABLE : 0u);
}

/* Install (fn != NULL) or remove the callback for one direction of `fd`. */
static int set_watch(struct loop *loop, int fd, unsigned direction, const char *name,
                     loop_callback *fn, void *arg)
{
    loop_check_thread(loop, fn ? "loop_add_reader/writer" : "loop_remove_reader/writer");
    if (fd < 0)
        return -EBADF;
    if (!fn && (size_t)fd >= loop->fds_cap)
        return -ENOENT;
    struct fd_watch *w = watch_of(loop, fd);
    uint64_t *handle = direction == LOOP_READABLE ? &w->reader : &w->writer;
    if (!fn && !*handle)
        return -ENOENT;
    unsigned before = events_of(w);
    if (*handle)
        loop_slot_free(loop, *handle); /* a queued event for it will find nothing to run */
    *handle = fn ? loop_slot_new(loop, SLOT_IO, name, fn, arg) : 0;
    unsigned after = events_of(w);
    int rc = 0;
    if (before != after) { /* replacing a callback changes nothing the kernel knows */
        loop->stats.watch_changes++;
        rc = loop->backend->watch(loop->backend_state, fd, before, after);
    }
    if (rc < 0 && fn) { /* the kernel refused a new direction: forget it, as if never added */
        loop_slot_free(loop, *handle);
        *handle = 0;
        return rc;
    }
    loop->watched_fds += (after != 0) - (before != 0);
    return 0;
}

int loop_add_reader_named(struct loop *loop, int fd, const char *name, loop_callback *fn, void *arg)
{
    return set_watch(loop, fd, LOOP_READABLE, name, fn, arg);
}

int loop_add_writer_named(struct loop *loop, int fd, const char *name, loop_callback *fn, void *arg)
{
    return set_watch(loop, fd, LOOP_WRITABLE, name, fn, arg);
}

bool loop_remove_reader(struct loop *loop, int fd)
{
    return set_watch(loop, fd, LOOP_READABLE, NULL, NULL, NULL) == 0;
}

bool loop_remove_writer(struct loop *loop, int fd)
{
    return set_watch(loop, fd, LOOP_WRITABLE, NULL, NULL, NULL) == 0;
}

bool loop_has_reader(const struct loop *loop, int fd)
{
    return fd >= 0 && (size_t)fd < loop->fds_cap && loop->fds[fd].reader != 0;
}

bool loop_has_writer(const struct loop *loop, int fd)
{
    return fd >= 0 && (size_t)fd < loop->fds_cap && loop->fds[fd].writer != 0;
}

static void queue(struct loop *loop, uint64_t id)
{
    struct slot *s = loop_slot(loop, id);
    if (s && !s->queued) {
        s->queued = true;
        loop_ready_push(loop, id);
    }
}

void loop_io_dispatch(struct loop *loop, const struct loop_event *events, int n)
{
    for (int i = 0; i < n; i++) {
        int fd = events[i].fd;
        if (fd < 0 || (size_t)fd >= loop->fds_cap)
            continue;
        if (events[i].events & LOOP_READABLE)
            queue(loop, loop->fds[fd].reader);
        if (events[i].events & LOOP_WRITABLE)
            queue(loop, loop->fds[fd].writer);
    }
}

void loop_io_close(struct loop *loop)
{
    /* Closing the backend right after forgets every fd it watched: nothing to unwatch. */
    free(loop->fds);
    loop->fds = NULL;
    loop->fds_cap = 0;
    loop->watched_fds = 0;
}
