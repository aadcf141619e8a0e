/*
 * thread_pool.h — run_in_executor with a ThreadPoolExecutor: a blocking function run in
 * a worker thread, awaited from a task while the loop runs the others.
 *
 *     static void *lookup(void *name) { ... blocks in getaddrinfo() ...; return addr; }
 *
 *     struct thread_pool *pool = thread_pool_new(4);        // before the loop runs
 *     ...
 *     struct future *f = run_in_thread_pool(pool, lookup, "example.org");   // in a task
 *     void *addr;
 *     int err = await_future(f, &addr);
 *     future_unref(f);
 *     ...
 *     thread_pool_shutdown(pool);                           // after the loop's work is done
 *
 * Why: a blocking call made in a task blocks the loop, and every task on it with it (the
 * synchronous `requests` in a coroutine, A1 §5.1). Handed to a pool, the call blocks one of
 * the pool's threads instead, and the loop hears that it ended through
 * loop_call_soon_threadsafe, the one call another thread may make.
 *
 * The laws, each tested in tests/unit/thread_pool.c:
 *   fn(arg) runs in one of the pool's threads, never the loop's; jobs start in the order
 *   they were submitted, up to one per thread at a time.
 *   The future is completed in the loop's thread: the worker hands the result over through
 *   loop_call_soon_threadsafe and never touches the future (futures are not thread-safe).
 *   While a job is out, the loop knows it (loop_external_begin): its virtual clock waits.
 *   A job still in the queue can be cancelled: it never runs, its future ends cancelled.
 *   A running job cannot be stopped (no safe way to stop a thread exists, in C or in
 *   Python), so future_cancel() on its future refuses and returns false, as
 *   concurrent.futures.Future.cancel does. A task cancelled while it awaits a running job
 *   gets -ECANCELED when the job has finished, not before: asyncio returns at once and
 *   lets the thread run on unseen, but in C the thread may still be using `arg`, which
 *   often lives on the task's stack. The job's result stays in its future (future_result),
 *   for the task to free if it owns memory.
 *   So `arg` must stay valid until the job's future is done: awaiting the future directly
 *   ensures it; when something else awaits it for you (a fail-fast gather returns at the
 *   first error while the other jobs still run), keep `arg` off the task's stack.
 *   thread_pool_shutdown() lets the threads finish every job submitted, joins them and
 *   frees the pool (shutdown(wait=True)). The jobs' futures are completed by the loop the
 *   next time it runs: run it before closing it (loop_close dies otherwise). async_run
 *   does so itself: it returns only once every job submitted from its loop is back.
 *
 * Starting threads makes fork() unsafe from then on (process_pool.h says why): create
 * process pools before thread pools.
 */
#ifndef LAB_THREAD_POOL_H
#define LAB_THREAD_POOL_H

struct future;
struct thread_pool;

/* A blocking function, shaped like a thread's body: its return value is the result. */
typedef void *blocking_fn(void *arg);

/* A pool of `threads` threads (named pool-1, pool-2... for say()), started now. */
struct thread_pool *thread_pool_new(int threads);

/*
 * Queue fn(arg) for the pool (loop.run_in_executor(pool, fn, arg)) and return its future,
 * with one reference owned by the caller. Call it on the loop's thread, while the loop
 * runs: NULL with errno ESRCH otherwise.
 */
struct future *run_in_thread_pool(struct thread_pool *pool, blocking_fn *fn, void *arg);

/* Finish every job submitted, join the threads, free the pool (see the last law). */
void thread_pool_shutdown(struct thread_pool *pool);

#endif
