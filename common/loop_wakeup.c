/*
 * loop_wakeup.c — the self-pipe: how another thread, or a signal, wakes the loop.
 *
 * The loop may be blocked in epoll_wait for minutes. To wake it, anyone writes one
 * byte into a pipe whose read end the loop watches like any other fd; the loop's
 * reader then drains the pipe and schedules the work that was left for it:
 *   - calls from other threads (loop_call_soon_threadsafe), kept in a list under a lock
 *     until the loop's thread moves them into its ready queue: before its own next
 *     call_soon and at each iteration, so they keep the order they were made in, as in
 *     asyncio, where call_soon_threadsafe appends to the ready queue itself;
 *   - signals: the handler only sets a flag and writes the byte, because almost nothing
 *     is safe inside a signal handler (no malloc, no locks, no printf).
 */
#include "loop_private.h"

#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the pipe ---- */

static void wake(int fd)
{
    char byte = 1;
    /* A full pipe already holds a wake-up the loop has not read yet: losing this is fine. */
    ssize_t n = write(fd, &byte, 1);
    (void)n;
}

/* ---- signals: process-wide, so these tables are global; one loop owns each signal ---- */

static atomic_int signal_caught[NSIG];
static atomic_int signal_wake_fd[NSIG];
static struct loop *signal_owner[NSIG];

static void on_signal(int signo)
{
    int saved = errno; /* write() may change errno under the interrupted code's feet */
    atomic_store(&signal_caught[signo], 1);
    wake(atomic_load(&signal_wake_fd[signo]));
    errno = saved;
}

int loop_add_signal_handler_named(struct loop *loop, int signo, const char *name, loop_callback *fn,
                                  void *arg)
{
    loop_check_thread(loop, "loop_add_signal_handler");
    if (signo <= 0 || signo >= NSIG || signo == SIGKILL || signo == SIGSTOP)
        return -EINVAL;
    if (signal_owner[signo] && signal_owner[signo] != loop)
        return -EBUSY;
    struct signal_watch *w = &loop->signals[signo];
    w->fn = fn;
    w->arg = arg;
    w->name = name;
    if (w->installed)
        return 0;
    atomic_store(&signal_caught[signo], 0);
    atomic_store(&signal_wake_fd[signo], loop->wake_write);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* other system calls resume; epoll_wait returns EINTR anyway */
    sigemptyset(&sa.sa_mask);
    if (sigaction(signo, &sa, &w->previous) == -1)
        return -errno;
    w->installed = true;
    signal_owner[signo] = loop;
    return 0;
}

bool loop_remove_signal_handler(struct loop *loop, int signo)
{
    if (signo <= 0 || signo >= NSIG || !loop->signals[signo].installed)
        return false;
    sigaction(signo, &loop->signals[signo].previous, NULL);
    loop->signals[signo] = (struct signal_watch){0};
    signal_owner[signo] = NULL;
    atomic_store(&signal_wake_fd[signo], -1);
    return true;
}

/* ---- calls from other threads ---- */

void loop_call_soon_threadsafe_named(struct loop *loop, const char *name, loop_callback *fn,
                                     void *arg)
{
    CHECK_PT(pthread_mutex_lock(&loop->threadsafe_lock));
    if (loop->nthreadsafe == loop->threadsafe_cap)
        loop->threadsafe = grow_array(loop->threadsafe, &loop->threadsafe_cap,
                                      loop->nthreadsafe + 1, sizeof *loop->threadsafe,
                                      "loop_call_soon_threadsafe");
    loop->threadsafe[loop->nthreadsafe++] = (struct threadsafe_call){fn, arg, name};
    atomic_store(&loop->threadsafe_waiting, loop->nthreadsafe);
    /* One byte per wake-up, not per call: the loop clears the flag before it looks. Done
     * before the unlock: once the loop can take this call, it may run it, finish its work
     * and close, so after the unlock the loop's memory is no longer ours to touch. */
    if (!atomic_exchange(&loop->wake_pending, true))
        wake(loop->wake_write);
    CHECK_PT(pthread_mutex_unlock(&loop->threadsafe_lock));
}

/* The loop's reader on its own pipe: drain it, then schedule what was left for it. */
static void on_wakeup(struct loop *loop, void *arg)
{
    (void)arg;
    char buf[256];
    while (read(loop->wake_read, buf, sizeof buf) > 0)
        ;
    atomic_store(&loop->wake_pending, false);

    for (int signo = 1; signo < NSIG; signo++) {
        struct signal_watch *w = &loop->signals[signo];
        if (w->installed && atomic_exchange(&signal_caught[signo], 0))
            loop_call_soon_named(loop, w->name, w->fn, w->arg);
    }

    loop_take_threadsafe_calls(loop);
}

void loop_take_threadsafe_calls_waiting(struct loop *loop)
{
    CHECK_PT(pthread_mutex_lock(&loop->threadsafe_lock));
    struct threadsafe_call *calls = loop->threadsafe;
    size_t n = loop->nthreadsafe;
    loop->threadsafe = NULL;
    loop->nthreadsafe = loop->threadsafe_cap = 0;
    atomic_store(&loop->threadsafe_waiting, 0);
    CHECK_PT(pthread_mutex_unlock(&loop->threadsafe_lock));
    for (size_t i = 0; i < n; i++)
        loop_ready_push(loop, loop_slot_new(loop, SLOT_READY, calls[i].name, calls[i].fn,
                                            calls[i].arg));
    free(calls);
}

void loop_wakeup_open(struct loop *loop)
{
    int p[2];
    CHECK_SYS(pipe2(p, O_NONBLOCK | O_CLOEXEC));
    loop->wake_read = p[0];
    loop->wake_write = p[1];
    CHECK_PT(pthread_mutex_init(&loop->threadsafe_lock, NULL));
    if (loop_add_reader_named(loop, loop->wake_read, "loop.wakeup", on_wakeup, NULL) < 0)
        die("loop_new: cannot watch the wake-up pipe");
}

void loop_wakeup_close(struct loop *loop)
{
    for (int signo = 1; signo < NSIG; signo++)
        loop_remove_signal_handler(loop, signo);
    loop_remove_reader(loop, loop->wake_read);
    close(loop->wake_read);
    close(loop->wake_write);
    CHECK_PT(pthread_mutex_destroy(&loop->threadsafe_lock));
    free(loop->threadsafe);
}
