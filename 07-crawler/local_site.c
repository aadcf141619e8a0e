/*
 * local_site.c — the local test site every crawler of this chapter fetches from, bound
 * to 127.0.0.1: the httpbin.org endpoints the articles call (/delay/N, /status/N, /html,
 * /json), a generated site of linked pages, and faults (site.h lists them).
 *
 * Stands in for https://httpbin.org in A2 「异步网络请求」 and A3 「异步HTTP请求实现」, and
 * for the sites A0 §6 「综合案例」 and A3 「构建高性能爬虫」 crawl: nothing here reaches the
 * internet. It counts what it served (GET /stats): connections opened, the most
 * requests in flight at once, hits per path, so a crawler's limits and its reuse of
 * connections are read from the server's side.
 *
 *     build/07-crawler/local_site --port 8080 --seconds 0 &
 *     curl http://127.0.0.1:8080/page/3 ; curl http://127.0.0.1:8080/stats
 */
#include "args.h"
#include "httpd.h"
#include "loop.h"
#include "site.h"

#include <signal.h>
#include <stdio.h>

static void stop_loop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

int main(int argc, char **argv)
{
    struct site_options so = SITE_DEFAULTS;
    long port = 0, seed = 1;
    double seconds = 3;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("port", "N", &port, 0, 65535, "TCP port on 127.0.0.1 (0: any free port)"),
        OPT_INT("pages", "N", &so.pages, 1, 1000000, "pages of the generated site"),
        OPT_INT("links", "N", &so.links, 1, 100, "links on each page"),
        OPT_INT("depth", "N", &so.depth, 0, 100, "levels of pages below the root (0: as few as the pages need)"),
        OPT_INT("seed", "N", &seed, 0, 1L << 62, "seed of the links' layout"),
        OPT_DOUBLE("delay", "S", &so.delay, 0, 60, "seconds before each page is answered"),
        OPT_FLAG("jitter", &so.jitter, "each page its own delay, from 0 to --delay (seeded)"),
        OPT_INT("huge", "BYTES", &so.huge_bytes, 1, 1L << 32, "size of /huge's chunked body"),
        OPT_DOUBLE("seconds", "S", &seconds, 0, 86400, "how long to serve (0: until Ctrl-C)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&seconds, 0.5),
        OPT_END,
    };
    args_parse(argc, argv,
               "The chapter's local test site on 127.0.0.1: httpbin endpoints, a generated "
               "site of linked pages, faults. Prints its counts when it stops.",
               opts);
    so.seed = (uint64_t)seed;
    char why[128];
    struct site *site = site_new(&so, why, sizeof why);
    if (!site)
        args_error("%s", why);

    int fd = httpd_listen(port, 4096);
    struct loop *loop = loop_new();
    struct httpd *server = site_serve(site, loop, fd);
    printf("listening on 127.0.0.1:%d, %ld pages (%ld links each, %ld levels), %ld paths "
           "reachable from /\n",
           httpd_port(fd), so.pages, so.links, site_depth(site), site_reachable(site));
    fflush(stdout);
    loop_add_signal_handler(loop, SIGINT, stop_loop, NULL);
    loop_add_signal_handler(loop, SIGTERM, stop_loop, NULL);
    if (seconds > 0)
        loop_call_later(loop, seconds, stop_loop, NULL);
    loop_run_forever(loop);
    site_report(site, server, stdout);
    httpd_close(server);
    loop_close(loop);
    site_free(site);
    return 0;
}
