/*
 * session.h — what every program of this chapter does around its idea: a loop, one
 * curl_loop (one multi handle: one connection pool and one DNS cache, shared by every
 * request, as A0 §5's single `aiohttp.ClientSession` is), the local test site started
 * in a child when the program is not given URLs, and Ctrl-C (SIGINT, SIGTERM) turned
 * into a cancel of the main task. Afterwards: the site stopped, the multi handle
 * cleaned up, and the fds counted, so a leak shows.
 *
 *     static int body(struct session *s, void *arg) { ... fetch(s->cl, url, ...) ... }
 *     int rc = session_run(&site_options, body, arg);   // NULL: no local site
 */
#ifndef SESSION_H
#define SESSION_H

#include "site.h"

#include <stdbool.h>

struct curl_loop;
struct loop;

struct session {
    struct loop *loop;
    struct curl_loop *cl;
    int port;            /* the local site's port, 0 if none was started */
    char base[64];       /* "http://127.0.0.1:PORT" */
    long site_reachable; /* paths a correct crawl of it fetches */
    bool interrupted;    /* Ctrl-C or SIGTERM arrived */
    struct task *main;
};

typedef int session_body(struct session *s, void *arg);

/*
 * Run body as the main task. Returns its result; dies if the site cannot start. After
 * it, *fds_leaked (if not NULL) is the fds open now minus before (0: none leaked).
 */
int session_run(const struct site_options *site, session_body *body, void *arg, int *fds_leaked);

/*
 * asyncio.gather(*(fn(arg) for arg in args), return_exceptions=True): fn(args + i*stride)
 * for i in [0, n), each a task named name-i, all awaited. 0, or -ECANCELED if this task
 * was cancelled (the tasks are then cancelled too, and awaited).
 */
#include "task.h"
int session_gather(const char *name, long n, task_fn *fn, void *args, size_t stride);

/* "http://127.0.0.1:PORT" + path, in a static buffer per call site's use (copy it). */
const char *session_url(struct session *s, const char *path);

#endif
