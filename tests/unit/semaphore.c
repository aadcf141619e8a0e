/*
 * Unit tests of common/semaphore: every law of semaphore.h, after CPython's
 * test_locks.py (SemaphoreTests), on the virtual clock and each backend.
 */
#include "semaphore.h"
#include "runtime_test.h"

#include <errno.h>
#include <stdio.h>

/* Acquire, note it, hold the permit for `hold` seconds, release. */
struct holder {
    struct semaphore *s;
    double hold;
};

static int running, peak;

static void *acquirer(void *arg)
{
    struct holder *h = arg;
    int rc = semaphore_acquire(h->s);
    note("%s:%d@%.3f ", task_name(current_task()), rc, now());
    if (rc)
        return task_raise(rc, NULL);
    if (++running > peak)
        peak = running;
    rc = async_sleep(h->hold);
    running--;
    semaphore_release(h->s);
    return rc ? task_raise(rc, NULL) : NULL;
}

static void start(struct task **t, size_t n, struct holder *h)
{
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "t%zu", i + 1);
        t[i] = create_task(name, acquirer, h);
    }
}

static void release_all(struct task **t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!task_done(t[i])) {
            note("%s still waiting! ", task_name(t[i]));
            task_cancel(t[i]);
            async_sleep(0);
        }
        task_release(t[i]);
    }
}

/* ---- counting: at most N past the semaphore ---- */

static void *batch(void *arg)
{
    (void)arg;
    running = peak = 0;
    struct semaphore *s = semaphore_new(3);
    struct holder h = {s, 0.1};
    struct task *t[10];
    start(t, 10, &h);
    async_sleep(1);
    release_all(t, 10);
    trace[0] = '\0';
    note("peak=%d value=%d", peak, semaphore_value(s));
    semaphore_free(s);
    return NULL;
}

static void *fifo(void *arg)
{
    (void)arg;
    struct semaphore *s = semaphore_new(0);
    struct holder h = {s, 1};
    struct task *t[4];
    start(t, 4, &h);
    async_sleep(0.1);
    for (int i = 0; i < 4; i++) {
        semaphore_release(s);
        async_sleep(0.1);
    }
    async_sleep(1.5);
    release_all(t, 4);
    semaphore_free(s);
    return NULL;
}

/* A permit free while a woken waiter has not yet run: a newcomer still queues behind it. */
static void *no_jumping_the_line(void *arg)
{
    (void)arg;
    struct semaphore *s = semaphore_new(0);
    struct holder h = {s, 0.1};
    struct task *t;
    start(&t, 1, &h);
    async_sleep(0);
    semaphore_release(s); /* t1's */
    semaphore_release(s); /* a spare one */
    note("value=%d locked=%d ", semaphore_value(s), semaphore_locked(s));
    int rc = semaphore_acquire(s);
    note("main:%d@%.3f ", rc, now());
    semaphore_release(s);
    async_sleep(0.2);
    release_all(&t, 1);
    note("value=%d", semaphore_value(s));
    semaphore_free(s);
    return NULL;
}

/* ---- cancelled waiters (test_acquire_cancel_before_awoken, test_acquire_hang...) ---- */

static void *cancel_before_awoken(void *arg)
{
    (void)arg;
    struct semaphore *s = semaphore_new(0);
    struct holder h = {s, 10};
    struct task *t[4];
    start(t, 4, &h);
    async_sleep(0);
    task_cancel(t[0]);
    task_cancel(t[1]);
    semaphore_release(s);
    async_sleep(0);
    async_sleep(0);
    note("done: t3=%d t4=%d value=%d ", task_done(t[2]) || running == 1, task_done(t[3]),
         semaphore_value(s));
    task_cancel(t[2]);
    task_cancel(t[3]);
    async_sleep(0);
    release_all(t, 4);
    running = 0;
    semaphore_free(s);
    return NULL;
}

static void *acquire_hang(void *arg)
{
    (void)arg;
    struct semaphore *s = semaphore_new(0);
    struct holder h = {s, 10};
    struct task *t[2];
    start(t, 2, &h);
    async_sleep(0);
    task_cancel(t[0]);
    semaphore_release(s);
    async_sleep(0);
    async_sleep(0);
    note("locked=%d value=%d ", semaphore_locked(s), semaphore_value(s));
    task_cancel(t[1]);
    async_sleep(0);
    release_all(t, 2);
    running = 0;
    semaphore_free(s);
    return NULL;
}

static void *cancel_after_awoken(void *arg)
{
    (void)arg;
    struct semaphore *s = semaphore_new(0);
    struct holder h = {s, 0.1};
    struct task *t[2];
    start(t, 2, &h);
    async_sleep(0);
    semaphore_release(s); /* wakes t1 and takes the permit for it... */
    task_cancel(t[0]);    /* ...but t1 is cancelled before it runs */
    async_sleep(0.5);
    release_all(t, 2);
    note("value=%d", semaphore_value(s));
    semaphore_free(s);
    return NULL;
}

static void *bounded(void *arg)
{
    (void)arg;
    struct semaphore *s = bounded_semaphore_new(1);
    note("release:%d ", semaphore_release(s));
    note("acquire:%d ", semaphore_acquire(s));
    note("release:%d ", semaphore_release(s));
    note("release:%d value=%d", semaphore_release(s), semaphore_value(s));
    semaphore_free(s);
    return NULL;
}

static void laws(void)
{
    run_virtual(batch, NULL);
    is_str(trace, "peak=3 value=3",
           "%s: ten tasks through a semaphore of 3: never more than 3 at once", backend);
    run_virtual(fifo, NULL);
    is_str(trace, "t1:0@0.100 t2:0@0.200 t3:0@0.300 t4:0@0.400 ",
           "%s: each release lets in the longest-waiting task (first come, first served)", backend);
    run_virtual(no_jumping_the_line, NULL);
    is_str(trace, "value=1 locked=1 t1:0@0.000 main:0@0.000 value=2",
           "%s: with a permit free but a woken waiter not yet run, the semaphore is locked: "
           "a newcomer waits its turn behind it",
           backend);
    run_virtual(cancel_before_awoken, NULL);
    is_str(trace, "t1:-125@0.000 t2:-125@0.000 t3:0@0.000 done: t3=1 t4=0 value=0 t4:-125@0.000 ",
           "%s: value 0, four waiters, t1 and t2 cancelled, one release: exactly t3 gets it, "
           "t4 waits (test_acquire_cancel_before_awoken)",
           backend);
    run_virtual(acquire_hang, NULL);
    is_str(trace, "t1:-125@0.000 t2:0@0.000 locked=1 value=0 ",
           "%s: the first waiter cancelled, one release: the second gets it (test_acquire_hang)",
           backend);
    run_virtual(cancel_after_awoken, NULL);
    is_str(trace, "t1:-125@0.000 t2:0@0.000 value=1",
           "%s: a waiter cancelled at the moment it is woken gives its permit to the next; "
           "none lost, none leaked",
           backend);
    run_virtual(bounded, NULL);
    is_str(trace, "release:-22 acquire:0 release:0 release:-22 value=1",
           "%s: a bounded semaphore refuses a release above its initial value", backend);
}

int main(void)
{
    on_each_backend(laws);
    errno = 0;
    ok(semaphore_new(-1) == NULL && errno == EINVAL, "a negative value: NULL, errno EINVAL");
    struct semaphore *s = semaphore_new(1);
    is_long(semaphore_acquire(s), -EPERM, "acquire outside a task: -EPERM");
    semaphore_free(s);
    return done_testing();
}
