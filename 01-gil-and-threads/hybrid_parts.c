/*
 * hybrid_parts.c — the CPU work and the store of hybrid.c. See hybrid_parts.h.
 */
#include "hybrid_parts.h"

#include "check.h"
#include "clock.h"
#include "rng.h"
#include "say.h"
#include "task.h"
#include "task_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* FNV-1a over the chunk, `rounds` times over: a stand-in for heavy_computation(data). */
uint64_t hash_rounds(const unsigned char *data, size_t len, uint32_t rounds)
{
    uint64_t h = 14695981039346656037u;
    for (uint32_t r = 0; r < rounds; r++)
        for (size_t i = 0; i < len; i++)
            h = (h ^ data[i]) * 1099511628211u;
    return h;
}

/* cpu_bound_work(data): the input is a header and the chunk, the output its digest. */
ssize_t cpu_bound_work(const void *in, size_t len, void *out, size_t cap)
{
    (void)cap;
    struct chunk_header h;
    memcpy(&h, in, sizeof h);
    struct digest d = {h.index,
                       hash_rounds((const unsigned char *)in + sizeof h, len - sizeof h, h.rounds)};
    memcpy(out, &d, sizeof d);
    return sizeof d;
}

/* How many rounds of hashing a chunk take about `seconds` on this machine. */
uint32_t calibrate_rounds(const unsigned char *chunk, size_t len, double seconds)
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

uint32_t chunks_make(unsigned char **inputs, int count, size_t len, uint64_t seed, double seconds)
{
    size_t input_len = sizeof(struct chunk_header) + len;
    struct rng rng;
    rng_seed(&rng, seed);
    for (int i = 0; i < count; i++) {
        inputs[i] = xmalloc(input_len);
        for (size_t b = sizeof(struct chunk_header); b < input_len; b++)
            inputs[i][b] = (unsigned char)rng_next(&rng);
    }
    uint32_t rounds = calibrate_rounds(inputs[0] + sizeof(struct chunk_header), len, seconds);
    for (int i = 0; i < count; i++)
        memcpy(inputs[i], &(struct chunk_header){(uint32_t)i, rounds}, sizeof(struct chunk_header));
    return rounds;
}

/* The store: one connection at a time, one line each ("chunk N HASH"). */
void *store_task(void *arg)
{
    struct store *s = arg;
    while (s->count < s->expected) {
        int fd = sock_accept(s->listener, NULL, NULL);
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
            index >= s->expected || s->stored[index])
            return task_raise(-EPROTO, "store: a bad line: %s", line);
        s->stored[index] = hash;
        s->count++;
        say("stored chunk %d (%d of %d)", index, s->count, s->expected);
    }
    return NULL;
}

void store_open(struct store *s, int expected)
{
    *s = (struct store){.expected = expected};
    s->listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK_SYS(s->listener);
    s->addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof s->addr;
    CHECK_SYS(bind(s->listener, (struct sockaddr *)&s->addr, len));
    CHECK_SYS(listen(s->listener, MAX_CHUNKS));
    CHECK_SYS(getsockname(s->listener, (struct sockaddr *)&s->addr, &len));
}

/* await async_io_operation(result): connect to the store and send it one line. */
int store_send(const struct store *s, int index, uint64_t hash)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return -errno;
    char line[64];
    int n = snprintf(line, sizeof line, "chunk %d %016llx\n", index, (unsigned long long)hash);
    int err = sock_connect(fd, (const struct sockaddr *)&s->addr, sizeof s->addr);
    if (err == 0)
        err = sock_sendall(fd, line, (size_t)n);
    close(fd);
    return err;
}
