/*
 * crawl.c — a general crawler: worker tasks on the lab's loop, one libcurl multi handle
 * (the connection pool every request shares), links from an HTML parser.
 *
 * The crawler A0 §6 「综合案例：构建高性能异步应用」 (AsyncCrawler) and A3
 * 「构建高性能爬虫」 build, with every policy they have and those they lack: a per-host
 * limit on requests in flight, retries of transient failures only, with capped,
 * jittered back-off and Retry-After obeyed, a deadline per URL, caps on pages, depth,
 * redirects and body size, the start hosts only, a visited set.
 * Given URLs, it crawls them (real http(s):// ones too, when the machine is online);
 * given none, it starts the chapter's local test site and crawls that, then reads the
 * site's counts: every reachable page fetched once, no trap followed.
 * Watch: one line per page (status, bytes, attempts, time), then the summary. Ctrl-C:
 * every transfer removed, the report kept, exit 130.
 */
#include "crawler.h"
#include "curl_loop.h"
#include "session.h"
#include "site_counts.h"

#include "args.h"
#include "results.h"
#include "check.h"
#include "say.h"
#include "table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

struct job {
    char **urls;
    size_t n, owned; /* the last `owned` URLs came from --url-file */
    struct crawl_options o;
    const char *report_path;
};

static void print_summary(const struct crawl_stats *st)
{
    struct table *t = table_new("crawl|value");
    table_row(t, "URLs requested|%ld", st->requested);
    table_row(t, "ended 2xx|%ld", st->ok);
    table_row(t, "failed (an error, or not 2xx after the retries)|%ld", st->failed);
    table_row(t, "requests made (retries included)|%ld", st->attempts);
    table_row(t, "attempts timed out|%ld", st->timeouts);
    table_row(t, "bodies cut at the cap|%ld", st->cut);
    table_row(t, "most fetches in flight at once|%ld", st->in_flight_peak);
    table_row(t, "connections opened|%ld", st->connects);
    table_row(t, "bytes of bodies|%.0f", st->bytes);
    table_row(t, "wall time|%.3f s", st->seconds);
    table_print(t);
    table_free(t);
}

static double cpu_seconds(const struct rusage *r)
{
    return (double)(r->ru_utime.tv_sec + r->ru_stime.tv_sec) +
           (double)(r->ru_utime.tv_usec + r->ru_stime.tv_usec) / 1e6;
}

/* For the bench: this process's own CPU per URL (the site, when started, is another). */
static void record(const struct crawl_stats *st, const struct rusage *before,
                   const struct rusage *after)
{
    result_record("crawl.requested", (double)st->requested, "count");
    result_record("crawl.wall", st->seconds, "s");
    if (st->requested)
        result_record("crawl.cpu_us_per_page",
                      (cpu_seconds(after) - cpu_seconds(before)) * 1e6 / (double)st->requested, "us");
    result_record("crawl.peak_rss_kib", (double)after->ru_maxrss, "KiB");
}

static int body(struct session *s, void *arg)
{
    struct job *job = arg;
    char *site_root[1] = {(char *)s->base};
    char **urls = job->n ? job->urls : site_root;
    FILE *report = NULL;
    if (job->report_path) {
        report = fopen(job->report_path, "w");
        if (!report)
            die_errno(errno, "cannot write %s", job->report_path);
        crawl_report_header(report);
        job->o.report = report;
    }
    struct crawl_stats st;
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    int rc = crawl(s->cl, urls, job->n ? job->n : 1, &job->o, &st);
    getrusage(RUSAGE_SELF, &after);
    record(&st, &before, &after);
    if (report)
        fclose(report); /* what finished is in it, even after a Ctrl-C */
    if (rc == -ECANCELED)
        say("interrupted: %ld transfers left in the multi handle (%s), %ld URLs done",
            curl_loop_running(s->cl),
            curl_loop_running(s->cl) == 0 ? "every transfer removed" : "NOT all removed", st.requested);
    print_summary(&st);
    if (s->port && rc == 0) {
        struct site_counts c;
        if (site_counts_get(s->cl, s->port, &c) == 0) {
            say("the site served %ld paths (%ld reachable from /), %ld of them more than once; "
                "%ld hits on traps; %ld connections; at most %ld requests in flight",
                c.paths, c.reachable, c.paths_again, c.traps, c.connections, c.in_flight_peak);
            long want = c.reachable < job->o.max_pages ? c.reachable : job->o.max_pages;
            say("verdict: %s", c.paths == want && c.paths_again == 0 && c.traps == 0
                                   ? "every page it could reach fetched once, no trap followed"
                                   : "NOT every page it could reach exactly once, or a trap followed");
        }
    }
    return rc;
}

/* More start URLs, one a line, from a file (kept for the whole run). */
static void read_urls(const char *path, struct job *job)
{
    FILE *f = fopen(path, "r");
    if (!f)
        args_error("cannot read %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    for (ssize_t n; (n = getline(&line, &cap, f)) > 0;) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        job->urls = realloc(job->urls, (job->n + 1) * sizeof *job->urls);
        if (!job->urls)
            die("out of memory");
        job->urls[job->n++] = xstrdup(line);
        job->owned++;
    }
    free(line);
    fclose(f);
}

/* The URLs are the arguments with a scheme (x://); the rest are options. */
static size_t take_urls(int *argc, char **argv, char **urls)
{
    size_t n = 0;
    int kept = 1;
    for (int i = 1; i < *argc; i++) {
        if (argv[i][0] != '-' && strstr(argv[i], "://"))
            urls[n++] = argv[i];
        else
            argv[kept++] = argv[i];
    }
    *argc = kept;
    return n;
}

int main(int argc, char **argv)
{
    struct job job = {.urls = xcalloc((size_t)argc, sizeof(char *)), .o = CRAWL_DEFAULTS};
    struct crawl_options *o = &job.o;
    struct site_options so = SITE_DEFAULTS;
    long max_body = (long)o->fetch.max_body;
    bool quick = false;
    const char *url_file = NULL, *save_dir = NULL;
    o->per_host = 10;
    job.n = take_urls(&argc, argv, job.urls);
    const struct opt opts[] = {
        OPT_INT("concurrency", "N", &o->concurrency, 1, 10000, "worker tasks: fetches in flight at most"),
        OPT_INT("per-host", "N", &o->per_host, 0, 10000, "fetches in flight to one host (0: no limit)"),
        OPT_INT("depth", "N", &o->depth, 0, 100, "levels of links followed from the start URLs"),
        OPT_INT("max-pages", "N", &o->max_pages, 1, 10000000, "URLs requested at most"),
        OPT_DOUBLE("timeout", "S", &o->timeout, 0, 3600, "seconds per attempt (0: none)"),
        OPT_INT("retries", "N", &o->retry.retries, 0, 100, "retries of a transient failure"),
        OPT_INT("max-redirects", "N", &o->fetch.max_redirects, 0, 100, "redirects followed"),
        OPT_INT("max-body", "BYTES", &max_body, 1, 1L << 32, "bytes of a body kept; more fails it"),
        OPT_FLAG("any-host", &o->any_host, "follow links to other hosts too"),
        OPT_STRING("report", "FILE", &job.report_path, "a tab-separated line per URL requested"),
        OPT_STRING("url-file", "FILE", &url_file, "start URLs, one a line (besides the arguments)"),
        OPT_FLAG("quiet", &o->quiet, "no line per page"),
        OPT_STRING("save", "DIR", &save_dir, "save each page in DIR (an existing directory)"),
        OPT_INT("pages", "N", &so.pages, 1, 1000000, "without URLs: pages of the local site"),
        OPT_DOUBLE("delay", "S", &so.delay, 0, 60, "without URLs: the site's delay per page"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&so.pages, 30),
        OPT_END,
    };
    args_parse(argc, argv,
               "Crawl the URLs given (http:// or https://), or the chapter's local test site. "
               "Exit 0 when done, 1 if a URL failed, 130 after Ctrl-C.",
               opts);
    if (!job.n && !args_given(&o->depth))
        o->depth = 100; /* the local site: as deep as it goes */
    if (url_file)
        read_urls(url_file, &job);
    if (save_dir && (o->save_dir = open(save_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        args_error("--save %s: %s", save_dir, strerror(errno));
    o->fetch.max_body = (size_t)max_body;
    int leaked;
    int rc = session_run(job.n ? NULL : &so, body, &job, &leaked);
    say("fds left open: %d", leaked);
    if (save_dir)
        close(o->save_dir);
    for (size_t i = job.n - job.owned; i < job.n; i++)
        free(job.urls[i]);
    free(job.urls);
    return rc == -ECANCELED ? 130 : rc ? 1 : 0;
}
