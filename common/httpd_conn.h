/*
 * httpd_conn.h — a connection's I/O, for the rest of the server (httpd_private.h says how
 * its files fit together).
 */
#ifndef HTTPD_CONN_H
#define HTTPD_CONN_H

struct loop;
struct conn;

/* The reader of a connection's socket: read what came, answer it, send the answers. */
void httpd_conn_on_readable(struct loop *loop, void *arg);

/* The connection was silent for the idle timeout, or too slow for its request deadline:
 * close it (408 first if it left half a request). */
void httpd_conn_time_out(struct conn *c);

/* Forget a delayed response that will now never be sent (the connection is closing). */
void httpd_conn_drop_delayed(struct conn *c);

#endif
