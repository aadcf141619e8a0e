/*
 * hybrid.c — CPU work in a pool of cores − 1 worker processes, each result flowing on
 * into async I/O on the loop, which never stops answering meanwhile.
 *
 * Mirrors A1 §6 「异步与多进程混合架构」: hybrid_worker() makes a ProcessPoolExecutor of
 * cpu_count() − 1 workers ("留一个给事件循环"), awaits run_in_executor(pool,
 * cpu_bound_work, big_data), then awaits async_io_operation(result). Here each chunk of
 * "big data" is copied to a worker and hashed there (the CPU work); the chunk's task then
 * connects to a small store on 127.0.0.1, served by another task of the same loop, and
 * sends it the digest. A heartbeat task ticks all along. Watch the heartbeat's longest
 * gap: about one tick with the pool, a whole chunk's hashing when the same chunks are
 * hashed on the loop itself; and the bytes that crossed to the workers and back, the
 * serialisation the article warns about ("注意参数序列化问题").
 */
#include "args.h"
#include "check.h"
#include "clock.h"
#include "future.h"
#include "gather.h"
#include "loop.h"
#include "process_pool.h"
#include "results.h"
#include "rng.h"
#include "say.h"
#include "table.h"
#include "task.h"
#include "task_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_CHUNKS = 64 };
static const double TICK = 0.01; /* the heartbeat's interval, in seconds */

/* ---- the CPU work, in a worker: bytes in, bytes out ---- */

struct chunk_header {
    uint32_t index, rounds;
};

struct digest {
    uint32_t index;
    uint64_t hash;
};

/* FNV-1a over the chunk, `rounds` times over: a stand-in for heavy_computation(data). */
static uint64_t hash_rounds(const unsigned char *data, size_t len, uint32_t rounds)
{
    uint64_t h = 14695981039346656037u;
    for (uint32_t r = 0; r < rounds; r++)
        for (size_t i = 0; i < len; i++)
            h = (h ^ data[i]) * 1099511628211u;
    return h;
}

/* cpu_bound_work(data): the input is a header and the chunk, the output its digest. */
static ssize_t cpu_bound_work(const void *in, size_t len, void *out, size_t cap)
{
    (void)cap;
    struct chunk_header h;
    memcpy(&h, in, sizeof h);
    struct digest d = {h.index,
                       hash_rounds((const unsigned char *)in + sizeof h, len - sizeof h, h.rounds)};
    memcpy(out, &d, sizeof d);
    return sizeof d;
}

/* ---- one run: the chunks, the store, the heartbeat ---- */

struct run {
    /* what it is given */
    struct process_pool *pool; /* NULL: hash on the loop itself */
    int chunks;
    size_t input_len; /* header + chunk bytes */
    unsigned char *inputs[MAX_CHUNKS];
    /* what it finds */
    uint64_t sent[MAX_CHUNKS];   /* the digest each chunk's task sent */
    uint64_t stored[MAX_CHUNKS]; /* the digest the store received */
    int stored_count;
    double longest_hash; /* the longest a chunk's hashing held the loop (on the loop only) */
    size_t bytes_to_workers, bytes_back;
    int ticks;
    double longest_gap;
    int failed;
    int listener;
    struct sockaddr_in store;
};

struct chunk_call {
    struct run *run;
    int index;
};

/* await async_io_operation(result): connect to the store and send it one line. */
static int send_to_store(struct run *run, int index, uint64_t hash)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return -errno;
    char line[64];
    int n = snprintf(line, sizeof line, "chunk %d %016llx\n", index, (unsigned long long)hash);
    int err = sock_connect(fd, (struct sockaddr *)&run->store, sizeof run->store);
    if (err == 0)
        err = sock_sendall(fd, line, (size_t)n);
    close(fd);
    return err;
}

static void *chunk_task(void *arg)
{
    struct chunk_call *c = arg;
    struct run *run = c->run;
    unsigned char *input = run->inputs[c->index];
    struct digest d;
    pid_t where = getpid();
    if (run->pool) { /* result = await loop.run_in_executor(pool, cpu_bound_work, big_data) */
        struct future *f = run_in_process_pool(run->pool, cpu_bound_work, input, run->input_len);
        void *result;
        int err = await_future(f, &result);
        struct process_output *out = result;
        if (err == 0) {
            memcpy(&d, out->data, sizeof d);
            where = out->worker;
            run->bytes_to_workers += run->input_len;
            run->bytes_back += out->len;
        }
        future_unref(f);
        if (err)
            return task_raise(err, "chunk %d: %s", c->index, strerror(-err));
    } else { /* the same work called right here: the loop does nothing else meanwhile */
        double t0 = now_sec();
        cpu_bound_work(input, run->input_len, &d, sizeof d);
        double took = now_sec() - t0;
        if (took > run->longest_hash)
            run->longest_hash = took;
    }
    run->sent[c->index] = d.hash;
    say("digest %016llx (hashed in pid %d); sending it to the store", (unsigned long long)d.hash,
        (int)where);
    int err = send_to_store(run, c->index, d.hash);
    return err ? task_raise(err, "chunk %d: store: %s", c->index, strerror(-err)) : NULL;
}

/* The store: one connection at a time, one line each ("chunk N HASH"). */
static void *store_task(void *arg)
{
    struct run *run = arg;
    while (run->stored_count < run->chunks) {
        int fd = sock_accept(run->listener, NULL, NULL);
        if (fd < 0)
            return task_raise(fd, "accept");
        char line[64];
        size_t got = 0;
        ssize_t n;
        while (got < sizeof line - 1 && (n = sock_recv(fd, line + got, sizeof line - 1 - got)) > 0)
            got += (size_t)n;
        close(fd);
        line[got] = '\0';
        int index;
        unsigned long long hash;
        if (sscanf(line, "chunk %d %llx", &index, &hash) != 2 || index < 0 ||
            index >= run->chunks || run->stored[index])
            return task_raise(-EPROTO, "store: a bad line: %s", line);
        run->stored[index] = hash;
        run->stored_count++;
        say("stored chunk %d (%d of %d)", index, run->stored_count, run->chunks);
    }
    return NULL;
}

/* Ticks until cancelled, keeping the longest gap between two ticks. */
static void *heartbeat(void *arg)
{
    struct run *run = arg;
    struct loop *loop = loop_get_running();
    double last = loop_time(loop);
    while (async_sleep(TICK) == 0) {
        double now = loop_time(loop), gap = now - last;
        last = now;
        run->ticks++;
        if (gap > run->longest_gap)
            run->longest_gap = gap;
        if (gap > 5 * TICK)
            say("tick %d, %.0f ms after the last: the loop was busy", run->ticks, gap * 1e3);
    }
    return NULL; /* cancelled: the work is done */
}

static void open_store(struct run *run)
{
    run->listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK_SYS(run->listener);
    run->store =
        (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof run->store;
    CHECK_SYS(bind(run->listener, (struct sockaddr *)&run->store, len));
    CHECK_SYS(listen(run->listener, MAX_CHUNKS));
    CHECK_SYS(getsockname(run->listener, (struct sockaddr *)&run->store, &len));
}

static void *hybrid_main(void *arg)
{
    struct run *run = arg;
    open_store(run);
    struct task *store = create_task("store", store_task, run);
    struct task *beat = create_task("heartbeat", heartbeat, run);
    struct task *tasks[MAX_CHUNKS];
    struct future *futures[MAX_CHUNKS];
    struct chunk_call calls[MAX_CHUNKS];
    for (int i = 0; i < run->chunks; i++) {
        char name[24];
        snprintf(name, sizeof name, "chunk-%d", i);
        calls[i] = (struct chunk_call){run, i};
        tasks[i] = create_task(name, chunk_task, &calls[i]);
        futures[i] = task_future(tasks[i]);
    }
    struct future *all = gather(futures, (size_t)run->chunks, GATHER_FAIL_FAST);
    int err = await_future(all, NULL);
    if (err == 0)
        err = await_task(store, NULL);
    if (err)
        say("failed: %s", err == -ECANCELED ? "cancelled" : strerror(-err));
    run->failed = err != 0;
    task_cancel(beat);
    await_task(beat, NULL);
    future_unref(all);
    for (int i = 0; i < run->chunks; i++)
        task_release(tasks[i]);
    task_release(store);
    task_release(beat);
    close(run->listener);
    return NULL;
}

static double run_hybrid(struct run *run)
{
    double t0 = now_sec();
    if (async_run(hybrid_main, run, NULL) != 0)
        run->failed = 1;
    return now_sec() - t0;
}

/* How many rounds of hashing a chunk take about `seconds` on this machine. */
static uint32_t calibrate_rounds(const unsigned char *chunk, size_t len, double seconds)
{
    uint32_t rounds = 1;
    double took;
    for (;;) {
        double t0 = now_sec();
        volatile uint64_t h = hash_rounds(chunk, len, rounds);
        (void)h;
        took = now_sec() - t0;
        if (took >= 0.02 || rounds >= 1u << 20)
            break;
        rounds *= 2;
    }
    double wanted = seconds / took * rounds;
    return wanted < 1 ? 1 : wanted > 1e9 ? 1000000000u : (uint32_t)wanted;
}

int main(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long chunks = 8, chunk_kb = 256, workers = cores > 1 ? cores - 1 : 1, seed = 1;
    double seconds = 0.2;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("chunks", "N", &chunks, 1, MAX_CHUNKS, "chunks of data to process"),
        OPT_INT("chunk-kb", "K", &chunk_kb, 1, 16384, "size of a chunk, in KiB"),
        OPT_DOUBLE("seconds", "S", &seconds, 0.001, 60, "CPU seconds of hashing per chunk"),
        OPT_INT("workers", "N", &workers, 1, 64,
                "worker processes (default: cores - 1, at least 1)"),
        OPT_INT("seed", "N", &seed, 0, 1e18, "seed of the chunks' bytes"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "CPU work offloaded to a pool of cores - 1 processes, each result sent on by async\n"
               "I/O, while a heartbeat shows the loop stays free; then the same on the loop alone.",
               opts);
    if (quick && !args_given(&chunks))
        chunks = 4;
    if (quick && !args_given(&chunk_kb))
        chunk_kb = 64;
    if (quick && !args_given(&seconds))
        seconds = 0.08;

    /* The pool first, before anything else: its workers are forked now. */
    struct process_pool *pool = process_pool_new((int)workers);

    size_t chunk_len = (size_t)chunk_kb * 1024, input_len = sizeof(struct chunk_header) + chunk_len;
    struct rng rng;
    rng_seed(&rng, (uint64_t)seed);
    struct run runs[2] = {{0}}; /* [0] with the pool, [1] on the loop alone */
    unsigned char *inputs[MAX_CHUNKS];
    for (int i = 0; i < chunks; i++) {
        inputs[i] = xmalloc(input_len);
        for (size_t b = sizeof(struct chunk_header); b < input_len; b++)
            inputs[i][b] = (unsigned char)rng_next(&rng);
    }
    uint32_t rounds = calibrate_rounds(inputs[0] + sizeof(struct chunk_header), chunk_len, seconds);
    for (int i = 0; i < chunks; i++)
        memcpy(inputs[i], &(struct chunk_header){(uint32_t)i, rounds}, sizeof(struct chunk_header));

    printf("%ld chunks of %ld KiB, each hashed %u times over (about %.2f s of CPU);\n"
           "a pool of %ld worker%s (%ld cores: cores - 1, one left for the loop).\n\n",
           chunks, chunk_kb, rounds, seconds, workers, workers == 1 ? "" : "s", cores);
    double took[2];
    for (int r = 0; r < 2; r++) {
        runs[r].pool = r == 0 ? pool : NULL;
        runs[r].chunks = (int)chunks;
        runs[r].input_len = input_len;
        memcpy(runs[r].inputs, inputs, sizeof inputs);
        printf("%s\n", r == 0 ? "-- with the pool:" : "\n-- the same chunks hashed on the loop:");
        fflush(stdout);
        took[r] = run_hybrid(&runs[r]);
    }
    int unclean = process_pool_shutdown(pool);

    int agree = 0;
    for (int i = 0; i < chunks; i++)
        agree += runs[0].stored[i] == runs[1].stored[i] && runs[0].sent[i] == runs[0].stored[i];
    printf("\n");
    struct table *t = table_new("way|seconds|heartbeat ticks|longest gap|chunks stored");
    const char *names[2] = {"CPU work in the pool", "CPU work on the loop"};
    for (int r = 0; r < 2; r++)
        table_row(t, "%s|%.2f|%d|%.0f ms|%d of %ld", names[r], took[r], runs[r].ticks,
                  runs[r].longest_gap * 1e3, runs[r].stored_count, chunks);
    table_print(t);
    table_free(t);
    printf(
        "\nThe heartbeat ticks every %.0f ms. With the pool its longest gap stays near that.\n"
        "On the loop it waited %.0f ms: the chunk tasks hashed one after another without ever\n"
        "suspending (a chunk takes %.0f ms), and nothing else ran meanwhile, not even the store.\n"
        "With %ld worker%s the pool %s.\n"
        "To the workers: %zu bytes of input copied; back: %zu bytes of digests.\n"
        "Digests: the pool's and the loop's agree for %d of %ld chunks.\n",
        TICK * 1e3, runs[1].longest_gap * 1e3, runs[1].longest_hash * 1e3, workers,
        workers == 1 ? "" : "s",
        workers == 1 ? "buys a free loop, not speed: one core hashes either way"
                     : "buys a free loop, and divides the hashing between its workers",
        runs[0].bytes_to_workers, runs[0].bytes_back, agree, chunks);

    const char *key[2] = {"pool", "loop"};
    for (int r = 0; r < 2; r++) {
        char name[48];
        snprintf(name, sizeof name, "hybrid.seconds.%s", key[r]);
        result_record(name, took[r], "s");
        snprintf(name, sizeof name, "hybrid.ticks.%s", key[r]);
        result_record(name, runs[r].ticks, "ticks");
        snprintf(name, sizeof name, "hybrid.gap_ms.%s", key[r]);
        result_record(name, runs[r].longest_gap * 1e3, "ms");
        snprintf(name, sizeof name, "hybrid.stored.%s", key[r]);
        result_record(name, runs[r].stored_count, "chunks");
    }
    result_record("hybrid.workers", (double)workers, "processes");
    result_record("hybrid.hash_ms.loop", runs[1].longest_hash * 1e3, "ms");
    result_record("hybrid.digests_agree", agree, "chunks");
    result_record("hybrid.bytes_to_workers", (double)runs[0].bytes_to_workers, "bytes");
    result_record("hybrid.bytes_back", (double)runs[0].bytes_back, "bytes");
    for (int i = 0; i < chunks; i++)
        free(inputs[i]);
    if (agree != chunks || runs[0].stored_count != chunks || runs[1].stored_count != chunks ||
        runs[0].failed || runs[1].failed || unclean) {
        fprintf(stderr, "hybrid: FAILED: a chunk not stored, digests that differ, or a worker "
                        "that did not end cleanly\n");
        return 1;
    }
    return 0;
}
