/* watch.c — see watch.h. */
#define HARNESS_ITSELF
#include "watch.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAGIC = 0x06b0c0de };
double patience = 5;
static _Thread_local const char *in_call = "the checker";

/* The first lock rule broken since broken_rule_take(). */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static char broken_rule[300];

void broken_rule_take(char *out, size_t size)
{
    pthread_mutex_lock(&report_lock);
    snprintf(out, size, "%s", broken_rule);
    broken_rule[0] = '\0';
    pthread_mutex_unlock(&report_lock);
}

static void rule_broken(const char *fmt, ...)
{
    pthread_mutex_lock(&report_lock);
    if (!broken_rule[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(broken_rule, sizeof broken_rule, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&report_lock);
}

static struct watched *watched_by(pthread_mutex_t *m)
{
    struct watched *w = (struct watched *)(void *)m;
    return w->magic == MAGIC ? w : NULL;
}

static void remember_fields(struct watched *w)
{
    w->seen_head = w->q.head;
    w->seen_count = w->q.count;
    w->seen_shut_down = w->q.shut_down;
}

/* Called with the lock just taken: nothing may have changed since it was last released. */
static void check_fields(struct watched *w)
{
    if (w->q.count != w->seen_count || w->q.head != w->seen_head ||
        w->q.shut_down != w->seen_shut_down)
        rule_broken("%s found the queue changed while its lock was free (count %zu -> %zu, "
                    "head %zu -> %zu, shut_down %d -> %d): change count, head and shut_down "
                    "only while holding q->lock",
                    in_call, w->seen_count, w->q.count, w->seen_head, w->q.head,
                    w->seen_shut_down, w->q.shut_down);
    remember_fields(w);
}

int harness_mutex_lock(pthread_mutex_t *m)
{
    int rc = pthread_mutex_lock(m);
    struct watched *w = watched_by(m);
    if (w && rc == 0) {
        atomic_store(&w->holder, gettid());
        check_fields(w);
    }
    return rc;
}

int harness_mutex_unlock(pthread_mutex_t *m)
{
    struct watched *w = watched_by(m);
    if (w) {
        if (atomic_load(&w->holder) != gettid())
            rule_broken("%s unlocked q->lock without holding it", in_call);
        remember_fields(w);
        atomic_store(&w->holder, 0);
    }
    return pthread_mutex_unlock(m);
}

/* Fake a spurious wake-up if one is due: give the lock up for a moment, and take it back. */
static bool fake_wakeup(struct watched *w, pthread_mutex_t *m)
{
    int due = atomic_load(&w->spurious);
    while (due > 0 && !atomic_compare_exchange_weak(&w->spurious, &due, due - 1)) {
    }
    if (due <= 0)
        return false;
    pthread_mutex_unlock(m);
    nanosleep(&(struct timespec){0, 2000000}, NULL);
    pthread_mutex_lock(m);
    return true;
}

static int watched_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{
    struct watched *w = watched_by(m);
    if (!w)
        return t ? pthread_cond_timedwait(c, m, t) : pthread_cond_wait(c, m);
    if (atomic_load(&w->holder) != gettid())
        rule_broken("%s waits on a condition without holding q->lock", in_call);
    if (c != &w->q.not_empty && c != &w->q.not_full)
        rule_broken("%s waits on a condition that is not the queue's", in_call);
    remember_fields(w);
    atomic_store(&w->holder, 0);
    atomic_fetch_add(&w->waiting, 1); /* before the wait releases the lock: see wait_for_waiters */
    int rc = 0;
    if (!fake_wakeup(w, m))
        rc = t ? pthread_cond_timedwait(c, m, t) : pthread_cond_wait(c, m);
    atomic_fetch_sub(&w->waiting, 1);
    atomic_fetch_add(&w->woken, 1);
    atomic_store(&w->holder, gettid());
    check_fields(w);
    return rc;
}

int harness_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    return watched_wait(c, m, NULL);
}

int harness_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{
    return watched_wait(c, m, t);
}

int harness_cond_signal(pthread_cond_t *c)
{
    return pthread_cond_signal(c);
}

int harness_cond_broadcast(pthread_cond_t *c)
{
    return pthread_cond_broadcast(c);
}

void bq_init(struct bq *q, size_t cap)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    q->items = calloc(cap, sizeof *q->items);
    if (!q->items)
        abort();
    q->cap = cap;
    q->head = q->count = 0;
    q->shut_down = false;
}

void bq_destroy(struct bq *q)
{
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->lock);
    free(q->items);
}

/*
 * What the checker made and has not freed stays reachable from here. A failed scenario
 * leaves its queue, and calls in threads that may never return: a leak checker must not
 * blame the reader's code for those. Only the main thread makes and frees them.
 */
enum { KEPT = 256 };
static void *kept[KEPT];

static void *keep(void *p)
{
    if (!p)
        abort();
    for (int i = 0; i < KEPT; i++)
        if (!kept[i]) {
            kept[i] = p;
            break;
        }
    return p;
}

static void let_go(void *p)
{
    for (int i = 0; i < KEPT; i++)
        if (kept[i] == p)
            kept[i] = NULL;
    free(p);
}

struct watched *new_queue(size_t cap)
{
    struct watched *w = keep(calloc(1, sizeof(struct watched)));
    bq_init(&w->q, cap);
    w->magic = MAGIC;
    remember_fields(w);
    return w;
}

void free_queue(struct watched *w)
{
    bq_destroy(&w->q);
    let_go(w);
}

double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void pause_ms(long ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000}, NULL);
}

/* ---- One call in its own thread, so that a call that never returns stops nothing. */

static const char *const op_name[] = {"bq_put", "bq_get", "bq_shutdown"};

void call(struct watched *w, enum op_kind kind, long *item, int *rc)
{
    in_call = op_name[kind];
    *rc = kind == PUT ? bq_put(&w->q, *item) : kind == GET ? bq_get(&w->q, item) : 0;
    if (kind == SHUTDOWN)
        bq_shutdown(&w->q);
    if (atomic_load(&w->holder) == gettid())
        rule_broken("%s returned %d still holding q->lock: unlock on every way out, the "
                    "-ESHUTDOWN one too", op_name[kind], *rc);
    in_call = "the checker";
}

static void *run_op(void *arg)
{
    struct op *op = arg;
    call(op->w, op->kind, &op->item, &op->rc);
    atomic_store(&op->done, true);
    return NULL;
}

struct op *start(struct watched *w, enum op_kind kind, long item)
{
    struct op *op = keep(calloc(1, sizeof(struct op)));
    *op = (struct op){.w = w, .kind = kind, .item = item};
    pthread_create(&op->thread, NULL, run_op, op);
    return op;
}

void op_free(struct op *op)
{
    let_go(op);
}

/* Whether the call returned within `seconds`. One that did not is left to itself. */
bool finished(struct op *op, double seconds)
{
    for (double until = now() + seconds; !atomic_load(&op->done) && now() < until;)
        pause_ms(1);
    if (!atomic_load(&op->done)) {
        pthread_detach(op->thread);
        return false;
    }
    pthread_join(op->thread, NULL);
    return true;
}

/* A call run to its end (or given up on after `patience`): its rc, or 1 if it hung. */
int run(struct watched *w, enum op_kind kind, long *item)
{
    struct op *op = start(w, kind, item ? *item : 0);
    if (!finished(op, patience))
        return 1; /* leaked with its blocked thread */
    if (item)
        *item = op->item;
    int rc = op->rc;
    op_free(op);
    return rc;
}

/* Wait until `n` threads wait on w, or one of `ops` has returned: false if neither came. */
bool wait_for_waiters(struct watched *w, int n, struct op **ops, int nops)
{
    for (double until = now() + patience; now() < until; pause_ms(1)) {
        if (atomic_load(&w->waiting) >= n && atomic_load(&w->spurious) == 0)
            return true;
        for (int i = 0; i < nops; i++)
            if (atomic_load(&ops[i]->done))
                return false;
    }
    return false;
}
