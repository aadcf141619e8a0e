/*
 * 07-curl_multi.c — the least a program can do to fetch N URLs C at a time with libcurl:
 * one multi handle, curl_multi_perform + curl_multi_poll, C easy handles each reused for
 * the next URL as soon as its transfer ends, bodies thrown away. The bench measures
 * chapter 07's crawler against it (CPU per page), so the cost of the crawler's loop,
 * tasks and policies is a ratio, not a guess. CPU is counted from the first handle's
 * set-up to the last transfer's end, as the crawler counts its own: the start of the
 * process and curl_global_init (loading and initialising libcurl's TLS library: tens
 * of milliseconds) are outside, on both sides.
 *
 *     07-curl_multi BASE-URL PAGES CONCURRENCY   (fetches BASE/page/1 .. BASE/page/PAGES)
 */
#include "results.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    (void)arg;
    return size * n;
}

static void add(CURLM *multi, CURL *easy, const char *base, long page)
{
    char url[256];
    snprintf(url, sizeof url, "%s/page/%ld", base, page);
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_multi_add_handle(multi, easy);
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s BASE-URL PAGES CONCURRENCY\n", argv[0]);
        return 2;
    }
    const char *base = argv[1];
    long pages = atol(argv[2]), concurrency = atol(argv[3]), next = 1, done = 0;
    curl_global_init(CURL_GLOBAL_ALL);
    CURLM *multi = curl_multi_init();
    CURL **easy = calloc((size_t)concurrency, sizeof *easy);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double cpu0 = cpu_seconds();
    for (long i = 0; i < concurrency; i++) {
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L); /* no SIGPIPE dance per transfer */
    }
    for (; next <= pages && next <= concurrency; next++)
        add(multi, easy[next - 1], base, next);
    int running = 1;
    while (done < pages) {
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *ended = msg->easy_handle;
            curl_multi_remove_handle(multi, ended);
            done++;
            if (next <= pages)
                add(multi, ended, base, next++); /* the same handle: its buffers kept */
        }
        if (done < pages)
            curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double cpu = cpu_seconds() - cpu0;
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%ld pages, %ld at a time: %.3f s, %.1f us CPU a page\n", pages, concurrency, wall,
           cpu * 1e6 / (double)pages);
    result_record("curl_multi.cpu_us_per_page", cpu * 1e6 / (double)pages, "us");
    result_record("curl_multi.wall", wall, "s");
    for (long i = 0; i < concurrency; i++)
        curl_easy_cleanup(easy[i]);
    free(easy);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return 0;
}
