/*
 * process_pool_private.h — the inside of a process pool, shared by the files that make it.
 * Read them in this order:
 *   process_pool_worker.c  what runs in a worker process: a loop of requests, each
 *                          answered by running the job and writing a reply
 *   process_pool.c         the pool's life: forking the workers (the fork rule),
 *                          shutdown, reaping
 *   process_pool_jobs.c    jobs as futures on the loop: the queue, handing a job to an
 *                          idle worker, reading its reply without blocking, a worker that
 *                          dies, cancelling
 * Each worker is a fork() of this process joined to it by a socket pair: the loop writes a
 * request (the job's function pointer and its input) down the socket, the worker runs the
 * job and writes a reply (its output) back. Nothing outside those files includes this.
 */
#ifndef LAB_PROCESS_POOL_PRIVATE_H
#define LAB_PROCESS_POOL_PRIVATE_H

#include "list.h"
#include "process_pool.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/* ---- what crosses the socket ---- */

struct request {
    process_job *job; /* the same address in the worker: it is a fork of this process */
    uint64_t len;     /* input bytes that follow */
};

struct reply {
    int64_t result; /* output bytes that follow, or a negative code (a message follows) */
    uint64_t len;
    uint64_t started_ns, finished_ns;
};

/* ---- the pool's side ---- */

struct process_job_future; /* a job, from run_in_process_pool to its end (process_pool_jobs.c) */

struct worker {
    struct process_pool *pool;
    pid_t pid;                      /* 0 once reaped */
    int fd;                         /* our end of its socket; -1 once closed */
    struct process_job_future *job; /* the job it runs, or NULL when idle */
    struct reply reply;
    size_t got;   /* reply bytes read so far: the header, then the output */
    char *output; /* where the output goes, once the header says how long it is */
    int status;   /* its wait status, once reaped */
};

struct process_pool {
    struct loop *loop; /* the loop of the jobs in flight */
    struct list queue; /* struct process_job_future waiting for a worker, oldest first */
    int size, alive, busy;
    struct worker workers[];
};

/* process_pool_worker.c */
/* The worker's life, in the child of a fork(): it never returns. */
noreturn void process_pool_worker_main(int fd, int number, const sigset_t *mask);

/* process_pool_jobs.c */
/* Wait for the busy workers' replies without the loop (blocking), until no job is left. */
void process_pool_finish_jobs(struct process_pool *pool);

#endif
