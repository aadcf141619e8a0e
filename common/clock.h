/*
 * clock.h — the lab's clock: monotonic time, never the wall clock.
 *
 * Every duration the lab prints is measured on CLOCK_MONOTONIC, because the wall
 * clock (CLOCK_REALTIME) can jump when NTP or an administrator sets it, and a
 * measurement must not jump with it. Work (how long a CPU loop takes) is measured on
 * the thread's CPU clock instead, which a busy machine does not stretch.
 */
#ifndef LAB_CLOCK_H
#define LAB_CLOCK_H

#include <stdint.h>

/* Nanoseconds on the monotonic clock (an arbitrary origin: only differences mean anything). */
uint64_t now_ns(void);

/* The same in seconds, for printing and arithmetic. */
double now_sec(void);

/*
 * Seconds of CPU the calling thread has used (CLOCK_THREAD_CPUTIME_ID): the measure of
 * work, not of waiting. A thread preempted by other programs does not advance it, so
 * what is timed on it comes out the same on a busy machine as on an idle one.
 */
double thread_cpu_sec(void);

/* Seconds since the program started (the origin of every log timestamp). */
double since_start(void);

/* Sleep for `seconds`, resuming after a signal interrupts the sleep. */
void sleep_sec(double seconds);

#endif
