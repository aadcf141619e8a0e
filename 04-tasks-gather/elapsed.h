/*
 * elapsed.h — the time since a run began, on the running loop's clock.
 *
 * say() stamps each line with the real time since the program started. The chapter's
 * programs also print when things happened on the loop's own clock, because that is the
 * clock the tests run on: under LAB_VIRTUAL_CLOCK=1 a 3-second gather takes no real time,
 * and "at 3.00 s" is exact.
 */
#ifndef CH04_ELAPSED_H
#define CH04_ELAPSED_H

/* Start counting from now (call it from a task, at the start of each run). */
void elapsed_reset(void);

/* Seconds on the running loop's clock since the last elapsed_reset(). */
double elapsed(void);

#endif
