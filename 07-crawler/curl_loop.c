/* curl_loop.c — see curl_loop.h for the protocol, step by step. */
#include "curl_loop.h"

#include "check.h"
#include "loop.h"
#include "say.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* One per transfer: what CURLOPT_PRIVATE points to. */
struct transfer {
    curl_loop_done *done;
    void *arg;
};

/* One per socket libcurl asked us to watch: what curl_multi_assign attaches to it. */
struct watch {
    struct curl_loop *cl;
    curl_socket_t fd;
    bool parked; /* REMOVEd by libcurl, kept open in its pool: the loop still reads it */
};

/* What this file knows of an fd number (indexed by fd). */
struct fd_info {
    struct watch *watch; /* announced and not yet forgotten, parked or not */
    bool pooled;         /* a connection's socket, opened by on_open_socket and not closed */
    bool closed;         /* a socket of that number was closed before (to count reuse) */
};

struct curl_loop {
    struct loop *loop;
    CURLM *multi;
    struct loop_handle timer;
    bool in_callback; /* inside one of libcurl's callbacks: calling libcurl is forbidden */
    bool trace;
    long running;
    struct curl_loop_stats stats;
    struct fd_info *fds;
    size_t fds_cap;
    CURL **idle; /* easy handles given back, with their options, for the next transfers */
    size_t idle_count, idle_cap;
};

static void on_timer(struct loop *loop, void *arg);
static void on_readable(struct loop *loop, void *arg);
static void on_writable(struct loop *loop, void *arg);

/* ---- libcurl's callbacks: they change what the loop watches, and open and close sockets ---- */

static const char *what_name(int what)
{
    static const char *const names[] = {"NONE", "IN", "OUT", "INOUT", "REMOVE"};
    return what >= 0 && what <= 4 ? names[what] : "?";
}

static struct fd_info *info_of(struct curl_loop *cl, curl_socket_t fd)
{
    if ((size_t)fd >= cl->fds_cap)
        cl->fds = grow_array_zeroed(cl->fds, &cl->fds_cap, (size_t)fd + 1, sizeof *cl->fds,
                                    "curl_loop: fds");
    return &cl->fds[fd];
}

/* The loop stops watching the fd, and its watch is freed: libcurl is done with it. */
static void forget(struct curl_loop *cl, struct watch *w)
{
    loop_remove_reader(cl->loop, w->fd); /* the fd may be closed already: both tolerate it */
    loop_remove_writer(cl->loop, w->fd);
    info_of(cl, w->fd)->watch = NULL;
    free(w);
}

/* REMOVE for a connection going back to libcurl's pool, open: its reader stays, so the
 * next transfer on it, which asks for IN again, costs the kernel nothing (two epoll_ctl
 * calls a transfer otherwise: a DEL now, an ADD then). A writer goes: an idle socket is
 * always writable. */
static void park(struct curl_loop *cl, struct watch *w)
{
    loop_remove_writer(cl->loop, w->fd);
    w->parked = true;
    cl->stats.parked++;
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *clientp, void *socketp)
{
    (void)easy;
    struct curl_loop *cl = clientp;
    struct watch *w = socketp;
    struct fd_info *info = info_of(cl, fd);
    cl->stats.socket_calls++;
    if (cl->trace)
        say("curl: socket fd %d %s%s", (int)fd, what_name(what),
            w || info->watch ? "" : " (new to the loop)");
    if (what == CURL_POLL_REMOVE) {
        if (!w)
            return 0; /* never announced: nothing to undo */
        cl->stats.fds_removed++;
        if (info->pooled)
            park(cl, w); /* libcurl forgets socketp now; the watch waits in info->watch */
        else
            forget(cl, w); /* a socket libcurl closes itself: the number may come back */
        return 0;
    }
    if (!w && info->watch) { /* libcurl forgot it at its REMOVE: a parked connection */
        w = info->watch;
        curl_multi_assign(cl->multi, fd, w);
    } else if (!w) {
        w = xmalloc(sizeof *w);
        *w = (struct watch){cl, fd, false};
        info->watch = w;
        curl_multi_assign(cl->multi, fd, w);
        cl->stats.fds_registered++;
        if (info->closed)
            cl->stats.fds_reused++;
    }
    if (w->parked) { /* in use again: the same socket, its reader still in the loop */
        w->parked = false;
        cl->stats.unparked++;
    }
    int err = 0;
    if (what & CURL_POLL_IN)
        err = loop_add_reader(cl->loop, fd, on_readable, w);
    else
        loop_remove_reader(cl->loop, fd);
    if (!err && (what & CURL_POLL_OUT))
        err = loop_add_writer(cl->loop, fd, on_writable, w);
    else if (!err)
        loop_remove_writer(cl->loop, fd);
    return err ? -1 : 0; /* -1 would make libcurl fail every transfer: only if the loop refuses */
}

/* Every connection's socket is opened here and closed in on_close_socket, so this file
 * knows which fds stay open in libcurl's pool after their REMOVE. */
static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose,
                                    struct curl_sockaddr *address)
{
    struct curl_loop *cl = clientp;
    curl_socket_t fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd == CURL_SOCKET_BAD)
        return fd;
    struct fd_info *info = info_of(cl, fd);
    if (info->watch) /* closed without on_close_socket: that socket is gone, not this one */
        forget(cl, info->watch);
    info->pooled = purpose == CURLSOCKTYPE_IPCXN;
    return fd;
}

static int on_close_socket(void *clientp, curl_socket_t fd)
{
    struct curl_loop *cl = clientp;
    struct fd_info *info = info_of(cl, fd);
    if (cl->trace)
        say("curl: close fd %d%s", (int)fd, info->watch ? " (the loop stops watching it)" : "");
    if (info->watch) /* parked: no REMOVE comes for it. The loop lets go before the close. */
        forget(cl, info->watch);
    info->pooled = false;
    info->closed = true;
    return close(fd);
}

static int on_timer_change(CURLM *multi, long timeout_ms, void *clientp)
{
    (void)multi;
    struct curl_loop *cl = clientp;
    cl->stats.timer_calls++;
    if (cl->trace)
        say("curl: timer %ld ms%s", timeout_ms, timeout_ms < 0 ? " (delete)" : "");
    loop_cancel(cl->loop, cl->timer); /* one timer: each call replaces the last */
    if (timeout_ms < 0) {
        cl->stats.timer_deletes++;
        return 0;
    }
    if (timeout_ms == 0)
        cl->stats.zero_timers++; /* "now" — but not from in here: from the loop, next turn */
    cl->timer = loop_call_later(cl->loop, (double)timeout_ms / 1000, on_timer, cl);
    return 0;
}

/* ---- the loop's side: an fd is ready, or the timer is due: tell libcurl, then drain ---- */

static void drain_completions(struct curl_loop *cl)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(cl->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle; /* read it all before remove_handle frees msg */
        CURLcode result = msg->data.result;
        struct transfer *t;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
        curl_multi_remove_handle(cl->multi, easy);
        cl->running--;
        cl->stats.completions++;
        if (cl->trace)
            say("curl: transfer done: %s", curl_easy_strerror(result));
        curl_loop_done *done = t->done;
        void *arg = t->arg;
        free(t);
        done(easy, result, arg);
    }
}

static void action(struct curl_loop *cl, curl_socket_t fd, int bits)
{
    if (cl->in_callback) {
        cl->stats.reentrant_calls++; /* what this file exists to make impossible */
        return;
    }
    int running;
    cl->in_callback = true;
    CURLMcode rc = curl_multi_socket_action(cl->multi, fd, bits, &running);
    cl->in_callback = false;
    cl->stats.actions++;
    if (rc != CURLM_OK) /* "the state of all transfers are uncertain": a bug, not a fault */
        die("curl_multi_socket_action: %s", curl_multi_strerror(rc));
    drain_completions(cl);
}

static void on_readable(struct loop *loop, void *arg)
{
    (void)loop;
    struct watch *w = arg;
    if (w->parked) { /* an idle connection readable: the server closed it (or misbehaves) */
        loop_remove_reader(w->cl->loop, w->fd); /* libcurl finds out when it reuses it */
        w->cl->stats.parked_woken++;
        return;
    }
    action(w->cl, w->fd, CURL_CSELECT_IN);
}

static void on_writable(struct loop *loop, void *arg)
{
    (void)loop;
    struct watch *w = arg;
    action(w->cl, w->fd, CURL_CSELECT_OUT);
}

static void on_timer(struct loop *loop, void *arg)
{
    (void)loop;
    struct curl_loop *cl = arg;
    if (cl->trace)
        say("loop: curl's timer is due");
    action(cl, CURL_SOCKET_TIMEOUT, 0);
}

/* ---- transfers ---- */

struct curl_loop *curl_loop_new(struct loop *loop)
{
    /* Counted by libcurl: each curl_loop_new has its curl_loop_free's cleanup. Thread-safe
     * where curl_version_info says CURL_VERSION_THREADSAFE (Debian 12's does). */
    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
        die("curl_global_init failed");
    struct curl_loop *cl = xcalloc(1, sizeof *cl);
    cl->loop = loop;
    cl->multi = curl_multi_init();
    if (!cl->multi)
        die("curl_multi_init failed");
    curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
    curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, on_timer_change);
    curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
    return cl;
}

CURLM *curl_loop_multi(struct curl_loop *cl)
{
    return cl->multi;
}

void curl_loop_trace(struct curl_loop *cl, bool on)
{
    cl->trace = on;
}

CURL *curl_loop_easy(struct curl_loop *cl, bool *fresh)
{
    *fresh = cl->idle_count == 0;
    if (cl->idle_count)
        return cl->idle[--cl->idle_count];
    CURL *easy = curl_easy_init();
    if (!easy)
        die("curl_easy_init failed");
    return easy;
}

void curl_loop_easy_release(struct curl_loop *cl, CURL *easy)
{
    if (cl->idle_count == cl->idle_cap)
        cl->idle = grow_array(cl->idle, &cl->idle_cap, cl->idle_count + 1, sizeof *cl->idle,
                              "curl_loop: idle");
    cl->idle[cl->idle_count++] = easy;
}

int curl_loop_add(struct curl_loop *cl, CURL *easy, curl_loop_done *done, void *arg)
{
    struct transfer *t = xmalloc(sizeof *t);
    *t = (struct transfer){done, arg};
    curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, cl);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, cl);
    if (cl->trace)
        say("loop: curl_multi_add_handle");
    if (curl_multi_add_handle(cl->multi, easy) != CURLM_OK) {
        free(t);
        return -EINVAL;
    }
    cl->running++;
    return 0;
}

void curl_loop_remove(struct curl_loop *cl, CURL *easy)
{
    struct transfer *t;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
    if (cl->trace)
        say("loop: curl_multi_remove_handle (cancelled)");
    if (curl_multi_remove_handle(cl->multi, easy) == CURLM_OK) {
        free(t);
        cl->running--;
    }
}

long curl_loop_running(const struct curl_loop *cl)
{
    return cl->running;
}

struct curl_loop_stats curl_loop_get_stats(const struct curl_loop *cl)
{
    return cl->stats;
}

void curl_loop_free(struct curl_loop *cl)
{
    if (cl->running)
        die("curl_loop_free: %ld transfers still running: remove them first", cl->running);
    while (cl->idle_count)
        curl_easy_cleanup(cl->idle[--cl->idle_count]);
    free(cl->idle);
    curl_multi_cleanup(cl->multi); /* may still call on_socket (cached connections closing) */
    loop_cancel(cl->loop, cl->timer);
    for (size_t fd = 0; fd < cl->fds_cap; fd++) /* closed without a REMOVE: forgotten too */
        if (cl->fds[fd].watch)
            forget(cl, cl->fds[fd].watch);
    free(cl->fds);
    free(cl);
    curl_global_cleanup();
}
