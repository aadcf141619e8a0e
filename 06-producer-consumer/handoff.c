/* handoff.c — see handoff.h. */
#include "handoff.h"

#include "bqueue.h"
#include "check.h"
#include "clock.h"
#include "full_io.h"
#include "queue.h"
#include "task.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ROOM = HANDOFF_ROOM, CHECK_EVERY = 1024 };

/* What a consumer reports: how many items came, whether in order, when the last came. */
struct outcome {
    long items, out_of_order;
    uint64_t end_ns;
};

static double seconds;      /* how long the producer keeps producing */
static uint64_t start_ns;   /* set by the producer side as it starts */

static struct handoff result_of(struct outcome o)
{
    return (struct handoff){o.items, o.out_of_order, (double)(o.end_ns - start_ns) / 1e9};
}

static bool time_is_up(long n)
{
    return n % CHECK_EVERY == 0 && now_ns() - start_ns >= (uint64_t)(seconds * 1e9);
}

static void count(struct outcome *o, long item)
{
    o->out_of_order += item != o->items;
    o->items++;
}

/* ---- Coroutines: the lab's asyncio.Queue, two tasks on one loop. */

struct async_run {
    struct outcome o;
    struct queue *q;
};

static void *async_producer(void *arg)
{
    struct queue *q = arg;
    long n = 0;
    do {
        int err = queue_put(q, (void *)(intptr_t)n++);
        if (err)
            return task_raise(err, "put");
    } while (!time_is_up(n));
    queue_shutdown(q, false);
    return NULL;
}

static void *async_consumer(void *arg)
{
    struct async_run *run = arg;
    void *item;
    while (queue_get(run->q, &item) == 0)
        count(&run->o, (long)(intptr_t)item);
    run->o.end_ns = now_ns();
    return NULL;
}

static void *async_main(void *arg)
{
    struct async_run *run = arg;
    run->q = queue_new(ROOM);
    start_ns = now_ns();
    struct task *c = create_task("consumer", async_consumer, run);
    struct task *p = create_task("producer", async_producer, run->q);
    int err = await_task(p, NULL);
    err = err ? err : await_task(c, NULL);
    task_release(p);
    task_release(c);
    queue_free(run->q);
    return err ? task_raise(err, "async queue") : NULL;
}

struct handoff handoff_async_queue(double how_long)
{
    seconds = how_long;
    struct async_run run = {0};
    if (async_run(async_main, &run, NULL) != 0)
        die("the async queue run failed");
    return result_of(run.o);
}

/* ---- Threads, and processes over shared memory: bqueue.h, the same code for both. */

static void bqueue_produce(struct bqueue *q)
{
    long n = 0;
    do
        CHECK_PT(-bqueue_put(q, (void *)(intptr_t)n++, true));
    while (!time_is_up(n));
    bqueue_shutdown(q, false);
}

static void bqueue_consume(struct bqueue *q, struct outcome *o)
{
    void *item;
    while (bqueue_get(q, &item, true) == 0)
        count(o, (long)(intptr_t)item);
    o->end_ns = now_ns();
}

struct thread_run {
    struct bqueue *q;
    struct outcome o;
};

static void *thread_consumer(void *arg)
{
    struct thread_run *r = arg;
    bqueue_consume(r->q, &r->o);
    return NULL;
}

struct handoff handoff_threads(double how_long)
{
    seconds = how_long;
    struct thread_run r = {bqueue_new(ROOM), {0}};
    pthread_t consumer;
    start_ns = now_ns();
    CHECK_PT(pthread_create(&consumer, NULL, thread_consumer, &r));
    bqueue_produce(r.q);
    CHECK_PT(pthread_join(consumer, NULL));
    bqueue_free(r.q);
    return result_of(r.o);
}

/* The consumer process reports through a page of shared memory. */
static struct outcome *shared_outcome(void)
{
    void *page = mmap(NULL, sizeof(struct outcome), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        die_errno(errno, "mmap");
    return page;
}

static struct outcome reap(pid_t child, struct outcome *shared)
{
    int status;
    CHECK_SYS(waitpid(child, &status, 0));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("the consumer process failed");
    struct outcome o = *shared;
    CHECK_SYS(munmap(shared, sizeof *shared));
    return o;
}

struct handoff handoff_shared_memory(double how_long)
{
    seconds = how_long;
    size_t bytes = bqueue_bytes(ROOM);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        die_errno(errno, "mmap");
    struct bqueue *q = bqueue_init_shared(mem, ROOM);
    struct outcome *shared = shared_outcome();
    start_ns = now_ns();
    pid_t child = xfork();
    if (child == 0) {
        bqueue_consume(q, shared);
        _exit(0);
    }
    bqueue_produce(q);
    struct outcome o = reap(child, shared);
    bqueue_destroy_shared(q);
    CHECK_SYS(munmap(mem, bytes));
    return result_of(o);
}

/* ---- Processes over a pipe: `batch` items (8 bytes each) per write. */

struct handoff handoff_pipe(double how_long, long batch)
{
    seconds = how_long;
    int fds[2];
    CHECK_SYS(pipe(fds));
    struct outcome *shared = shared_outcome();
    start_ns = now_ns();
    pid_t child = xfork();
    if (child == 0) {
        CHECK_SYS(close(fds[1]));
        long items[HANDOFF_MAX_BATCH];
        ssize_t got;
        while ((got = read(fds[0], items, sizeof items)) != 0) {
            if (got < 0 && errno != EINTR)
                die_errno(errno, "read");
            for (ssize_t i = 0; i < got / (ssize_t)sizeof(long); i++)
                count(shared, items[i]);
        }
        shared->end_ns = now_ns();
        CHECK_SYS(close(fds[0]));
        _exit(0);
    }
    CHECK_SYS(close(fds[0]));
    long items[HANDOFF_MAX_BATCH], n = 0;
    do {
        for (long i = 0; i < batch; i++)
            items[i] = n++;
        if (!write_all(fds[1], items, (size_t)batch * sizeof(long)))
            die_errno(errno, "write");
    } while (!time_is_up(n)); /* n is a multiple of the batch, and 1024 of 512 */
    CHECK_SYS(close(fds[1])); /* end of file: the consumer's shutdown */
    return result_of(reap(child, shared));
}

