/* Unit tests of common/latency: percentiles within 1.6 % of the truth, from 1 ns to minutes. */
#include "latency.h"
#include "rng.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The exact percentile of sorted samples, by the same rank rule. */
static uint64_t exact(const uint64_t *sorted, size_t n, double percent)
{
    size_t rank = (size_t)ceil(percent / 100.0 * (double)n);
    return sorted[rank < 1 ? 0 : rank - 1];
}

static bool close_to(uint64_t got, uint64_t want)
{
    return fabs((double)got - (double)want) <= (double)want / 64.0 + 0.5;
}

int main(void)
{
    static struct latency h;
    latency_init(&h);
    is_long((long)latency_percentile(&h, 50), 0, "no samples: 0");

    for (uint64_t v = 1; v <= 100; v++)
        latency_add(&h, v);
    is_long((long)latency_percentile(&h, 50), 50,
            "1..100: the median is 50 (small values are exact)");
    is_long((long)latency_percentile(&h, 99), 99, "p99 is 99");
    is_long((long)latency_percentile(&h, 100), 100, "p100 is the maximum");
    ok(fabs(latency_mean(&h) - 50.5) < 1e-9, "the mean is exact");

    /* The rank is rounded up: the smallest sample count that covers the percent. */
    static struct latency ten;
    latency_init(&ten);
    for (uint64_t v = 1; v <= 10; v++)
        latency_add(&ten, v);
    is_long((long)latency_percentile(&ten, 25), 3, "1..10: p25 is the 3rd (2.5 samples round up)");
    is_long((long)latency_percentile(&ten, 95), 10, "p95 is the 10th, not the 9th");

    /* A merge keeps the larger maximum, whichever side holds it. */
    static struct latency small, big;
    latency_init(&small);
    latency_init(&big);
    latency_add(&small, 7);
    latency_add(&big, 123456);
    latency_merge(&small, &big);
    is_long((long)latency_percentile(&small, 100), 123456, "merged: p100 is the other's maximum");

    /* Random latencies spread over six decades, compared with the sorted truth. */
    enum { N = 100000 };
    uint64_t *samples = malloc(N * sizeof *samples);
    struct rng r;
    rng_seed(&r, 42);
    static struct latency wide, half1, half2;
    latency_init(&wide);
    latency_init(&half1);
    latency_init(&half2);
    for (size_t i = 0; i < N; i++) {
        samples[i] = (uint64_t)exp(rng_uniform(&r, log(1e3), log(1e9)));
        latency_add(&wide, samples[i]);
        latency_add(i % 2 ? &half1 : &half2, samples[i]);
    }
    qsort(samples, N, sizeof *samples, compare);
    const double percents[] = {1, 10, 50, 90, 99, 99.9};
    for (size_t i = 0; i < sizeof percents / sizeof percents[0]; i++) {
        uint64_t got = latency_percentile(&wide, percents[i]);
        uint64_t want = exact(samples, N, percents[i]);
        if (!ok(close_to(got, want), "p%g within 1/64 of the truth", percents[i]))
            diag("got %llu, want %llu", (unsigned long long)got, (unsigned long long)want);
    }
    is_long((long)latency_percentile(&wide, 100), (long)samples[N - 1], "the maximum is exact");
    latency_merge(&half1, &half2);
    ok(half1.count == N && latency_percentile(&half1, 99) == latency_percentile(&wide, 99),
       "two halves merged give the same histogram");

    static struct latency huge;
    latency_init(&huge);
    latency_add(&huge, UINT64_MAX);
    ok(latency_percentile(&huge, 50) == UINT64_MAX, "a value beyond the last bucket is kept whole");
    free(samples);
    return done_testing();
}
