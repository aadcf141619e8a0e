/*
 * interleave.c — transfers forced into the interleavings that show locking mistakes.
 * See interleave.h.
 */
#include "interleave.h"

#include "check.h"
#include "clock.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

/* What a watched thread is doing, as far as the locks show. */
enum state { RUNNING, WAITING, HOLDING, DONE };

struct player {
    transfer_fn *transfer;
    struct move *move;
    enum state state;
    int held;                    /* locks it holds (a recursive lock counts each time) */
    struct account *holding[4];  /* which: one entry each time it took one */
    struct account *waiting_for; /* while WAITING */
    pthread_t thread;
};

/* Everything below is read and written under stage.mutex. */
static struct {
    pthread_mutex_t mutex;
    pthread_cond_t changed; /* on CLOCK_MONOTONIC: broadcast at every change of state */
    struct player *players[2];
    int count;
    bool lockstep;
} stage = {.mutex = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t stage_once = PTHREAD_ONCE_INIT;
static _Thread_local struct player *me; /* NULL in threads the stage does not watch */

static void stage_init(void)
{
    pthread_condattr_t attr;
    CHECK_PT(pthread_condattr_init(&attr));
    CHECK_PT(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
    CHECK_PT(pthread_cond_init(&stage.changed, &attr));
    CHECK_PT(pthread_condattr_destroy(&attr));
}

/* Wait on stage.changed until `deadline` (seconds, monotonic); false once it has passed. */
static bool wait_change(double deadline)
{
    double left = deadline - now_sec();
    if (left <= 0)
        return false;
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    uint64_t ns = (uint64_t)at.tv_nsec + (uint64_t)(left * 1e9);
    at.tv_sec += (time_t)(ns / 1000000000u);
    at.tv_nsec = (long)(ns % 1000000000u);
    int err = pthread_cond_timedwait(&stage.changed, &stage.mutex, &at);
    if (err != 0 && err != ETIMEDOUT)
        die_errno(err, "pthread_cond_timedwait");
    return true;
}

static bool holds(const struct player *p, const struct account *a)
{
    for (int i = 0; i < p->held && i < 4; i++)
        if (p->holding[i] == a)
            return true;
    return false;
}

/* Is `q` waiting for a lock that another player holds (and not merely about to take a free one)? */
static bool blocked(const struct player *q)
{
    if (q->state != WAITING)
        return false;
    for (int i = 0; i < stage.count; i++)
        if (stage.players[i] != q && holds(stage.players[i], q->waiting_for))
            return true;
    return false;
}

/*
 * In lockstep, may `p` go on? Only once every other player holds a lock, is blocked on
 * one, or has returned: then it has done all it does before its next lock.
 */
static bool others_caught_up(const struct player *p)
{
    for (int i = 0; i < stage.count; i++) {
        const struct player *q = stage.players[i];
        if (q != p && q->state != HOLDING && q->state != DONE && !blocked(q))
            return false;
    }
    return true;
}

static void watch(struct account *a, enum lock_event event)
{
    if (!me)
        return;
    CHECK_PT(pthread_mutex_lock(&stage.mutex));
    switch (event) {
    case LOCK_WAITING:
        me->state = WAITING;
        me->waiting_for = a;
        break;
    case LOCK_TAKEN:
        if (me->held < 4)
            me->holding[me->held] = a;
        me->held++;
        me->state = HOLDING;
        break;
    case LOCK_TIMED_OUT:
        me->state = me->held ? HOLDING : RUNNING;
        break;
    case LOCK_RELEASED:
        for (int i = 0; i < me->held && i < 4; i++)
            if (me->holding[i] == a) { /* forget one taking of `a` */
                for (int j = i; j + 1 < me->held && j + 1 < 4; j++)
                    me->holding[j] = me->holding[j + 1];
                break;
            }
        if (--me->held == 0)
            me->state = RUNNING;
        break;
    }
    CHECK_PT(pthread_cond_broadcast(&stage.changed));
    /* Bounded: a player that never takes a lock again must not stop this one for good. */
    double deadline = now_sec() + 2;
    if (event == LOCK_TAKEN && stage.lockstep)
        while (!others_caught_up(me) && wait_change(deadline))
            ;
    CHECK_PT(pthread_mutex_unlock(&stage.mutex));
}

static void *play(void *arg)
{
    struct player *p = arg;
    me = p;
    int rc = p->transfer(p->move->from, p->move->to, p->move->amount);
    me = NULL;
    CHECK_PT(pthread_mutex_lock(&stage.mutex));
    p->move->rc = rc;
    p->state = DONE;
    CHECK_PT(pthread_cond_broadcast(&stage.changed));
    CHECK_PT(pthread_mutex_unlock(&stage.mutex));
    return NULL;
}

static void enter(struct player *players, int count, bool lockstep)
{
    CHECK_PT(pthread_once(&stage_once, stage_init));
    account_watch_locks(watch);
    CHECK_PT(pthread_mutex_lock(&stage.mutex));
    stage.count = count;
    stage.lockstep = lockstep;
    for (int i = 0; i < count; i++)
        stage.players[i] = &players[i];
    CHECK_PT(pthread_mutex_unlock(&stage.mutex));
    for (int i = 0; i < count; i++)
        CHECK_PT(pthread_create(&players[i].thread, NULL, play, &players[i]));
}

static void leave(struct player *players, int count)
{
    for (int i = 0; i < count; i++)
        CHECK_PT(pthread_join(players[i].thread, NULL));
    CHECK_PT(pthread_mutex_lock(&stage.mutex));
    stage.count = 0;
    CHECK_PT(pthread_mutex_unlock(&stage.mutex));
    account_watch_locks(NULL);
}

enum held_outcome interleave_with_lock_held(transfer_fn *transfer, struct move *m,
                                            struct account *held)
{
    long from_before = m->from->balance, to_before = m->to->balance;
    CHECK_BANK(account_lock(held, BANK_LOCK_TIMEOUT)); /* not watched: this thread is no player */
    struct player *p = xcalloc(1, sizeof *p); /* outlives this call if the transfer hangs */
    *p = (struct player){.transfer = transfer, .move = m};
    enter(p, 1, false);

    enum held_outcome outcome = HELD_HUNG;
    double deadline = now_sec() + 10;
    CHECK_PT(pthread_mutex_lock(&stage.mutex));
    while (outcome == HELD_HUNG) {
        if (p->state == DONE)
            outcome = HELD_IGNORED;
        else if (p->state == WAITING && p->waiting_for == held)
            /* Read under stage.mutex: what it wrote before it waited is visible here. */
            outcome = m->from->balance == from_before && m->to->balance == to_before
                          ? HELD_WAITED
                          : HELD_HALF_MOVED;
        else if (!wait_change(deadline))
            break;
    }
    CHECK_PT(pthread_mutex_unlock(&stage.mutex));
    account_unlock(held);
    if (outcome == HELD_HUNG) {
        CHECK_PT(pthread_detach(p->thread)); /* stuck for good, perhaps: the caller stops here */
        return outcome;
    }
    leave(p, 1);
    free(p);
    return outcome;
}

void interleave_lockstep(transfer_fn *transfer, struct move *a, struct move *b)
{
    struct player players[2] = {{.transfer = transfer, .move = a}, {.transfer = transfer, .move = b}};
    enter(players, 2, true);
    leave(players, 2);
}

struct census {
    struct account *const *accounts;
    int count, held;
};

/* In a thread of its own: a recursive lock is free to the thread that holds it. */
static void *count_held(void *arg)
{
    struct census *c = arg;
    struct account *const *accounts = c->accounts;
    int count = c->count, held = 0;
    for (int i = 0; i < count; i++) {
        int err = pthread_mutex_trylock(&accounts[i]->lock);
        if (err == 0)
            CHECK_PT(pthread_mutex_unlock(&accounts[i]->lock));
        else if (err == EBUSY)
            held++;
        else
            die_errno(err, "pthread_mutex_trylock");
    }
    c->held = held;
    return NULL;
}

int interleave_locks_held(struct account *const *accounts, int count)
{
    struct census c = {accounts, count, 0};
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, count_held, &c));
    CHECK_PT(pthread_join(t, NULL));
    return c.held;
}
