/*
 * watch.h — how the checker (harness.c) watches the reader's queue: each queue it makes
 * is a `struct watched`, and the pthread calls harness.h routes here keep its books.
 *
 * - check_fields: when a thread takes q->lock, count, head and shut_down must be what the
 *   last thread to release it left; otherwise someone changed them without the lock.
 * - holder: the thread holding q->lock, so a call that returns without unlocking is seen.
 * - waiting: threads inside a condition wait. It is raised while the waiter still holds
 *   the lock, so once the checker sees it and then takes the lock (in a put, a get, a
 *   shutdown), the waiter is really asleep: scenarios wait on that, never on a sleep.
 * - spurious: wake-ups to fake, as POSIX allows any condition wait to return for no reason.
 *
 * Every call under test runs in a thread of its own (start, finished, run), so a call that
 * never returns leaves one blocked thread behind, never a hung checker.
 */
#ifndef EXERCISE_WATCH_H
#define EXERCISE_WATCH_H

#include "harness.h"

#include <stdatomic.h>

struct watched {
    struct bq q; /* first: the lock's address is the watched queue's */
    unsigned magic;
    size_t seen_head, seen_count; /* written and read under q.lock only */
    bool seen_shut_down;
    atomic_int holder;   /* kernel id of the thread holding q.lock, 0 if none */
    atomic_int waiting;  /* threads inside a wait on one of q's conditions */
    atomic_int woken;    /* waits that returned */
    atomic_int spurious; /* wake-ups still to fake */
};

/* Seconds a wake-up that must come is given (LAB_CHECK_PATIENCE, 5 by default). */
extern double patience;

/* A queue to watch; free it only when no thread can still be using it. */
struct watched *new_queue(size_t cap);
void free_queue(struct watched *w);

/* The first locking rule broken since the last call ("" if none), and forget it. */
void broken_rule_take(char *out, size_t size);

enum op_kind { PUT, GET, SHUTDOWN };
struct op {
    struct watched *w;
    enum op_kind kind;
    long item; /* put: the item; get: what it got */
    int rc;
    atomic_bool done;
    pthread_t thread;
};

/* Run one call in this thread, checking it returns with the lock released. */
void call(struct watched *w, enum op_kind kind, long *item, int *rc);
/* Start one call in a thread of its own. */
struct op *start(struct watched *w, enum op_kind kind, long item);
/* Whether it returned within `seconds` (then it is joined; otherwise left blocked). */
bool finished(struct op *op, double seconds);
/* Free a call that returned (finished() said so). */
void op_free(struct op *op);
/* Start, and wait up to `patience`: its rc, or 1 if it never returned. */
int run(struct watched *w, enum op_kind kind, long *item);
/* Wait until n threads wait on w with no fake wake-up still due, or one of ops returned. */
bool wait_for_waiters(struct watched *w, int n, struct op **ops, int nops);

double now(void);
void pause_ms(long ms);

#endif
