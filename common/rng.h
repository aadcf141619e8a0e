/*
 * rng.h — a small seeded random generator (splitmix64), one state per user.
 *
 * rand() hides one global state shared by every thread (a data race in disguise);
 * here each thread or task owns its `struct rng`, and the same seed always gives the
 * same sequence, so a run that found a bug can be replayed with --seed.
 */
#ifndef LAB_RNG_H
#define LAB_RNG_H

#include <stdint.h>

struct rng {
    uint64_t state;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);

/* A whole number in [lo, hi], both included (lo <= hi). */
long rng_range(struct rng *r, long lo, long hi);

/* A real number in [lo, hi). */
double rng_uniform(struct rng *r, double lo, double hi);

#endif
