/* session.c — see session.h. */
#include "session.h"
#include "curl_loop.h"
#include "links.h"

#include "check.h"
#include "fds.h"
#include "loop.h"
#include "gather.h"
#include "future.h"
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

int session_gather(const char *name, long n, task_fn *fn, void *args, size_t stride)
{
    struct task **tasks = xcalloc((size_t)n + 1, sizeof *tasks);
    struct future **fs = xcalloc((size_t)n + 1, sizeof *fs);
    for (long i = 0; i < n; i++) {
        char task_name[32];
        snprintf(task_name, sizeof task_name, "%s-%ld", name, i + 1);
        tasks[i] = create_task(task_name, fn, (char *)args + (size_t)i * stride);
        if (!tasks[i])
            die_errno(errno, "create_task");
        fs[i] = task_future(tasks[i]);
    }
    struct future *all = gather(fs, (size_t)n, GATHER_RETURN_EXCEPTIONS);
    int err = await_future(all, NULL);
    if (err == -ECANCELED) /* the gather cancelled every task: wait until each has ended */
        for (long i = 0; i < n; i++)
            await_task(tasks[i], NULL);
    future_unref(all);
    for (long i = 0; i < n; i++)
        task_release(tasks[i]);
    free(tasks);
    free(fs);
    return err;
}
