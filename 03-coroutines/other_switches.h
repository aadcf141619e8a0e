/*
 * other_switches.h — the two switches switch_cost.c compares the lab's coroutines with:
 * swapcontext(3) and a hand-off between two threads. Each runs round trips for about
 * `seconds`, returns how many switches it made and stores in *ns how long they took.
 */
#ifndef CH03_OTHER_SWITCHES_H
#define CH03_OTHER_SWITCHES_H

#include <stdint.h>

enum { BATCH = 1000 }; /* round trips between two looks at the clock */

uint64_t run_ucontext(double seconds, uint64_t *ns);
extern uint64_t uc_yields; /* round trips the ucontext side counted: half its switches */
uint64_t run_threads(double seconds, uint64_t *ns);

#endif
