/*
 * client.h — one keep-alive HTTP/1.1 client connection on the event loop, for the
 * chapter's load client and C10K. One request at a time (no pipelining, like wrk and
 * most browsers): send it, wait for the whole response, hand it to a callback.
 *
 *     static void on_response(struct client *c, int status, const char *body, size_t len,
 *                             void *arg)
 *     {
 *         ...                       // then client_request(c, ...) again, or client_close(c)
 *     }
 *     struct client *c = client_open(loop, port, on_response, arg);
 *     client_request(c, request, strlen(request));   // sent as soon as it is connected
 *
 * The connection is made in the background (a non-blocking connect, finished when the
 * socket becomes writable). A failure of any kind — connect refused, reset, a response
 * that is not HTTP — arrives as the callback with a negative errno-style status; after
 * that the connection is dead and only client_close() may be called; the same holds after
 * a response that said "Connection: close". A response must fit in CLIENT_RESPONSE_MAX
 * bytes and carry its Content-Length (so HEAD, whose answer has none of the body it
 * announces, is not for this client).
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct client;

enum { CLIENT_RESPONSE_MAX = 2048 };

/*
 * `status` is the response's (200, 404...) or a negative errno: -ECONNREFUSED,
 * -ECONNRESET, -EPIPE (the server closed without answering), -EPROTO (not HTTP),
 * -EMSGSIZE (a response larger than CLIENT_RESPONSE_MAX). `body`/`body_len` are the
 * response's body, valid only during the call. The callback may request again or close.
 */
typedef void client_callback(struct client *c, int status, const char *body, size_t body_len,
                             void *arg);

/* Start connecting to 127.0.0.1:port. Dies only if no socket can be made at all (EMFILE). */
struct client *client_open(struct loop *loop, int port, client_callback *cb, void *arg);

/*
 * Send a request (the bytes must stay valid until its response arrives). At most one
 * request may be outstanding; before the connection is made, it is sent once it is.
 */
void client_request(struct client *c, const char *request, size_t len);

/* True once the handshake is done: the server's kernel holds the connection (in its
 * backlog until the server accepts it), and the request has been sent. */
bool client_is_connected(const struct client *c);

/* True when the last response said "Connection: close" or the connection failed. */
bool client_is_dead(const struct client *c);

void client_close(struct client *c);

#endif
