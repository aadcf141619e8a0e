/*
 * site_reply.h — the local test site's ways of answering (site.c's routes use them) and
 * its faults, each on its own path (site.h lists them).
 */
#ifndef SITE_REPLY_H
#define SITE_REPLY_H

#include <stdbool.h>
#include <stddef.h>

struct http_request;
struct httpd_reply;
struct site;

/* The whole response, into the server's buffer if it fits, else into one of its own. */
void reply(struct httpd_reply *r, const struct http_request *req, int status, const char *type,
           const char *body, size_t len, const char *extra);

/* A short text (or JSON, when it starts with '{') response, formatted like printf. */
void reply_text(struct httpd_reply *r, const struct http_request *req, int status,
                const char *extra, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The number after `prefix` in target[0, len) ("/status/404"), up to the next '/' (*rest). */
bool number_after(const char *target, size_t len, const char *prefix, double *v, const char **rest);

/* The faults: /flaky, /ratelimit, /redirect, /loop, /never, /reset, /huge; else 404.
 * hits: how many times this path was asked for (this one counted); first: when first;
 * *early_retries grows by a /ratelimit retry that came before its Retry-After. */
void reply_fault(const struct http_request *req, long hits, double first, long huge_bytes,
                 long *early_retries, struct httpd_reply *r);

#endif
