/* site_counts.c — see site_counts.h. */
#include "site_counts.h"
#include "fetch.h"

#include <errno.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int get(struct curl_loop *cl, int port, const char *path, struct fetch_result *r)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    struct fetch_options o = FETCH_DEFAULTS;
    int err = fetch(cl, url, &o, r);
    if (!err && (r->status != 200 || !r->body))
        err = -EIO;
    return err;
}

static void parse(char *text, struct site_counts *out)
{
    *out = (struct site_counts){0};
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char path[512];
        long hits;
        if (sscanf(line, "path %511s hits %ld", path, &hits) == 2) {
            out->paths++;
            out->hits += hits;
            out->paths_again += hits > 1;
            out->most_hits = hits > out->most_hits ? hits : out->most_hits;
            out->traps += strncmp(path, "/trap/", 6) == 0 ? hits : 0;
            continue;
        }
        sscanf(line, "connections %ld", &out->connections);
        sscanf(line, "requests %ld", &out->requests);
        sscanf(line, "in_flight_peak %ld", &out->in_flight_peak);
        sscanf(line, "early_retries %ld", &out->early_retries);
        sscanf(line, "reachable %ld", &out->reachable);
    }
}

int site_counts_get(struct curl_loop *cl, int port, struct site_counts *out)
{
    struct fetch_result r;
    *out = (struct site_counts){0};
    int err = get(cl, port, "/stats", &r);
    if (!err)
        parse(r.body, out);
    fetch_result_free(&r);
    return err;
}

static size_t keep(char *data, size_t size, size_t n, void *arg)
{
    FILE *f = arg;
    return fwrite(data, size, n, f) * size;
}

/* GET path with a blocking easy transfer: its body in *text (malloc'd). */
static int get_blocking(int port, const char *path, char **text)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    size_t len;
    FILE *f = open_memstream(text, &len);
    CURL *easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(easy);
    curl_easy_cleanup(easy);
    fclose(f);
    return rc == CURLE_OK ? 0 : -EIO;
}

int site_counts_get_blocking(int port, struct site_counts *out)
{
    char *text;
    int err = get_blocking(port, "/stats", &text);
    if (!err)
        parse(text, out);
    free(text);
    return err;
}

int site_counts_reset_blocking(int port)
{
    char *text;
    int err = get_blocking(port, "/stats/reset", &text);
    free(text);
    return err;
}

int site_counts_hits(struct curl_loop *cl, int port, const char *path, long *hits, double *first,
                     double *last)
{
    struct fetch_result r;
    *hits = 0;
    *first = *last = 0;
    int err = get(cl, port, "/stats", &r);
    for (char *line = err ? NULL : strtok(r.body, "\n"); line; line = strtok(NULL, "\n")) {
        char p[512];
        long n;
        double f, l;
        if (sscanf(line, "path %511s hits %ld first %lf last %lf", p, &n, &f, &l) == 4 &&
            strcmp(p, path) == 0) {
            *hits = n;
            *first = f;
            *last = l;
        }
    }
    fetch_result_free(&r);
    return err;
}

int site_counts_reset(struct curl_loop *cl, int port)
{
    struct fetch_result r;
    int err = get(cl, port, "/stats/reset", &r);
    fetch_result_free(&r);
    return err;
}
