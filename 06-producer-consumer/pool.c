/* pool.c — see pool.h. */
#include "pool.h"

#include "check.h"
#include "loop.h"
#include "queue.h"
#include "say.h"
#include "semaphore.h"
#include "task.h"
#include "timeout.h"

#include <errno.h>
#include <stdlib.h>

struct pool {
    struct pool_config config;
    struct semaphore *permits; /* one per connection that may exist */
    struct queue *idle;        /* connections back in the pool, oldest returned first */
    struct pool_stats stats;
};

struct pool *pool_new(struct pool_config config)
{
    struct pool *p = xcalloc(1, sizeof *p);
    p->config = config;
    p->permits = semaphore_new(config.maxsize);
    p->idle = queue_new(0);
    return p;
}

/* A fake connect: it takes time, and a cancel during it leaves no connection. */
static int fake_connect(struct pool *p, struct conn **out)
{
    int err = async_sleep(p->config.connect_time);
    if (err)
        return err;
    struct conn *c = xmalloc(sizeof *c);
    *c = (struct conn){.id = (int)++p->stats.created, .born = running_loop_time(), .uses = 0};
    *out = c;
    return 0;
}

static void disconnect(struct pool *p, struct conn *c)
{
    p->stats.closed++;
    free(c);
}

int pool_open(struct pool *p)
{
    for (int i = 0; i < p->config.minsize; i++) {
        struct conn *c;
        int err = fake_connect(p, &c);
        if (err)
            return err;
        queue_put_nowait(p->idle, c); /* unbounded: never -EAGAIN */
    }
    return 0;
}

/* With a permit held: an idle connection young enough, or a new one. */
static int take_or_connect(struct pool *p, struct conn **out)
{
    void *item;
    int stale = 0;
    while (queue_get_nowait(p->idle, &item) == 0) {
        struct conn *c = item;
        if (running_loop_time() - c->born < p->config.recycle) {
            *out = c;
            break;
        }
        stale++;
        p->stats.recycled++;
        disconnect(p, c);
    }
    if (stale)
        say("closed %d idle connection(s) older than recycle=%g s", stale, p->config.recycle);
    return *out ? 0 : fake_connect(p, out);
}

int pool_acquire(struct pool *p, double timeout_s, struct conn **out)
{
    *out = NULL;
    struct timeout *to = timeout(timeout_s);
    int err = timeout_enter(to);
    bool permit = false;
    if (!err)
        permit = (err = semaphore_acquire(p->permits)) == 0;
    struct conn *c = NULL;
    if (!err)
        err = take_or_connect(p, &c); /* no connection comes back unless err == 0 */
    err = timeout_exit(to, err);
    if (err) {
        if (permit)
            semaphore_release(p->permits); /* the one thing to give back */
        p->stats.timeouts += err == -ETIMEDOUT;
        p->stats.cancelled += err == -ECANCELED;
        return err;
    }
    c->uses++;
    p->stats.acquired++;
    if (++p->stats.out > p->stats.most_out)
        p->stats.most_out = p->stats.out;
    *out = c;
    return 0;
}

void pool_release(struct pool *p, struct conn *c)
{
    p->stats.out--;
    queue_put_nowait(p->idle, c);
    semaphore_release(p->permits);
}

bool pool_close(struct pool *p, struct pool_stats *final)
{
    bool none_out = p->stats.out == 0;
    bool permits_back = semaphore_value(p->permits) == p->config.maxsize;
    void *item;
    while (queue_get_nowait(p->idle, &item) == 0) {
        disconnect(p, item);
    }
    bool all_closed = p->stats.closed == p->stats.created;
    *final = p->stats;
    queue_free(p->idle);
    semaphore_free(p->permits);
    free(p);
    return none_out && permits_back && all_closed;
}

struct pool_stats pool_stats(const struct pool *p)
{
    return p->stats;
}

int pool_permits(const struct pool *p)
{
    return semaphore_value(p->permits);
}

int pool_idle(const struct pool *p)
{
    return (int)queue_size(p->idle);
}
