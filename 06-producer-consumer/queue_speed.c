/*
 * queue_speed.c — items per second from one producer to one consumer, through each kind
 * of queue in this chapter: coroutines, threads, processes over a pipe, processes over
 * shared memory.
 *
 * Mirrors A2 「生产者-消费者模式」 and the chapter's question: what does a hand-off cost?
 * Between two coroutines on one thread, a put is a function call, and a switch happens
 * only when the queue is full or empty. Between threads, each put and get takes a mutex
 * and may wake the other side through the kernel (a futex). Between processes, a pipe
 * costs a system call per write and per read (batching many items per write divides it);
 * shared memory with a process-shared mutex and conditions costs what threads do. The
 * table ranks them; bench/06-queues.sh puts asyncio.Queue beside them.
 */
#include "args.h"
#include "handoff.h"
#include "results.h"
#include "table.h"

#include <math.h>
#include <stdio.h>

/* ---- The table. */

struct way {
    const char *name, *between, *per_handoff, *costs, *key;
    long batch; /* 0: not a pipe */
    struct handoff (*run)(double seconds);
};

int main(int argc, char **argv)
{
    long rounds = 3;
    double seconds = 0.3;
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &seconds, 0.01, 60, "how long each producer produces"),
        OPT_INT("rounds", "N", &rounds, 1, 100, "runs of each; the table shows the best"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&seconds, 0.05),
        OPT_QUICK_INT(&rounds, 1),
        OPT_END,
    };
    args_parse(argc, argv, "Items per second from one producer to one consumer, through each "
               "of the chapter's queues.", opts);
    const struct way ways[] = {
        {"queue.h (asyncio.Queue)", "2 coroutines", "1", "a function call", "async", 0,
         handoff_async_queue},
        {"bqueue.h (queue.Queue)", "2 threads", "1", "a lock, a futex wake", "threads", 0,
         handoff_threads},
        {"bqueue.h in shared memory", "2 processes", "1", "a lock, a futex wake", "shm", 0,
         handoff_shared_memory},
        {"pipe", "2 processes", "1", "a write and a read", "pipe.batch1", 1, NULL},
        {"pipe", "2 processes", "512", "a write and a read per 512", "pipe.batch512",
         HANDOFF_MAX_BATCH, NULL},
    };
    enum { WAYS = sizeof ways / sizeof ways[0] };
    printf("one producer, one consumer, a queue of %d (a pipe: 64 KiB), %g s each, best of %ld\n\n",
           HANDOFF_ROOM, seconds, rounds);
    double rate[WAYS] = {0};
    long wrong = 0;
    for (int w = 0; w < WAYS; w++)
        for (long r = 0; r < rounds; r++) {
            struct handoff h = ways[w].batch ? handoff_pipe(seconds, ways[w].batch)
                                             : ways[w].run(seconds);
            wrong += h.out_of_order;
            rate[w] = fmax(rate[w], (double)h.items / h.seconds);
        }
    struct table *t = table_new("queue|between|items per hand-off|items per second|vs queue.h|"
                                "one hand-off costs");
    for (int w = 0; w < WAYS; w++) {
        table_row(t, "%s|%s|%s|%.2fM|%.2fx|%s", ways[w].name, ways[w].between, ways[w].per_handoff,
                  rate[w] / 1e6, rate[w] / rate[0], ways[w].costs);
        char name[64];
        snprintf(name, sizeof name, "queue.items_per_s.%s", ways[w].key);
        result_record(name, rate[w], "items/s");
    }
    table_print(t);
    table_free(t);
    printf("every item arrived, in order: %s\n", wrong == 0 ? "yes" : "NO");
    return wrong == 0 ? 0 : 1;
}
