/* rng.c — splitmix64 (Steele, Lea and Flood, 2014). See rng.h. */
#include "rng.h"

void rng_seed(struct rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

long rng_range(struct rng *r, long lo, long hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    if (span == 0) /* the whole range of long */
        return (long)rng_next(r);
    /* Reject the top sliver that would make small values slightly more likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t x;
    do
        x = rng_next(r);
    while (x >= limit);
    return (long)((uint64_t)lo + x % span);
}

double rng_uniform(struct rng *r, double lo, double hi)
{
    /* The top 53 bits make a double in [0, 1) with every value equally likely. */
    double unit = (double)(rng_next(r) >> 11) * 0x1.0p-53;
    return lo + unit * (hi - lo);
}
