/*
 * thread_cancel.c — cancelling a thread: pthread_cancel with cleanup handlers, or a flag.
 *
 * Beside the articles' task cancellation (A0 §2.3 「任务取消不当」, A1 §8.1 「优雅停机方案」):
 * Python has no way to cancel a thread, and C has one that is hard to use. A cancel acts
 * only at a cancellation point (pthread_cond_wait, read, sleep...; pthread_mutex_lock is
 * not one); the cleanup handlers then run and the thread ends PTHREAD_CANCELED. A thread
 * cancelled in pthread_cond_wait holds the mutex again when its handlers run: a handler
 * must unlock it, or the mutex stays locked by a thread that no longer exists.
 * Asynchronous cancellation stops a thread anywhere, which is safe only in code that
 * neither allocates nor locks. The cooperative way (a flag set, and a broadcast, under
 * the mutex) is what asyncio's tasks do in spirit: the thread stops where it chooses.
 * Watch each verdict, then the time each way takes to stop a waiting thread.
 */
#include "args.h"
#include "check.h"
#include "clock.h"
#include "results.h"
#include "say.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

/* Where threads wait: a flag (the cooperative stop) guarded by a mutex, and a condition. */
struct room {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool stop;
    bool with_handler; /* do waiters push the cleanup handler that unlocks? */
};
#define ROOM(handler)                                                                              \
    {                                                                                              \
        PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, .with_handler = handler               \
    }

static atomic_int handler_runs;
static atomic_bool give_up;

static void unlock_mutex(void *mutex)
{
    atomic_fetch_add(&handler_runs, 1);
    pthread_mutex_unlock(mutex); /* the cancelled pthread_cond_wait left us holding it */
}

/* Waits for `stop`; pthread_cond_wait is a cancellation point. */
static void *waiter(void *arg)
{
    struct room *r = arg;
    CHECK_PT(pthread_mutex_lock(&r->mutex));
    if (r->with_handler) {
        pthread_cleanup_push(unlock_mutex, &r->mutex);
        while (!r->stop) /* a while, not an if: wake-ups can be spurious */
            pthread_cond_wait(&r->cond, &r->mutex);
        pthread_cleanup_pop(0);
    } else {
        while (!r->stop)
            pthread_cond_wait(&r->cond, &r->mutex);
    }
    CHECK_PT(pthread_mutex_unlock(&r->mutex));
    return "stopped by the flag";
}

/* Blocks in pthread_mutex_lock, which is not a cancellation point. */
static void *locker(void *arg)
{
    struct room *r = arg;
    CHECK_PT(pthread_mutex_lock(&r->mutex));
    pthread_cleanup_push(unlock_mutex, &r->mutex);
    pthread_testcancel(); /* the first cancellation point after the lock */
    pthread_cleanup_pop(1);
    return "not cancelled";
}

/* Pure arithmetic: no cancellation point at all. */
static void *compute(void *asynchronous)
{
    if (asynchronous)
        pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
    volatile unsigned long x = 0;
    while (!atomic_load_explicit(&give_up, memory_order_relaxed))
        x++;
    return "ran to its end";
}

/* True while `t` has not ended, 0.1 s after being cancelled. */
static bool still_running_after_cancel(pthread_t t)
{
    sleep_sec(0.1);
    void *ignored;
    int rc = pthread_tryjoin_np(t, &ignored);
    if (rc == 0)
        die("the thread ended before the demo expected it to");
    return rc == EBUSY;
}

static bool verdict(bool ok, const char *what)
{
    printf("   %s: %s\n", ok ? "yes" : "NO", what);
    return ok;
}

/* The threads of this process, as the kernel counts them (/proc/self/task). */
static int threads_alive(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    CHECK_PT(pthread_create(t, NULL, fn, arg));
    sleep_sec(0.05); /* let it reach its wait */
}

/* Stop `n` waiting threads one way or the other; returns the time per thread, in µs. */
static double time_to_stop(int n, bool by_cancel)
{
    pthread_t t[16];
    struct room r = ROOM(true);
    for (int i = 0; i < n; i++)
        CHECK_PT(pthread_create(&t[i], NULL, waiter, &r));
    sleep_sec(0.02);
    uint64_t began = now_ns();
    if (by_cancel) {
        for (int i = 0; i < n; i++)
            CHECK_PT(pthread_cancel(t[i]));
    } else {
        CHECK_PT(pthread_mutex_lock(&r.mutex)); /* set and broadcast under the mutex: no */
        r.stop = true;                          /* waiter can check, miss it, then sleep */
        CHECK_PT(pthread_cond_broadcast(&r.cond));
        CHECK_PT(pthread_mutex_unlock(&r.mutex));
    }
    for (int i = 0; i < n; i++)
        CHECK_PT(pthread_join(t[i], NULL)); /* the only sign a thread has really ended */
    CHECK_PT(pthread_cond_destroy(&r.cond));
    CHECK_PT(pthread_mutex_destroy(&r.mutex));
    return (now_ns() - began) / 1e3 / n;
}

int main(int argc, char **argv)
{
    long threads = 4, rounds = 20;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("threads", "N", &threads, 1, 16, "waiting threads stopped at once in the timing"),
        OPT_INT("iterations", "N", &rounds, 1, 100000, "timing rounds (the best is kept)"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&rounds, 3),
        OPT_END,
    };
    args_parse(argc, argv,
               "Cancelling threads: pthread_cancel and its cleanup handlers (cancellation "
               "points, the mutex a cancelled pthread_cond_wait holds, asynchronous "
               "cancellation) against a stop flag and a broadcast; the time each takes.",
               opts);
    say_my_name("main");
    bool right = true;
    pthread_t t;
    void *ret;

    printf("1. pthread_cancel in pthread_cond_wait, with a cleanup handler that unlocks\n");
    struct room room = ROOM(true);
    start(&t, waiter, &room);
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &ret));
    /* Counted now, not at the start: ThreadSanitizer starts a thread of its own then. */
    int at_start = threads_alive();
    right &= verdict(ret == PTHREAD_CANCELED, "pthread_join says PTHREAD_CANCELED");
    right &= verdict(atomic_load(&handler_runs) == 1, "the cleanup handler ran and unlocked");
    int rc = pthread_mutex_trylock(&room.mutex);
    right &= verdict(rc == 0, "the mutex is free afterwards (trylock succeeds)");
    if (rc == 0)
        CHECK_PT(pthread_mutex_unlock(&room.mutex));

    printf("\n2. the same thread without the handler (DELIBERATELY BROKEN)\n");
    static struct room lost = ROOM(false); /* its mutex is lost for good: never reused */
    start(&t, waiter, &lost);
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &ret));
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec = (deadline.tv_nsec + 200000000) % 1000000000; /* 0.2 s from now */
    deadline.tv_sec += deadline.tv_nsec < 200000000;                /* (it wrapped) */
    rc = pthread_mutex_timedlock(&lost.mutex, &deadline);
    right &= verdict(rc == ETIMEDOUT, "pthread_mutex_timedlock gives up after 0.2 s: the mutex is "
                                      "held by a thread that no longer exists (a lock would hang)");
    result_record("thread_cancel.unhandled_mutex_stuck", rc == ETIMEDOUT, "bool");

    printf("\n3. a thread blocked in pthread_mutex_lock: not a cancellation point\n");
    CHECK_PT(pthread_mutex_lock(&room.mutex));
    start(&t, locker, &room);
    CHECK_PT(pthread_cancel(t));
    bool blocked = still_running_after_cancel(t);
    right &= verdict(blocked, "0.1 s after pthread_cancel it is still waiting for the lock");
    CHECK_PT(pthread_mutex_unlock(&room.mutex));
    CHECK_PT(pthread_join(t, &ret));
    right &= verdict(ret == PTHREAD_CANCELED, "given the lock, it ends at pthread_testcancel, "
                                              "its handler unlocking");
    result_record("thread_cancel.lock_not_a_point", blocked, "bool");
    CHECK_PT(pthread_cond_destroy(&room.cond));
    CHECK_PT(pthread_mutex_destroy(&room.mutex));

    printf("\n4. a compute loop with no cancellation point\n");
    start(&t, compute, NULL);
    CHECK_PT(pthread_cancel(t));
    bool deferred_runs = still_running_after_cancel(t);
    atomic_store(&give_up, true); /* the demo's own way to end it */
    CHECK_PT(pthread_join(t, &ret));
    atomic_store(&give_up, false);
    right &= verdict(deferred_runs && ret != PTHREAD_CANCELED,
                     "deferred: still running 0.1 s after the cancel, which never acts");
    start(&t, compute, "asynchronous");
    uint64_t began = now_ns();
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &ret));
    printf("   asynchronous: ended %s %.0f µs after the cancel (safe only because the loop\n"
           "   neither allocates nor locks: a thread stopped inside malloc keeps its lock)\n",
           ret == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "normally", (now_ns() - began) / 1e3);
    right &= ret == PTHREAD_CANCELED;

    printf("\n5. stopping %ld waiting threads: pthread_cancel, or a flag and a broadcast\n",
           threads);
    double by_cancel = 1e9, by_flag = 1e9;
    for (long r = 0; r < rounds; r++) {
        double c = time_to_stop(threads, true), f = time_to_stop(threads, false);
        by_cancel = c < by_cancel ? c : by_cancel;
        by_flag = f < by_flag ? f : by_flag;
    }
    printf("   pthread_cancel + join:    %7.1f µs per thread (best of %ld)\n", by_cancel, rounds);
    printf("   flag + broadcast + join:  %7.1f µs per thread\n\n", by_flag);
    result_record("thread_cancel.us.cancel", by_cancel, "us");
    result_record("thread_cancel.us.flag", by_flag, "us");
    int left = threads_alive() - at_start;
    right &= verdict(left == 0, "no thread left behind (counted in /proc/self/task)");
    result_record("thread_cancel.threads_left", left, "count");
    result_record("thread_cancel.verdicts_right", right, "bool");
    printf("\n%s\n", right ? "every verdict as the laws say" : "A VERDICT WENT THE OTHER WAY");
    return right ? 0 : 1;
}
