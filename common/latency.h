/*
 * latency.h — a latency histogram: percentiles of millions of samples in 18 KiB.
 *
 * Keeping every sample costs memory that grows with the run, and sorting them costs
 * time at the end. A log-linear histogram (the idea behind HdrHistogram) keeps one
 * count per bucket instead: 64 buckets per power of two, so a percentile is known to
 * within 1/64 (1.6 %) of its value, whether it is 20 µs or 2 s. Values below 64 ns,
 * and the maximum, are exact.
 *
 *     struct latency h;
 *     latency_init(&h);
 *     latency_add(&h, now_ns() - sent_at);          // once per response
 *     printf("p99 %.0f us\n", latency_percentile(&h, 99) / 1e3);
 */
#ifndef LAB_LATENCY_H
#define LAB_LATENCY_H

#include <stdint.h>

enum {
    LATENCY_SUB_BUCKETS = 64, /* per power of two: the precision */
    LATENCY_MAX_POWER = 40,   /* values of 2^40 ns (18 minutes) and more share the last bucket */
    LATENCY_BUCKETS = (LATENCY_MAX_POWER - 5) * LATENCY_SUB_BUCKETS,
};

struct latency {
    uint64_t count, max_ns;
    uint64_t sum_ns; /* for the mean */
    uint64_t buckets[LATENCY_BUCKETS];
};

void latency_init(struct latency *h);
void latency_add(struct latency *h, uint64_t ns);

/* Add every sample of `from` to `into` (two clients' histograms make one). */
void latency_merge(struct latency *into, const struct latency *from);

/*
 * The value below which `percent` of the samples lie (50: the median; 100: the maximum),
 * in nanoseconds, within 1.6 %; 0 when there are no samples.
 */
uint64_t latency_percentile(const struct latency *h, double percent);

/* The mean in nanoseconds; 0 when there are no samples. */
double latency_mean(const struct latency *h);

#endif
