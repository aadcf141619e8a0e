/* latency.c — see latency.h. */
#include "latency.h"

#include <math.h>
#include <string.h>

void latency_init(struct latency *h)
{
    memset(h, 0, sizeof *h);
}

/*
 * Below 64 a value is its own bucket. From 64 on, a value with its highest bit at
 * position p (2^p <= v < 2^(p+1)) falls in one of the 64 equal slices of that range,
 * numbered from its six bits below the highest: so the bucket's width is 2^(p-6),
 * a 64th of the value.
 */
static unsigned bucket_of(uint64_t v)
{
    if (v < LATENCY_SUB_BUCKETS)
        return (unsigned)v;
    unsigned p = 63u - (unsigned)__builtin_clzll(v);
    if (p >= LATENCY_MAX_POWER)
        return LATENCY_BUCKETS - 1;
    unsigned slice = (unsigned)(v >> (p - 6)) - LATENCY_SUB_BUCKETS;
    return (p - 5) * LATENCY_SUB_BUCKETS + slice;
}

/* The middle of bucket `b`: the value it stands for. */
static uint64_t bucket_value(unsigned b)
{
    if (b < LATENCY_SUB_BUCKETS)
        return b;
    unsigned p = b / LATENCY_SUB_BUCKETS + 5, slice = b % LATENCY_SUB_BUCKETS;
    uint64_t low = (uint64_t)(LATENCY_SUB_BUCKETS + slice) << (p - 6);
    return low + ((uint64_t)1 << (p - 6)) / 2;
}

void latency_add(struct latency *h, uint64_t ns)
{
    h->buckets[bucket_of(ns)]++;
    h->count++;
    h->sum_ns += ns;
    if (ns > h->max_ns)
        h->max_ns = ns;
}

void latency_merge(struct latency *into, const struct latency *from)
{
    for (unsigned b = 0; b < LATENCY_BUCKETS; b++)
        into->buckets[b] += from->buckets[b];
    into->count += from->count;
    into->sum_ns += from->sum_ns;
    if (from->max_ns > into->max_ns)
        into->max_ns = from->max_ns;
}

uint64_t latency_percentile(const struct latency *h, double percent)
{
    if (h->count == 0)
        return 0;
    /* The rank of the sample we want, counting from 1: the smallest covering `percent`. */
    uint64_t rank = (uint64_t)ceil(percent / 100.0 * (double)h->count);
    if (rank < 1)
        rank = 1;
    if (rank >= h->count)
        return h->max_ns;
    uint64_t seen = 0;
    for (unsigned b = 0; b < LATENCY_BUCKETS; b++) {
        seen += h->buckets[b];
        if (seen >= rank) {
            uint64_t v = bucket_value(b);
            return v < h->max_ns ? v : h->max_ns;
        }
    }
    return h->max_ns;
}

double latency_mean(const struct latency *h)
{
    return h->count ? (double)h->sum_ns / (double)h->count : 0;
}
