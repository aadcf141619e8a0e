/*
 * pool.h — an async connection pool, the shape of aiopg's create_engine(maxsize=20,
 * minsize=5, timeout=10, recycle=3600) (A1 §8.2), lending fake connections to tasks.
 *
 * The laws, each checked by conn_pool and tests/06-conn-pool.t:
 * - Never more than maxsize connections exist, so never more than maxsize are out at
 *   once: a semaphore of maxsize permits is taken before a connection is, and a new
 *   connection is made only when no idle one is left.
 * - pool_open makes minsize connections, idle, before the first acquire.
 * - An acquire waits, first come first served, at most `timeout` seconds: then -ETIMEDOUT.
 * - An idle connection older than `recycle` seconds is closed when an acquire would take
 *   it, and a new one made instead (a database closes connections idle for too long).
 * - An acquire that times out or is cancelled leaves nothing behind: the permit is given
 *   back, and a connection half made is not counted (connecting is where it can be cut).
 * - pool_close finds every connection back (none out), closes them all, and says whether
 *   every connection ever made was closed and every permit returned.
 * Not thread-safe: one loop's tasks share it, as they share an asyncio pool.
 */
#ifndef POOL_H
#define POOL_H

#include <stdbool.h>

struct conn {
    int id;
    double born;  /* loop time it was connected */
    long uses;
};

struct pool_config {
    int minsize, maxsize;
    double timeout, recycle; /* seconds */
    double connect_time;     /* how long a fake connect takes */
};

struct pool_stats {
    long created, recycled, closed, timeouts, cancelled, acquired;
    int out, most_out;       /* lent now; the most lent at one time */
};

struct pool;

struct pool *pool_new(struct pool_config config);
/* Make the minsize connections (in a task): 0 or an error code. */
int pool_open(struct pool *p);
/* Lend a connection: 0, -ETIMEDOUT after `timeout` seconds, -ECANCELED. */
int pool_acquire(struct pool *p, double timeout, struct conn **out);
void pool_release(struct pool *p, struct conn *c);
/* Close every connection (none may be out); true when nothing leaked. Frees the pool. */
bool pool_close(struct pool *p, struct pool_stats *final);

struct pool_stats pool_stats(const struct pool *p);
/* Permits free now (maxsize when nothing is out) and connections idle now. */
int pool_permits(const struct pool *p);
int pool_idle(const struct pool *p);

#endif
