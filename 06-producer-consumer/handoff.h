/*
 * handoff.h — one producer hands numbered items to one consumer for a while, through one
 * kind of queue; the consumer counts them and checks their order. queue_speed times each.
 *
 * - async queue: the lab's queue.h (asyncio.Queue), two tasks on one loop;
 * - threads: bqueue.h (queue.Queue), two threads;
 * - shared memory: bqueue.h placed in a MAP_SHARED mapping, two processes;
 * - pipe: two processes, `batch` items of 8 bytes per write().
 * The producer stops after `seconds`; then it shuts the queue down (or closes the pipe),
 * and the consumer's end is the end of the run.
 */
#ifndef HANDOFF_H
#define HANDOFF_H

enum { HANDOFF_ROOM = 100, HANDOFF_MAX_BATCH = 512 };

struct handoff {
    long items, out_of_order;
    double seconds; /* from the producer's start to the consumer's last item */
};

struct handoff handoff_async_queue(double seconds);
struct handoff handoff_threads(double seconds);
struct handoff handoff_shared_memory(double seconds);
struct handoff handoff_pipe(double seconds, long batch);

#endif
