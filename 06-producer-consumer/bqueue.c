/* bqueue.c — see bqueue.h. The shape of CPython's Lib/queue.py, line for line where it can. */
#include "bqueue.h"

#include "check.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct bqueue {
    pthread_mutex_t mutex;
    pthread_cond_t not_empty;      /* signalled when an item is added */
    pthread_cond_t not_full;       /* signalled when an item is removed */
    pthread_cond_t all_tasks_done; /* broadcast when unfinished reaches zero */
    size_t maxsize, head, count;
    size_t unfinished;             /* put and not yet task_done'd (nor dropped) */
    bool is_shutdown;
    void *items[];                 /* a ring of maxsize slots */
};

size_t bqueue_bytes(size_t maxsize)
{
    return sizeof(struct bqueue) + maxsize * sizeof(void *);
}

static void init(struct bqueue *q, size_t maxsize, int pshared)
{
    pthread_mutexattr_t ma;
    CHECK_PT(pthread_mutexattr_init(&ma));
    CHECK_PT(pthread_mutexattr_setpshared(&ma, pshared));
    CHECK_PT(pthread_mutex_init(&q->mutex, &ma));
    CHECK_PT(pthread_mutexattr_destroy(&ma));
    pthread_condattr_t ca;
    CHECK_PT(pthread_condattr_init(&ca));
    CHECK_PT(pthread_condattr_setpshared(&ca, pshared));
    CHECK_PT(pthread_cond_init(&q->not_empty, &ca));
    CHECK_PT(pthread_cond_init(&q->not_full, &ca));
    CHECK_PT(pthread_cond_init(&q->all_tasks_done, &ca));
    CHECK_PT(pthread_condattr_destroy(&ca));
    q->maxsize = maxsize;
    q->head = q->count = q->unfinished = 0;
    q->is_shutdown = false;
}

struct bqueue *bqueue_new(size_t maxsize)
{
    struct bqueue *q = xmalloc(bqueue_bytes(maxsize));
    init(q, maxsize, PTHREAD_PROCESS_PRIVATE);
    return q;
}

struct bqueue *bqueue_init_shared(void *mem, size_t maxsize)
{
    struct bqueue *q = mem;
    init(q, maxsize, PTHREAD_PROCESS_SHARED);
    return q;
}

void bqueue_destroy_shared(struct bqueue *q)
{
    CHECK_PT(pthread_cond_destroy(&q->all_tasks_done));
    CHECK_PT(pthread_cond_destroy(&q->not_full));
    CHECK_PT(pthread_cond_destroy(&q->not_empty));
    CHECK_PT(pthread_mutex_destroy(&q->mutex));
}

void bqueue_free(struct bqueue *q)
{
    if (!q)
        return;
    bqueue_destroy_shared(q);
    free(q);
}

/*
 * Wait on `cond` (mutex held) until `ready(q)` or a shutdown: 0, or -EAGAIN if it would
 * have to wait and may not. A `while`, never an `if`: the condition may have been made
 * true and false again by another thread before this one runs.
 */
static int wait_until(struct bqueue *q, pthread_cond_t *cond, bool (*ready)(const struct bqueue *),
                      bool wait)
{
    while (!q->is_shutdown && !ready(q)) {
        if (!wait)
            return -EAGAIN;
        CHECK_PT(pthread_cond_wait(cond, &q->mutex));
    }
    return 0;
}

static bool has_room(const struct bqueue *q)
{
    return q->count < q->maxsize;
}

static bool has_item(const struct bqueue *q)
{
    return q->count > 0;
}

int bqueue_put(struct bqueue *q, void *item, bool wait)
{
    CHECK_PT(pthread_mutex_lock(&q->mutex));
    int rc = q->is_shutdown ? -ESHUTDOWN : wait_until(q, &q->not_full, has_room, wait);
    if (rc == 0 && q->is_shutdown)
        rc = -ESHUTDOWN; /* woken by shutdown: a put never gets in after it */
    if (rc == 0) {
        q->items[(q->head + q->count++) % q->maxsize] = item;
        q->unfinished++;
        CHECK_PT(pthread_cond_signal(&q->not_empty));
    }
    CHECK_PT(pthread_mutex_unlock(&q->mutex));
    return rc;
}

int bqueue_get(struct bqueue *q, void **item, bool wait)
{
    CHECK_PT(pthread_mutex_lock(&q->mutex));
    int rc = wait_until(q, &q->not_empty, has_item, wait);
    if (rc == 0 && q->count == 0)
        rc = -ESHUTDOWN; /* shut down and drained: there will never be another item */
    if (rc == 0) {
        *item = q->items[q->head];
        q->head = (q->head + 1) % q->maxsize;
        q->count--;
        CHECK_PT(pthread_cond_signal(&q->not_full));
    }
    CHECK_PT(pthread_mutex_unlock(&q->mutex));
    return rc;
}

int bqueue_task_done(struct bqueue *q)
{
    CHECK_PT(pthread_mutex_lock(&q->mutex));
    int rc = 0;
    if (q->unfinished == 0)
        rc = -EINVAL; /* Python: ValueError('task_done() called too many times') */
    else if (--q->unfinished == 0)
        CHECK_PT(pthread_cond_broadcast(&q->all_tasks_done));
    CHECK_PT(pthread_mutex_unlock(&q->mutex));
    return rc;
}

void bqueue_join(struct bqueue *q)
{
    CHECK_PT(pthread_mutex_lock(&q->mutex));
    while (q->unfinished > 0)
        CHECK_PT(pthread_cond_wait(&q->all_tasks_done, &q->mutex));
    CHECK_PT(pthread_mutex_unlock(&q->mutex));
}

size_t bqueue_shutdown(struct bqueue *q, bool immediate)
{
    CHECK_PT(pthread_mutex_lock(&q->mutex));
    q->is_shutdown = true;
    size_t dropped = 0;
    if (immediate) {
        for (; q->count > 0; q->count--, dropped++)
            if (q->unfinished > 0)
                q->unfinished--;
        CHECK_PT(pthread_cond_broadcast(&q->all_tasks_done)); /* join re-checks its count */
    }
    /* Broadcast, not signal: every waiter must wake and see the shutdown. */
    CHECK_PT(pthread_cond_broadcast(&q->not_empty));
    CHECK_PT(pthread_cond_broadcast(&q->not_full));
    CHECK_PT(pthread_mutex_unlock(&q->mutex));
    return dropped;
}
