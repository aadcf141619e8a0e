/*
 * process_pool.h — run_in_executor with a ProcessPoolExecutor: a CPU job run in a worker
 * process, awaited from a task, so the loop's one thread stays free and the job gets a
 * core of its own.
 *
 *     // Bytes in, bytes out: all that crosses to the worker and back.
 *     static ssize_t count_to(const void *in, size_t len, void *out, size_t cap)
 *     {
 *         uint64_t n, count;
 *         memcpy(&n, in, sizeof n);
 *         count = burn(n);
 *         memcpy(out, &count, sizeof count);
 *         return sizeof count;
 *     }
 *
 *     struct process_pool *pool = process_pool_new(0);    // first, before any thread
 *     ...
 *     uint64_t n = 100000000;                             // in a task:
 *     struct future *f = run_in_process_pool(pool, count_to, &n, sizeof n);
 *     void *result;
 *     int err = await_future(f, &result);
 *     struct process_output *out = result;                // out->data, out->len
 *     future_unref(f);
 *     ...
 *     if (process_pool_shutdown(pool) != 0) ...           // a worker ended badly
 *
 * Arguments and results are bytes (A1 §6: "注意参数序列化问题"). A process shares no memory
 * with the loop, so the input is copied down a socket to the worker and the output copied
 * back: a pointer in the input would point into the worker's copy of memory, not yours.
 * Python pickles both ways for the same reason; the job itself is a function pointer
 * that means the same in the worker because the worker is a fork() of this process
 * (Python sends the function's name instead: why a job must be a module-level function).
 * Large inputs cost copying: the serialisation is the price of the second core.
 *
 * The fork rule: create process pools before any thread exists (before a thread pool),
 * or after every thread has been joined. fork() copies only the calling thread; a lock
 * another thread held at that instant (malloc's, stdio's, yours) stays locked forever in
 * the child, and ThreadSanitizer and valgrind do not support a fork after threads.
 * Python 3.14 stopped forking by default for this reason. process_pool_new() checks:
 * with another thread alive it dies, saying so. (The workers are forked once, when the
 * pool is made; a worker that dies is not replaced, since forking again could be too late.)
 *
 * The laws, each tested in tests/unit/process_pool.c:
 *   Each job runs in one of the pool's worker processes, one job per worker at a time,
 *   queued jobs in the order they were submitted. The loop never blocks on a worker: it
 *   watches the worker's socket like any other fd and reads the reply as it comes.
 *   Workers ignore SIGINT (the article's init_worker): Ctrl-C is the parent's to handle.
 *   A job that fails (returns a negative code) ends its future with that code and the
 *   message it wrote in `out`, the C face of an exception sent back from the worker.
 *   A worker that dies during a job (a crash, a kill) ends that job's future with -EPIPE
 *   and a message naming the worker and how it died; never a hang. The pool goes on
 *   with the workers it has left; with none left, every job fails with -EPIPE at once
 *   (Python's BrokenProcessPool).
 *   A queued job can be cancelled: it never runs. A running job is not stopped (asyncio
 *   does not stop it either): its future ends cancelled at once, so its awaiting task
 *   goes on at once (nothing of the task's is in the worker: the input was a copy), and
 *   the worker's reply is read and thrown away when it comes (async_run waits for it
 *   before it closes the loop, even when main has already returned).
 *   While a job is out, the loop knows it (loop_external_begin): its virtual clock waits.
 *   process_pool_shutdown() waits for every job submitted (shutdown(wait=True)), closes
 *   the sockets so the workers exit, and reaps every worker: no zombie is left.
 */
#ifndef LAB_PROCESS_POOL_H
#define LAB_PROCESS_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct future;
struct process_pool;

enum { PROCESS_JOB_OUTPUT_MAX = 64 * 1024 };

/*
 * A CPU job, run in a worker: reads `len` bytes of input, writes at most `cap` bytes of
 * output, returns how many it wrote; or fails with a negative errno-style code, having
 * written a message (a C string) in `out` if it has one.
 */
typedef ssize_t process_job(const void *in, size_t len, void *out, size_t cap);

/* What a job's future ends with: the output, and where and when it was made. */
struct process_output {
    const void *data; /* the job's output, valid while you hold the future */
    size_t len;
    pid_t worker;                     /* the worker process that ran it */
    uint64_t started_ns, finished_ns; /* now_ns() in the worker: one clock for every process */
};

/*
 * A pool of `workers` processes (0: one per core online), forked now. Dies if another
 * thread exists (see the fork rule above).
 */
struct process_pool *process_pool_new(int workers);

/*
 * Copy `len` bytes of input, queue job(input) for the pool and return its future, with
 * one reference owned by the caller; its result is a struct process_output *. Call it on
 * the loop's thread while the loop runs: NULL with errno ESRCH otherwise, or EXDEV while
 * the pool still has jobs of another loop in flight.
 */
struct future *run_in_process_pool(struct process_pool *pool, process_job *job, const void *input,
                                   size_t len);

/* Workers the pool was made with, the pid of worker `i` (0 once it is dead and reaped). */
int process_pool_size(const struct process_pool *pool);
pid_t process_pool_pid(const struct process_pool *pool, int i);

/*
 * Wait for every job submitted (blocking: call it when the loop's work is done), then
 * end and reap every worker and free the pool. Returns how many workers did not end
 * cleanly (exit status 0): died, were killed, or exited with an error.
 */
int process_pool_shutdown(struct process_pool *pool);

#endif
