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
#include "hybrid_parts.h"
#include "loop.h"
#include "process_pool.h"
#include "results.h"
#include "say.h"
#include "table.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double TICK = 0.01; /* the heartbeat's interval, in seconds */

/* ---- one run: the chunks, the store, the heartbeat ---- */

struct run {
    /* what it is given */
    struct process_pool *pool; /* NULL: hash on the loop itself */
    int chunks;
    size_t input_len; /* header + chunk bytes */
    unsigned char *inputs[MAX_CHUNKS];
    /* what it finds */
    uint64_t sent[MAX_CHUNKS]; /* the digest each chunk's task sent */
    struct store store;        /* and what the store received */
    double longest_hash; /* the longest a chunk's hashing held the loop (on the loop only) */
    size_t bytes_to_workers, bytes_back;
    int ticks;
    double longest_gap;
    bool beat_cancelled; /* the heartbeat ended cancelled, not with a result */
    int failed;
};

struct chunk_call {
    struct run *run;
    int index;
};

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
    int err = store_send(&run->store, c->index, d.hash);
    return err ? task_raise(err, "chunk %d: store: %s", c->index, strerror(-err)) : NULL;
}

/* Ticks until cancelled, keeping the longest gap between two ticks. */
static void *heartbeat(void *arg)
{
    struct run *run = arg;
    struct loop *loop = loop_get_running();
    double last = loop_time(loop);
    int err;
    while ((err = async_sleep(TICK)) == 0) {
        double now = loop_time(loop), gap = now - last;
        last = now;
        run->ticks++;
        if (gap > run->longest_gap)
            run->longest_gap = gap;
        if (gap > 5 * TICK)
            say("tick %d, %.0f ms after the last: the loop was busy", run->ticks, gap * 1e3);
    }
    return task_raise(err, "heartbeat"); /* cancelled when the work is done: it ends cancelled */
}

static void *hybrid_main(void *arg)
{
    struct run *run = arg;
    store_open(&run->store, run->chunks);
    struct task *store = create_task("store", store_task, &run->store);
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
    run->beat_cancelled = await_task(beat, NULL) == -ECANCELED;
    future_unref(all);
    for (int i = 0; i < run->chunks; i++)
        task_release(tasks[i]);
    task_release(store);
    task_release(beat);
    close(run->store.listener);
    return NULL;
}

int main(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long chunks = 8, chunk_kb = 256, workers = cores > 1 ? cores - 1 : 1, seed = 1;
    double seconds = 0.2;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("chunks", "N", &chunks, 1, MAX_CHUNKS, "chunks of data to process"),
        OPT_QUICK_INT(&chunks, 4),
        OPT_INT("chunk-kb", "K", &chunk_kb, 1, 16384, "size of a chunk, in KiB"),
        OPT_QUICK_INT(&chunk_kb, 64),
        OPT_DOUBLE("seconds", "S", &seconds, 0.001, 60, "CPU seconds of hashing per chunk"),
        OPT_QUICK_DOUBLE(&seconds, 0.08),
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

    /* The pool first, before anything else: its workers are forked now. */
    struct process_pool *pool = process_pool_new((int)workers);

    size_t chunk_len = (size_t)chunk_kb * 1024, input_len = sizeof(struct chunk_header) + chunk_len;
    struct run runs[2] = {{0}}; /* [0] with the pool, [1] on the loop alone */
    unsigned char *inputs[MAX_CHUNKS];
    uint32_t rounds = chunks_make(inputs, (int)chunks, chunk_len, (uint64_t)seed, seconds);

    printf("%ld chunks of %ld KiB, each hashed %u times over (about %.2f s of CPU);\n"
           "a pool of %ld worker%s (%ld cores: cores - 1, one left for the loop).\n\n",
           chunks, chunk_kb, rounds, seconds, workers, workers == 1 ? "" : "s", cores);
    double took[2];
    for (int r = 0; r < 2; r++) { /* the same chunks: in the pool, then on the loop */
        runs[r].pool = r == 0 ? pool : NULL;
        runs[r].chunks = (int)chunks;
        runs[r].input_len = input_len;
        memcpy(runs[r].inputs, inputs, sizeof inputs);
        printf("%s\n", r == 0 ? "-- with the pool:" : "\n-- the same chunks hashed on the loop:");
        fflush(stdout);
        double t0 = now_sec();
        runs[r].failed = async_run(hybrid_main, &runs[r], NULL) != 0;
        took[r] = now_sec() - t0;
    }
    int unclean = process_pool_shutdown(pool);

    int agree = 0;
    for (int i = 0; i < chunks; i++)
        agree += runs[0].store.stored[i] == runs[1].store.stored[i] &&
                 runs[0].sent[i] == runs[0].store.stored[i];
    printf("\n");
    struct table *t = table_new("way|seconds|heartbeat ticks|longest gap|chunks stored");
    const char *names[2] = {"CPU work in the pool", "CPU work on the loop"};
    for (int r = 0; r < 2; r++)
        table_row(t, "%s|%.2f|%d|%.0f ms|%d of %ld", names[r], took[r], runs[r].ticks,
                  runs[r].longest_gap * 1e3, runs[r].store.count, chunks);
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
    const char *figure[] = {"seconds", "ticks", "heartbeat_cancelled", "gap_ms", "stored"};
    const char *unit[] = {"s", "ticks", "bool", "ms", "chunks"};
    for (int r = 0; r < 2; r++) {
        double value[] = {took[r], runs[r].ticks, runs[r].beat_cancelled,
                          runs[r].longest_gap * 1e3, runs[r].store.count};
        for (int f = 0; f < 5; f++) {
            char name[48];
            snprintf(name, sizeof name, "hybrid.%s.%s", figure[f], key[r]);
            result_record(name, value[f], unit[f]);
        }
    }
    result_record("hybrid.workers", (double)workers, "processes");
    result_record("hybrid.hash_ms.loop", runs[1].longest_hash * 1e3, "ms");
    result_record("hybrid.digests_agree", agree, "chunks");
    result_record("hybrid.bytes_to_workers", (double)runs[0].bytes_to_workers, "bytes");
    result_record("hybrid.bytes_back", (double)runs[0].bytes_back, "bytes");
    for (int i = 0; i < chunks; i++)
        free(inputs[i]);
    if (agree != chunks || runs[0].store.count != chunks || runs[1].store.count != chunks ||
        runs[0].failed || runs[1].failed || unclean) {
        fprintf(stderr, "hybrid: FAILED: a chunk not stored, digests that differ, or a worker "
                        "that did not end cleanly\n");
        return 1;
    }
    return 0;
}
