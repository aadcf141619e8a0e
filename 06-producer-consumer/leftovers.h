/*
 * leftovers.h — what a program left running when it thinks it is done: threads that
 * were never joined, child processes that were never reaped (zombies included).
 *
 * A clean shutdown ends with both at zero; the programs print them and the tests check.
 */
#ifndef LEFTOVERS_H
#define LEFTOVERS_H

/* Threads of this process besides the caller (from /proc/self/task), or -1. */
int leftover_threads(void);

/* Children of this process not yet reaped, running or zombie (from /proc), or -1. */
int leftover_children(void);

#endif
