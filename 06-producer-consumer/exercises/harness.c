/*
 * harness.c — chapter 06's exercise checker: your bq_put, bq_get and bq_shutdown
 * (blocking_queue.c) through one scenario per rule, then a stress test of producers and
 * consumers; each failure says which rule it breaks (the TODO numbers of the starter).
 *
 * Every scenario is decided by what the threads did, never by how fast they did it: a
 * thread counts as waiting once it is inside pthread_cond_wait (watch.h), and a wake-up
 * that must come is given LAB_CHECK_PATIENCE seconds (5 by default), far more than any
 * machine needs. A call that never returns is left blocked and reported: the checker
 * itself never hangs.
 */
#define HARNESS_ITSELF
#include "stress.h"
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

/* Report a scenario: `why` is NULL when it passed. A broken locking rule comes first. */
static void verdict(const char *rule, const char *why)
{
    char lock_rule[300];
    broken_rule_take(lock_rule, sizeof lock_rule);
    if (lock_rule[0])
        why = lock_rule;
    if (!why) {
        printf("ok   - %s\n", rule);
        return;
    }
    printf("FAIL - %s: %s\n", rule, why);
    failures++;
}

static char why_buf[400];
#define WHY(...) (snprintf(why_buf, sizeof why_buf, __VA_ARGS__), why_buf)

static const char *fifo(void)
{
    struct watched *w = new_queue(3);
    long item;
    for (long round = 0; round < 3; round++) { /* three rounds: head wraps around the ring */
        for (long i = 1; i <= 3; i++) {
            item = round * 10 + i;
            int rc = run(w, PUT, &item);
            if (rc != 0)
                return WHY("put %ld of 3 into a queue of 3 returned %d, expected 0", i, rc);
        }
        for (long i = 1; i <= 3; i++) {
            int rc = run(w, GET, &item);
            if (rc != 0)
                return WHY("get returned %d with %ld item(s) in the queue, expected 0", rc, 4 - i);
            if (item != round * 10 + i)
                return WHY("get gave %ld, expected %ld: items leave in the order they came, the "
                           "oldest at items[head], the next put at items[(head + count) %% cap]",
                           item, round * 10 + i);
        }
    }
    free_queue(w);
    return NULL;
}

/* A getter on an empty queue (or a putter on a full one) must wait, and wake for its item. */
static const char *waits(enum op_kind kind, long spurious)
{
    struct watched *w = new_queue(1);
    long item = 1;
    if (kind == PUT && run(w, PUT, &item) != 0)
        return "put into an empty queue failed";
    atomic_store(&w->spurious, (int)spurious);
    struct op *waiter = start(w, kind, 2);
    const char *what = kind == GET ? "get on an empty queue" : "put into a full queue";
    if (!wait_for_waiters(w, 1, &waiter, 1)) {
        if (!finished(waiter, 0))
            return WHY("TODO 1: the %s neither returned nor waited on a condition", what);
        if (spurious && atomic_load(&w->woken) > 0)
            return WHY("TODO 1: the %s returned %d after a wake-up that changed nothing: a "
                       "wake-up is a hint, not a promise (another thread may have been first, "
                       "or POSIX let the wait return for no reason); wait in a `while` loop "
                       "that checks again, not under an `if`", what, waiter->rc);
        return WHY("TODO 1: the %s returned %d at once instead of waiting (pthread_cond_wait)",
                   what, waiter->rc);
    }
    /* The other side makes the waiter's wish come true. */
    item = kind == GET ? 7 : 0;
    if (run(w, kind == GET ? PUT : GET, &item) != 0)
        return WHY("the %s that should wake the waiter failed", kind == GET ? "put" : "get");
    if (!finished(waiter, patience))
        return WHY("TODO 2: the %s waited on after a %s: %s must signal the condition %s "
                   "waits on (%s)", what, kind == GET ? "put added an item" : "get made room",
                   kind == GET ? "bq_put" : "bq_get", kind == GET ? "bq_get" : "bq_put",
                   kind == GET ? "not_empty" : "not_full");
    if (waiter->rc != 0 || (kind == GET && waiter->item != 7))
        return WHY("the woken %s returned %d (item %ld)", what, waiter->rc, waiter->item);
    op_free(waiter);
    free_queue(w);
    return NULL;
}

/* Three waiters asleep; one shutdown must wake all three, and each must return -ESHUTDOWN. */
static const char *shutdown_wakes_all(enum op_kind kind)
{
    struct watched *w = new_queue(1);
    long item = 1;
    if (kind == PUT && run(w, PUT, &item) != 0)
        return "put into an empty queue failed";
    struct op *waiters[3];
    for (int i = 0; i < 3; i++)
        waiters[i] = start(w, kind, 10 + i);
    const char *what = kind == GET ? "get(s) on an empty queue" : "put(s) into a full queue";
    if (!wait_for_waiters(w, 3, waiters, 3))
        return WHY("TODO 1: three %s did not all wait", what);
    int woken_before = atomic_load(&w->woken);
    if (run(w, SHUTDOWN, NULL) != 0)
        return "bq_shutdown never returned";
    int done = 0, right = 0;
    double until = now() + patience; /* one deadline for the three, not one each */
    for (int i = 0; i < 3; i++)
        if (finished(waiters[i], until - now())) {
            done++;
            right += waiters[i]->rc == -ESHUTDOWN;
        }
    int woken = atomic_load(&w->woken) - woken_before;
    if (done < 3 && woken < 3)
        return WHY("TODO 3: after bq_shutdown, %d of 3 waiting %s still sleep: one "
                   "pthread_cond_signal wakes one waiter; shutdown must wake them all "
                   "(pthread_cond_broadcast on %s)", 3 - done, what,
                   kind == GET ? "not_empty" : "not_full");
    if (done < 3)
        return WHY("TODO 3: %d of 3 waiting %s woke after bq_shutdown but went back to "
                   "waiting: the wait loop must also end when q->shut_down is set, and then "
                   "return -ESHUTDOWN", 3 - done, what);
    if (right < 3)
        return WHY("TODO 3: %d of 3 %s woken by bq_shutdown did not return -ESHUTDOWN",
                   3 - right, what);
    for (int i = 0; i < 3; i++)
        op_free(waiters[i]);
    free_queue(w);
    return NULL;
}

/* What was queued before a shutdown still comes out; then -ESHUTDOWN, and puts fail. */
static const char *shutdown_drains(void)
{
    struct watched *w = new_queue(4);
    long item;
    for (item = 1; item <= 3; item++)
        if (run(w, PUT, &item) != 0)
            return "put into a queue with room failed";
    if (run(w, SHUTDOWN, NULL) != 0)
        return "bq_shutdown never returned";
    item = 4;
    int rc = run(w, PUT, &item);
    if (rc != -ESHUTDOWN)
        return WHY("TODO 3: a put after bq_shutdown returned %d, expected -ESHUTDOWN (at "
                   "once, even with room)", rc);
    for (long want = 1; want <= 3; want++) {
        rc = run(w, GET, &item);
        if (rc == -ESHUTDOWN)
            return WHY("TODO 3: get returned -ESHUTDOWN with %ld item(s) still queued: "
                       "shutdown must not drop them (and get says -ESHUTDOWN only when the "
                       "queue is shut down AND empty)", 4 - want);
        if (rc != 0 || item != want)
            return WHY("after bq_shutdown, get returned %d (item %ld), expected item %ld",
                       rc, item, want);
    }
    rc = run(w, GET, &item);
    if (rc == 1)
        return "TODO 3: a get on a shut-down, empty queue waited forever: its wait loop must "
               "end when q->shut_down is set";
    if (rc != -ESHUTDOWN)
        return WHY("TODO 3: a get on a shut-down, empty queue returned %d, expected -ESHUTDOWN",
                   rc);
    free_queue(w);
    return NULL;
}

/* With --stress-only, only the stress test: what the checker runs again under ThreadSanitizer. */
int main(int argc, char **argv)
{
    bool stress_only = argc > 1 && strcmp(argv[1], "--stress-only") == 0;
    const char *p = getenv("LAB_CHECK_PATIENCE");
    if (p && atof(p) > 0)
        patience = atof(p);
    bool quick = getenv("LAB_QUICK") && strcmp(getenv("LAB_QUICK"), "1") == 0;
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (stress_only) {
        verdict("under ThreadSanitizer: 4 producers, 4 consumers, a queue of 4",
                stress(quick ? 200 : 1000));
        return failures != 0;
    }
    verdict("one thread: items come out in the order they went in", fifo());
    verdict("get on an empty queue waits until a put", waits(GET, 0));
    verdict("put into a full queue waits until a get", waits(PUT, 0));
    verdict("get waits again after a wake-up that brought nothing", waits(GET, 3));
    verdict("put waits again after a wake-up that made no room", waits(PUT, 3));
    verdict("bq_shutdown wakes every waiting get", shutdown_wakes_all(GET));
    verdict("bq_shutdown wakes every waiting put", shutdown_wakes_all(PUT));
    verdict("after bq_shutdown: puts fail, gets drain what was queued", shutdown_drains());
    verdict("4 producers, 4 consumers, a queue of 4: every item exactly once, in order",
            stress(quick ? 500 : 5000));
    if (failures) {
        printf("%d check(s) failed.\n", failures);
        return 1;
    }
    printf("all checks passed.\n");
    return 0;
}
