/* Unit tests of common/event: every law of event.h, on the virtual clock and each backend. */
#include "event.h"
#include "runtime_test.h"

#include <errno.h>

static void *waiter(void *arg)
{
    int rc = event_wait(arg);
    note("%s:%d@%.3f ", task_name(current_task()), rc, now());
    return rc == -ECANCELED ? task_raise(rc, NULL) : NULL;
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

static void *set_wakes_all(void *arg)
{
    (void)arg;
    struct event *e = event_new();
    note("set=%d ", event_is_set(e));
    struct task *t[3] = {create_task("w1", waiter, e), create_task("w2", waiter, e),
                         create_task("w3", waiter, e)};
    async_sleep(0.5);
    event_set(e);
    event_set(e);
    async_sleep(0.1);
    struct task *late = create_task("late", waiter, e); /* set: returns at once */
    async_sleep(0);
    release_all(t, 3);
    release_all(&late, 1);
    event_free(e);
    return NULL;
}

static void *clear_before_they_run(void *arg)
{
    (void)arg;
    struct event *e = event_new();
    struct task *t[2] = {create_task("w1", waiter, e), create_task("w2", waiter, e)};
    async_sleep(0.1);
    event_set(e);
    event_clear(e); /* before the woken tasks run */
    struct task *after = create_task("after", waiter, e);
    async_sleep(0.1);
    note("set=%d after done=%d ", event_is_set(e), task_done(after));
    event_set(e);
    async_sleep(0);
    release_all(t, 2);
    release_all(&after, 1);
    event_free(e);
    return NULL;
}

static void *cancelled_wait(void *arg)
{
    (void)arg;
    struct event *e = event_new();
    struct task *t = create_task("w1", waiter, e);
    async_sleep(0.1);
    task_cancel(t);
    async_sleep(0);
    note("cancelled=%d", task_cancelled(t));
    task_release(t);
    event_free(e); /* dies if the cancelled waiter were still in the line */
    return NULL;
}

static void laws(void)
{
    run_virtual(set_wakes_all, NULL);
    is_str(trace, "set=0 w1:0@0.500 w2:0@0.500 w3:0@0.500 late:0@0.600 ",
           "%s: an event starts clear; set wakes every waiter, in the order they came; a "
           "wait on a set event returns at once",
           backend);
    run_virtual(clear_before_they_run, NULL);
    is_str(trace, "w1:0@0.100 w2:0@0.100 set=0 after done=0 after:0@0.200 ",
           "%s: tasks woken by set return 0 even if clear runs before they do; a task that "
           "waits after the clear waits for the next set",
           backend);
    run_virtual(cancelled_wait, NULL);
    is_str(trace, "w1:-125@0.100 cancelled=1",
           "%s: a cancelled wait returns -ECANCELED and leaves nothing behind", backend);
}

int main(void)
{
    on_each_backend(laws);
    struct event *e = event_new();
    event_set(e);
    is_long(event_wait(e), -EPERM, "event_wait outside a task: -EPERM");
    event_free(e);
    return done_testing();
}
