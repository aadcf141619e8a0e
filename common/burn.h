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

/*
 * How many burn() iterations take about `seconds` of CPU on this machine: measured on the
 * calling thread's CPU clock, so a busy machine does not shrink the answer (the run then
 * takes longer on the wall clock, as any CPU work does when it shares the cores).
 */
uint64_t burn_calibrate(double seconds);

#endif
