/*
 * transfer_job.c — two transfers read as a wait-for graph. See transfer_job.h.
 */
#include "transfer_job.h"

#include <stdio.h>

/*
 * Read what happened as a wait-for graph: a deadlock is two transfers waiting at the
 * same time, each for the account the other held, until one gave up. Lock orders alone
 * do not make one: run one after the other, the same orders never wait for each other.
 */
bool report_deadlock(const struct transfer_job *a, const struct transfer_job *b)
{
    bool crossed = a->wanted_id && a->wanted_id == b->held_id && b->wanted_id == a->held_id;
    double overlap_from = a->wait_began > b->wait_began ? a->wait_began : b->wait_began;
    double a_end = a->wait_began + a->waited, b_end = b->wait_began + b->waited;
    double overlap = (a_end < b_end ? a_end : b_end) - overlap_from;
    bool gave_up = a->result == BANK_ETIMEDOUT || b->result == BANK_ETIMEDOUT;
    if (!crossed || overlap <= 0 || !gave_up) {
        printf("no deadlock this time: %s\n",
               !crossed      ? "no two transfers each held what the other wanted"
               : overlap <= 0 ? "their waits did not overlap (one was done before the other "
                                "waited)"
                              : "every wait ended with the lock");
        return false;
    }
    printf("DEADLOCK detected: for %.2fs both waited at once, each for the other's account\n",
           overlap);
    printf("DEADLOCK detected:\n");
    const struct transfer_job *pair[] = {a, b};
    for (int i = 0; i < 2; i++) {
        const struct transfer_job *j = pair[i], *other = pair[1 - i];
        printf("  %s held account %d and waited %.2fs for account %d, held by %s: %s\n", j->name,
               j->held_id, j->waited, j->wanted_id, other->name,
               j->result == BANK_ETIMEDOUT ? "gave up (TimeoutError)"
                                           : "got it once the other gave up");
    }
    printf("  without a timeout both would wait forever: each waits for a lock the other will\n"
           "  release only after it gets the lock it is waiting for.\n");
    return true;
}
