/*
 * stress.h — the checker's stress test: 4 producers and 4 consumers on one small queue,
 * every item tagged with who put it and when, then a shutdown that must let every
 * consumer drain the queue and leave.
 */
#ifndef EXERCISE_STRESS_H
#define EXERCISE_STRESS_H

/* NULL when every item came out exactly once, each producer's in order; else what went wrong. */
const char *stress(long per_producer);

#endif
