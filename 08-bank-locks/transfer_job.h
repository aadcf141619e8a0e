/*
 * transfer_job.h — deadlock.c's transfers, and the reading of what they did.
 *
 * A job is one transfer run in a thread of its own, which records what happened: the
 * account it held while it waited for the other, when that wait began and how long it
 * lasted, and how the transfer ended. report_deadlock() reads two jobs as a wait-for graph.
 */
#ifndef CH08_TRANSFER_JOB_H
#define CH08_TRANSFER_JOB_H

#include "bank.h"

#include <stdatomic.h>
#include <stdbool.h>

struct transfer_job {
    const char *name;
    struct account *from, *to;
    long amount;
    bool ordered;   /* lower id first (the cure), or from-then-to (naive) */
    double work;    /* seconds of processing while holding the first lock */
    double timeout; /* how long each lock is waited for */
    double delay;   /* seconds to wait after the start, before taking any lock */
    atomic_bool *go;

    /* What happened, read by main after the join. */
    int held_id;   /* the account held while waiting for the second */
    int wanted_id; /* the account waited for */
    double wait_began, waited; /* when it began waiting for it (now_sec()), and for how long */
    int result;
};

/*
 * Print what two jobs did, read as a wait-for graph: a deadlock is two transfers waiting
 * at the same time, each for the account the other held, until one gave up. True if so.
 */
bool report_deadlock(const struct transfer_job *a, const struct transfer_job *b);

#endif
