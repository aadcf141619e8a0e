/*
 * curl_loop.h — one libcurl multi handle driven by the lab's event loop, through the
 * multi *socket* API (ASYNCIO-LAWS §5.1): libcurl says which sockets it wants watched
 * and when it wants to be woken; the loop does the watching and the waking, and calls
 * libcurl back with curl_multi_socket_action. What an asyncio program gets from aiohttp's
 * connector, here in the open.
 *
 * The protocol, as this file keeps it (read curl_loop.c in this order):
 *   socket callback  IN/OUT/INOUT: the loop's reader and writer for that fd follow what
 *                    libcurl asks (a change each time). REMOVE of a connection libcurl
 *                    keeps open in its pool (the end of each transfer on it): the socket
 *                    is parked — its writer goes, its reader stays, so the next transfer
 *                    on that connection, which asks for IN again, costs no epoll_ctl; if
 *                    a parked socket becomes readable (the server closed the idle
 *                    connection), its reader goes too and libcurl is not called. REMOVE
 *                    of any other socket: both go, and the fd's state is freed. A REMOVE
 *                    for an fd never announced is ignored.
 *   open / close     every connection's socket is opened by this file's open-socket
 *                    callback and closed by its close-socket callback (set on each
 *                    transfer): the close stops the loop watching it *before* close(2),
 *                    as loop.h asks, so an fd number announced again after a close (or
 *                    after the REMOVE of a socket libcurl closes itself, like the
 *                    threaded resolver's socketpair) is a new socket, registered afresh.
 *   timer callback   one non-repeating loop timer; each call replaces it; -1 deletes
 *                    it; 0 means "as soon as possible" — but libcurl is never called
 *                    from inside its own callbacks (since 7.82.0 it refuses:
 *                    CURLM_RECURSIVE_API_CALL), so 0 arms a loop timer of 0 s.
 *   events           a ready fd: curl_multi_socket_action(fd, IN/OUT bits); the timer:
 *                    curl_multi_socket_action(CURL_SOCKET_TIMEOUT).
 *   completions      drained after *every* socket_action (curl_multi_info_read), never
 *                    only when the running count drops: each finished transfer is
 *                    removed from the multi handle, then its done callback runs.
 *   cancel           curl_loop_remove, from the loop (never inside a libcurl callback).
 *   shutdown         curl_loop_free removes what is left, then curl_multi_cleanup,
 *                    which may still call the socket callback: the loop's state lives
 *                    until it returns.
 * Not thread-safe: one loop's thread only.
 */
#ifndef CURL_LOOP_H
#define CURL_LOOP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

struct loop;
struct curl_loop;

/* A transfer ended (result: CURLE_OK or why not); the easy handle is out of the multi. */
typedef void curl_loop_done(CURL *easy, CURLcode result, void *arg);

struct curl_loop_stats {
    uint64_t socket_calls, timer_calls, actions; /* callbacks received, socket_action calls */
    uint64_t completions;                        /* transfers drained as done */
    uint64_t fds_registered, fds_removed;        /* first IN/OUT of an fd, and REMOVEs */
    uint64_t fds_reused;      /* fd numbers announced again after their socket closed */
    uint64_t parked;          /* REMOVEs of a pooled connection: its reader kept */
    uint64_t unparked;        /* parked sockets announced again: no new registration */
    uint64_t parked_woken;    /* parked sockets found readable: their reader removed */
    uint64_t zero_timers;     /* timer callbacks of 0 ms: each became a loop timer */
    uint64_t timer_deletes;   /* timer callbacks of -1 */
    uint64_t reentrant_calls; /* socket_action called inside a libcurl callback: must be 0 */
};

/* curl_global_init (libcurl counts them) and a multi handle on `loop`. */
struct curl_loop *curl_loop_new(struct loop *loop);

/* Clean the multi handle up (its cached connections close) and free it. Every transfer
 * must have ended or been removed: it dies otherwise. */
void curl_loop_free(struct curl_loop *cl);

CURLM *curl_loop_multi(struct curl_loop *cl);

/* Print every callback and action with say() (the socket_api program shows them). */
void curl_loop_trace(struct curl_loop *cl, bool on);

/* An easy handle for a transfer: one given back before, with every option its last
 * transfer set and the buffers libcurl allocated for it (*fresh false), or a new one
 * (*fresh true: every option at its default). Reusing handles spares each transfer
 * libcurl's set-up of a handle (curl_easy_init, curl_easy_cleanup), and a caller that
 * sets the same options for every transfer (fetch.c) sets those once per handle: what
 * varies it sets each time. */
CURL *curl_loop_easy(struct curl_loop *cl, bool *fresh);

/* Give a handle back (out of the multi handle: done or removed) for the next transfer,
 * kept until curl_loop_free. Its options stay: none may point to memory that goes. */
void curl_loop_easy_release(struct curl_loop *cl, CURL *easy);

/* Start a transfer: `done` runs on the loop once it ends. 0, or -EINVAL (libcurl refused).
 * It owns CURLOPT_PRIVATE while the transfer runs. */
int curl_loop_add(struct curl_loop *cl, CURL *easy, curl_loop_done *done, void *arg);

/* Take a transfer out before it ends (a cancel): its done callback never runs. */
void curl_loop_remove(struct curl_loop *cl, CURL *easy);

/* Transfers added and not yet done or removed. */
long curl_loop_running(const struct curl_loop *cl);

struct curl_loop_stats curl_loop_get_stats(const struct curl_loop *cl);

#endif
