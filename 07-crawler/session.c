/* session.c — see session.h. */
#include "session.h"
#include "curl_loop.h"
#include "links.h"

#include "check.h"
#include "fds.h"
#include "loop.h"
#include "task.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

struct run {
    struct session *s;
    session_body *body;
    void *arg;
    int rc;
};

static void on_stop_signal(struct loop *loop, void *arg)
{
    (void)loop;
    struct session *s = arg;
    s->interrupted = true;
    if (s->main)
        task_cancel(s->main); /* the body's current await returns -ECANCELED */
}

static void *main_task(void *arg)
{
    struct run *run = arg;
    run->s->main = current_task();
    run->rc = run->body(run->s, run->arg);
    run->s->main = NULL;
    return NULL;
}

const char *session_url(struct session *s, const char *path)
{
    static char url[512];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    return url;
}

int session_run(const struct site_options *site_opts, session_body *body, void *arg,
                int *fds_leaked)
{
    int fds_before = fds_open_count();
    struct session s = {0};
    pid_t site_pid = 0;
    struct site *site = NULL;
    if (site_opts) {
        char why[128];
        site = site_new(site_opts, why, sizeof why);
        if (!site)
            die("the local site: %s", why);
        site_pid = site_spawn(site, 0, &s.port);
        snprintf(s.base, sizeof s.base, "http://127.0.0.1:%d", s.port);
        s.site_reachable = site_reachable(site);
    }
    s.loop = loop_new();
    s.cl = curl_loop_new(s.loop);
    loop_add_signal_handler(s.loop, SIGINT, on_stop_signal, &s);
    loop_add_signal_handler(s.loop, SIGTERM, on_stop_signal, &s);
    struct run run = {&s, body, arg, 0};
    async_run_on(s.loop, main_task, &run, NULL);
    curl_loop_free(s.cl);
    loop_close(s.loop);
    if (site_pid && site_stop(site_pid) != 0)
        fprintf(stderr, "%s: the local site did not end cleanly\n", program_invocation_short_name);
    if (site)
        site_free(site);
    links_cleanup();
    if (fds_leaked)
        *fds_leaked = fds_open_count() - fds_before;
    return run.rc;
}
