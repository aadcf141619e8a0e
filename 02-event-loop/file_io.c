/*
 * file_io.c — files and the event loop: why a loop cannot wait for a regular file, and
 * file I/O through the loop's thread pool while a heartbeat keeps ticking (aiofiles).
 *
 * Mirrors A2 「异步IO操作」 / 「异步文件IO」: aiofiles.open, await f.read(), await f.write().
 * An event loop waits for sockets and pipes with epoll; a regular file it cannot wait for:
 * epoll_ctl refuses it (EPERM), and poll() says "ready" at once, although a read can still
 * block on the disk. So aiofiles runs each open, read and write in a thread pool, and the
 * loop awaits the result. Watch the EPERM, poll's "ready" in no time, then the heartbeat:
 * through the pool it ticks on while the file is written and read; called on the loop, the
 * same calls stop it for as long as the "disk" takes (--disk-ms, a cold disk's wait).
 */
#include "args.h"
#include "check.h"
#include "clock.h"
#include "full_io.h"
#include "future.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "table.h"
#include "task.h"
#include "thread_pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static const double TICK = 0.01; /* the heartbeat's interval, in seconds */
static double disk_ms = 30;      /* what each blocking call waits, as a cold disk would */
static char path[256];

/* Part 1: ask epoll and poll about a regular file, as a loop would. */
static void ask_the_kernel(void)
{
    int fd, ep;
    CHECK_SYS(fd = open(path, O_RDONLY));
    CHECK_SYS(ep = epoll_create1(EPOLL_CLOEXEC));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    int rc = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    int err = rc == 0 ? 0 : errno;
    printf("epoll_ctl(ADD, a regular file, EPOLLIN): %s%s%s\n",
           rc == 0 ? "accepted" : "refused: ", err == EPERM ? "EPERM, " : "",
           rc == 0 ? "" : strerror(err));
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    double start = now_sec();
    int ready = poll(&p, 1, 1000);
    double took = now_sec() - start;
    printf("poll(a regular file, 1 s timeout): %d ready after %.3f ms, POLLIN %s, POLLOUT %s: "
           "always ready, whatever the disk is doing\n\n",
           ready, took * 1e3, p.revents & POLLIN ? "set" : "clear",
           p.revents & POLLOUT ? "set" : "clear");
    result_record("file_io.epoll_eperm", err == EPERM, "bool");
    result_record("file_io.poll_in", (p.revents & POLLIN) != 0, "bool");
    result_record("file_io.poll_ms", took * 1e3, "ms");
    close(ep);
    close(fd);
}

/* The blocking calls aiofiles hands to its pool: open, write or read, close. */
struct file_job {
    char *data;
    size_t len;
    bool writing;
    ssize_t done; /* bytes written or read, -1 on error */
};

static void *blocking_file_call(void *arg)
{
    struct file_job *job = arg;
    sleep_sec(disk_ms / 1e3); /* the disk's wait, which poll() did not announce */
    int fd = open(path, job->writing ? O_WRONLY | O_TRUNC : O_RDONLY);
    if (fd < 0) {
        job->done = -1;
        return NULL;
    }
    job->done = job->writing ? (write_all(fd, job->data, job->len) ? (ssize_t)job->len : -1)
                             : read_all(fd, job->data, job->len);
    close(fd);
    return NULL;
}

struct run {
    struct thread_pool *pool; /* NULL: call the file on the loop itself */
    int ticks;
    double last_tick, longest_gap, seconds;
    bool same_bytes, beat_cancelled;
};

/* The time since the last tick: the longest such gap is how long the loop was held. */
static int tick(struct run *run)
{
    double now = now_sec();
    if (now - run->last_tick > run->longest_gap)
        run->longest_gap = now - run->last_tick;
    run->last_tick = now;
    return 1;
}

static void *heartbeat(void *arg)
{
    struct run *run = arg;
    int err;
    while ((err = async_sleep(TICK)) == 0)
        run->ticks += tick(run);
    return task_raise(err, "heartbeat"); /* cancelled: it ends cancelled */
}

/* await f.write(content) or await f.read(): through the pool, or blocking the loop. */
static int file_call(struct run *run, struct file_job *job)
{
    if (!run->pool) {
        blocking_file_call(job);
        return 0;
    }
    struct future *f = run_in_thread_pool(run->pool, blocking_file_call, job);
    int err = await_future(f, NULL);
    future_unref(f);
    return err;
}

static void *main_task(void *arg)
{
    struct run *run = arg;
    struct task *beat = create_task("heartbeat", heartbeat, run);
    run->last_tick = now_sec();
    static char written[64 * 1024], back[sizeof written];
    for (size_t i = 0; i < sizeof written; i++)
        written[i] = (char)('a' + i % 26);
    double start = now_sec();
    say("write %zu bytes (%s)", sizeof written, run->pool ? "in the pool" : "on the loop");
    struct file_job w = {written, sizeof written, true, 0}, r = {back, sizeof back, false, 0};
    int err = file_call(run, &w);
    if (err == 0) {
        say("read them back");
        err = file_call(run, &r);
    }
    run->seconds = now_sec() - start;
    tick(run); /* the gap up to now counts too, though no tick ended it */
    run->same_bytes = err == 0 && w.done == (ssize_t)sizeof written &&
                      r.done == (ssize_t)sizeof back && memcmp(written, back, sizeof back) == 0;
    say("%s, heartbeat ticks meanwhile: %d", run->same_bytes ? "same bytes" : "NOT the same bytes",
        run->ticks);
    task_cancel(beat);
    run->beat_cancelled = await_task(beat, NULL) == -ECANCELED;
    task_release(beat);
    return err ? task_raise(err, "file I/O") : NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("disk-ms", "MS", &disk_ms, 0, 1000, "what each open+write or open+read waits"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "Why an event loop cannot wait for a regular file (epoll refuses it, poll says "
               "ready), and file I/O through the thread pool while a heartbeat ticks.",
               opts);
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/lab-file-io.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd;
    CHECK_SYS(fd = mkstemp(path));
    close(fd);

    ask_the_kernel();
    struct run runs[2] = {{.pool = thread_pool_new(1)}, {.pool = NULL}};
    for (int i = 0; i < 2; i++)
        if (async_run(main_task, &runs[i], NULL) != 0)
            die("the file I/O failed");
    thread_pool_shutdown(runs[0].pool);
    unlink(path);

    struct table *t = table_new("way|seconds|heartbeat ticks|longest gap|bytes back");
    const char *names[] = {"thread pool (aiofiles)", "on the loop (open/read)"};
    for (int i = 0; i < 2; i++)
        table_row(t, "%s|%.3f|%d|%.0f ms|%s", names[i], runs[i].seconds, runs[i].ticks,
                  runs[i].longest_gap * 1e3, runs[i].same_bytes ? "same" : "DIFFERENT");
    printf("\n");
    table_print(t);
    table_free(t);
    bool freed = runs[0].longest_gap < runs[1].longest_gap;
    printf("\nThrough the pool the loop %s while the file waited for the disk (longest gap "
           "%.0f ms against %.0f ms on the loop).\n",
           freed ? "stayed free" : "was NOT freer", runs[0].longest_gap * 1e3,
           runs[1].longest_gap * 1e3);
    const char *key[] = {"pool", "loop"};
    for (int i = 0; i < 2; i++) {
        char name[64];
        snprintf(name, sizeof name, "file_io.ticks.%s", key[i]);
        result_record(name, runs[i].ticks, "ticks");
        snprintf(name, sizeof name, "file_io.gap_ms.%s", key[i]);
        result_record(name, runs[i].longest_gap * 1e3, "ms");
        snprintf(name, sizeof name, "file_io.same_bytes.%s", key[i]);
        result_record(name, runs[i].same_bytes, "bool");
        snprintf(name, sizeof name, "file_io.heartbeat_cancelled.%s", key[i]);
        result_record(name, runs[i].beat_cancelled, "bool");
    }
    return runs[0].same_bytes && runs[1].same_bytes ? 0 : 1;
}
