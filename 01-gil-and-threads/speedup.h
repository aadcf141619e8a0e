/*
 * speedup.h — a speedup checked against what the machine can give, before a verdict.
 *
 * N workers on C cores cannot run CPU work more than min(N, C) times faster than one,
 * and workers that take turns (under one GIL, on one event loop) not faster at all;
 * workers that wait (I/O) can overlap their waits N ways whatever the cores. A figure
 * above that limit did not come from the workers: a baseline slowed by a busy machine
 * makes it. It is reported as noise, never as a result, and no "faster" rests on it.
 */
#ifndef CH01_SPEEDUP_H
#define CH01_SPEEDUP_H

#include <stdbool.h>
#include <stddef.h>

/* The most `workers` can gain: 1 if they take turns, else min(workers, cores) for CPU work. */
int speedup_limit(int workers, bool take_turns, bool cpu_bound);

/* Above the limit, with 15% to spare for timer jitter: noise. */
bool speedup_is_noise(double speedup, int limit);

/* "1.93x", or "2.71x noise" when it is noise. */
void speedup_format(char *buf, size_t size, double speedup, int limit);

#endif
