/*
 * hybrid_parts.h — the two halves of hybrid.c's pipeline that are not its point: the CPU
 * work a worker does (a chunk in, its digest out) and the store on 127.0.0.1 that the
 * digests are sent to by async I/O.
 */
#ifndef CH01_HYBRID_PARTS_H
#define CH01_HYBRID_PARTS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { MAX_CHUNKS = 64 };

/* What a worker is given: this header, then the chunk's bytes. */
struct chunk_header {
    uint32_t index, rounds;
};

/* What it sends back. */
struct digest {
    uint32_t index;
    uint64_t hash;
};

/* FNV-1a over the chunk, `rounds` times over: a stand-in for heavy_computation(data). */
uint64_t hash_rounds(const unsigned char *data, size_t len, uint32_t rounds);

/* cpu_bound_work(data), a process_fn: header and chunk in, its digest out. */
ssize_t cpu_bound_work(const void *in, size_t len, void *out, size_t cap);

/* How many rounds of hashing a chunk take about `seconds` on this machine. */
uint32_t calibrate_rounds(const unsigned char *chunk, size_t len, double seconds);

/*
 * `count` chunks of `len` random bytes (seeded), each behind its header, in xmalloc'd
 * buffers; returns the rounds of hashing that take each about `seconds` here.
 */
uint32_t chunks_make(unsigned char **inputs, int count, size_t len, uint64_t seed, double seconds);

/* The store: a listening socket, and the digests it has received, by chunk. */
struct store {
    int listener;
    struct sockaddr_in addr;
    int expected, count;
    uint64_t stored[MAX_CHUNKS];
};

void store_open(struct store *s, int expected); /* listen on 127.0.0.1, any port */
void *store_task(void *arg);                     /* a task: accept until every chunk is in */
int store_send(const struct store *s, int index, uint64_t hash); /* in a task: 0 or -errno */

#endif
