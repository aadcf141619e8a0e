/*
 * thread_pool.c — blocking functions in worker threads, as futures. See thread_pool.h.
 *
 * A job is a future with what the worker needs beside it. It lives in a queue guarded by
 * the pool's lock until a thread takes it; the thread runs it with no lock held, then
 * posts job_finished to the loop, which completes the future in the loop's thread.
 * Python's ThreadPoolExecutor is the same queue and the same threads; asyncio's
 * run_in_executor adds the call_soon_threadsafe that brings the result home.
 */
#include "thread_pool.h"

#include "check.h"
#include "future.h"
#include "list.h"
#include "loop.h"
#include "say.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* A job leaves the queue once: taken by a thread (running) or cancelled. */
enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_CANCELLED };

struct thread_job {
    struct future future; /* first: a job is a future (future_new_extended) */
    struct thread_pool *pool;
    blocking_fn *fn;
    void *arg;
    void *result;          /* written by the worker, read by the loop after job_finished */
    atomic_int state;      /* enum job_state; changed under the pool's lock */
    struct list_node node; /* in the pool's queue while JOB_QUEUED */
};

struct thread_pool {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job was queued, or the pool is closing */
    struct list queue;   /* struct thread_job, oldest first */
    bool closing;
    int nthreads;
    struct worker {
        struct thread_pool *pool;
        pthread_t thread;
        int number;
    } workers[];
};

/* ---- the loop's side ---- */

/* In the loop's thread, after the worker has let go of the job. */
static void job_finished(struct loop *loop, void *arg)
{
    struct thread_job *job = arg;
    future_set_result(&job->future, job->result);
    loop_external_end(loop);
    future_unref(&job->future); /* the pool's reference */
}

/* Take the job out of the queue if no thread has taken it yet. */
static bool unqueue(struct thread_job *job)
{
    struct thread_pool *pool = job->pool;
    bool taken = false;
    CHECK_PT(pthread_mutex_lock(&pool->lock));
    if (atomic_load(&job->state) == JOB_QUEUED) {
        list_remove(&pool->queue, &job->node);
        atomic_store(&job->state, JOB_CANCELLED);
        taken = true;
    }
    CHECK_PT(pthread_mutex_unlock(&pool->lock));
    return taken;
}

/* future_cancel() on a job: only a job still queued can be cancelled. */
static bool cancel_job(struct future *f)
{
    struct thread_job *job = (struct thread_job *)f;
    /* Once running, a job never goes back to the queue: no need to lock to see that (and
     * after thread_pool_shutdown, when job->pool is gone, no job is queued any more). */
    if (atomic_load(&job->state) != JOB_QUEUED || !unqueue(job))
        return false;
    future_set_cancel_hook(f, NULL);
    future_cancel(f);
    loop_external_end(future_loop(f));
    future_unref(f); /* the pool's reference */
    return true;
}

struct future *run_in_thread_pool(struct thread_pool *pool, blocking_fn *fn, void *arg)
{
    struct loop *loop = loop_get_running();
    if (!loop) {
        errno = ESRCH; /* asyncio: no running event loop */
        return NULL;
    }
    struct thread_job *job = (struct thread_job *)future_new_extended(loop, sizeof *job, NULL);
    future_set_name(&job->future, "thread job");
    future_set_cancel_hook(&job->future, cancel_job);
    job->pool = pool;
    job->fn = fn;
    job->arg = arg;
    atomic_init(&job->state, JOB_QUEUED);
    future_ref(&job->future); /* the pool's reference, until job_finished or cancel_job */
    loop_external_begin(loop);

    CHECK_PT(pthread_mutex_lock(&pool->lock));
    list_push_back(&pool->queue, &job->node);
    CHECK_PT(pthread_cond_signal(&pool->work));
    CHECK_PT(pthread_mutex_unlock(&pool->lock));
    return &job->future;
}

/* ---- the workers' side ---- */

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct thread_pool *pool = w->pool;
    char name[16];
    snprintf(name, sizeof name, "pool-%d", w->number);
    say_my_name(name);

    CHECK_PT(pthread_mutex_lock(&pool->lock));
    for (;;) {
        while (list_empty(&pool->queue) && !pool->closing)
            CHECK_PT(pthread_cond_wait(&pool->work, &pool->lock));
        struct list_node *next = list_pop_front(&pool->queue);
        if (!next)
            break; /* closing, and nothing left to run */
        struct thread_job *job = list_entry(next, struct thread_job, node);
        atomic_store(&job->state, JOB_RUNNING);
        CHECK_PT(pthread_mutex_unlock(&pool->lock));

        job->result = job->fn(job->arg);
        /* The last thing this thread does with the job: the loop owns it from here. */
        loop_call_soon_threadsafe(future_loop(&job->future), job_finished, job);

        CHECK_PT(pthread_mutex_lock(&pool->lock));
    }
    CHECK_PT(pthread_mutex_unlock(&pool->lock));
    return NULL;
}

struct thread_pool *thread_pool_new(int threads)
{
    if (threads < 1)
        die("thread_pool_new: %d threads", threads);
    struct thread_pool *pool = xcalloc(1, sizeof *pool + (size_t)threads * sizeof pool->workers[0]);
    CHECK_PT(pthread_mutex_init(&pool->lock, NULL));
    CHECK_PT(pthread_cond_init(&pool->work, NULL));
    list_init(&pool->queue);
    pool->nthreads = threads;
    for (int i = 0; i < threads; i++) {
        pool->workers[i] = (struct worker){.pool = pool, .number = i + 1};
        CHECK_PT(pthread_create(&pool->workers[i].thread, NULL, worker_main, &pool->workers[i]));
    }
    return pool;
}

void thread_pool_shutdown(struct thread_pool *pool)
{
    CHECK_PT(pthread_mutex_lock(&pool->lock));
    pool->closing = true;
    CHECK_PT(pthread_cond_broadcast(&pool->work));
    CHECK_PT(pthread_mutex_unlock(&pool->lock));
    for (int i = 0; i < pool->nthreads; i++)
        CHECK_PT(pthread_join(pool->workers[i].thread, NULL));
    CHECK_PT(pthread_cond_destroy(&pool->work));
    CHECK_PT(pthread_mutex_destroy(&pool->lock));
    free(pool);
}
