/*
 * burn.h — pure CPU work the compiler cannot optimise away.
 *
 * The C twin of the articles' CPU-bound job, `for _ in range(10**8): count += 1`.
 * C runs that loop about a hundred times faster than CPython, so programs size the
 * work in seconds (burn_calibrate) rather than in the article's 10**8.
 */
#ifndef LAB_BURN_H
#define LAB_BURN_H

#include <stdint.h>

/* Count to `iterations`, one add at a time, and return the count. */
uint64_t burn(uint64_t iterations);

/* How many burn() iterations take about `seconds` on this machine, now. */
uint64_t burn_calibrate(double seconds);

#endif
