/*
 * four_ways.c — the same crawl four ways: one after another, a pool of threads doing
 * blocking fetches, libcurl's multi handle with plain callbacks, and coroutines (tasks)
 * on the lab's loop.
 *
 * A0 §3.1 「回调、协程、绿程、线程对比」 and A3 compare the models in a table of words;
 * here they crawl the same local site (pages answered after --delay) and one table says
 * what each cost: wall time, CPU time, peak memory, threads, connections the site
 * counted, and the lines a reader writes (ways_*.c).
 * Watch: one after another takes pages x delay; the three concurrent ways take about
 * pages x delay / concurrency. The threads pay a stack each and a lock around the
 * shared frontier; the callbacks carry the crawl's state by hand from callback to
 * callback; the tasks read like the sequential loop. Each way runs in a child process,
 * so its peak memory is its own.
 */
#include "site.h"
#include "site_counts.h"
#include "ways.h"
#include "ways_callbacks.h"
#include "ways_coroutines.h"
#include "ways_sequential.h"
#include "ways_threads.h"

#include "args.h"
#include "check.h"
#include "full_io.h"
#include "results.h"
#include "table.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct measured {
    struct way_result r;
    double wall, cpu;
    long rss_kib;
};

typedef void way_fn(const char *start, long max_pages, long concurrency, struct way_result *r);

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Run one way in a child process: its own peak memory and CPU time, sent back on a pipe. */
static int run_way(way_fn *way, const char *start, long pages, long concurrency, struct measured *m)
{
    int fds[2];
    CHECK_SYS(pipe(fds));
    pid_t pid = xfork();
    if (pid == 0) {
        close(fds[0]);
        struct measured out = {0};
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        way(start, pages, concurrency, &out.r);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        out.wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        out.cpu = seconds(ru.ru_utime) + seconds(ru.ru_stime);
        out.rss_kib = ru.ru_maxrss;
        bool sent = write_all(fds[1], &out, sizeof out);
        close(fds[1]);
        _exit(sent ? 0 : 1);
    }
    close(fds[1]);
    int ok = read_all(fds[0], m, sizeof *m) == (ssize_t)sizeof *m;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    long pages = 100, concurrency = 20;
    bool quick = false;
    struct site_options so = SITE_DEFAULTS;
    so.delay = 0.03;
    const struct opt opts[] = {
        OPT_INT("pages", "N", &pages, 2, 100000, "pages of the local site to crawl"),
        OPT_DOUBLE("delay", "S", &so.delay, 0, 10, "seconds the site waits before each page"),
        OPT_INT("concurrency", "N", &concurrency, 1, 1000, "threads, slots or tasks (fetches in flight)"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&pages, 40),
        OPT_QUICK_DOUBLE(&so.delay, 0.02),
        OPT_END,
    };
    args_parse(argc, argv, "The same crawl one after another, on threads, with callbacks and "
                           "with coroutines: one table of what each cost.", opts);
    so.pages = pages;
    char why[128];
    struct site *site = site_new(&so, why, sizeof why);
    if (!site)
        args_error("%s", why);
    int port;
    pid_t site_pid = site_spawn(site, 0, &port);
    char start[64];
    snprintf(start, sizeof start, "http://127.0.0.1:%d/", port);
    curl_global_init(CURL_GLOBAL_ALL);

    static const struct {
        const char *name, *key;
        way_fn *fn;
        const int *lines;
    } ways[] = {
        {"one after another", "sequential", way_sequential, &way_sequential_lines},
        {"threads, blocking fetches", "threads", way_threads, &way_threads_lines},
        {"multi handle, callbacks", "callbacks", way_callbacks, &way_callbacks_lines},
        {"coroutines on the loop", "coroutines", way_coroutines, &way_coroutines_lines},
    };
    struct table *t = table_new("way|pages|wall s|CPU s|peak MiB|threads|connections|lines");
    int failed = 0;
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        struct measured m;
        struct site_counts c = {0};
        site_counts_reset_blocking(port);
        struct site_counts before;
        site_counts_get_blocking(port, &before);
        if (run_way(ways[i].fn, start, pages, concurrency, &m) < 0 ||
            site_counts_get_blocking(port, &c) < 0) {
            failed = 1;
            continue;
        }
        table_row(t, "%s|%ld|%.3f|%.3f|%.1f|%d|%ld|%d", ways[i].name, m.r.pages, m.wall, m.cpu,
                  (double)m.rss_kib / 1024, m.r.threads, c.connections - before.connections,
                  *ways[i].lines);
        char name[64];
        snprintf(name, sizeof name, "four_ways.%s.wall", ways[i].key);
        result_record(name, m.wall, "s");
        snprintf(name, sizeof name, "four_ways.%s.pages", ways[i].key);
        result_record(name, (double)m.r.pages, "count");
    }
    table_print(t);
    table_free(t);
    printf("ideal: one after another %.2f s (pages x delay); concurrent %.2f s (/ %ld)\n",
           (double)pages * so.delay, (double)pages * so.delay / (double)concurrency, concurrency);
    curl_global_cleanup();
    site_stop(site_pid);
    site_free(site);
    return failed;
}
