/*
 * httpd_answer.h — answering requests, for the rest of the server (httpd_private.h says
 * how its files fit together).
 */
#ifndef HTTPD_ANSWER_H
#define HTTPD_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

struct conn;
struct httpd;

/* Format the server's answer to GET / once, at start: every later one is a copy. */
void httpd_answer_prepare(struct httpd *s);

/*
 * Answer the complete requests at the start of buf[0, len) into the shared output buffer,
 * until one is incomplete, the connection is closing, an answer is delayed (it waits in
 * c->delayed), or the buffer is full (*full). Returns the bytes of responses; *used is
 * how many request bytes they answered.
 */
size_t httpd_answer_requests(struct conn *c, const char *buf, size_t len, size_t *used, bool *full);

/* A response ending the connection: 400 for garbage, 431, 413, 408, 417, 501, 505. */
size_t httpd_answer_error(struct conn *c, int status, char *out);

#endif
