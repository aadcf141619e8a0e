/*
 * speedup.c — speedups checked against the machine. See speedup.h.
 */
#include "speedup.h"

#include <stdio.h>
#include <unistd.h>

int speedup_limit(int workers, bool take_turns, bool cpu_bound)
{
    if (take_turns)
        return 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (!cpu_bound || cores < 1 || cores > workers)
        return workers;
    return (int)cores;
}

bool speedup_is_noise(double speedup, int limit)
{
    return speedup > 1.15 * limit;
}

void speedup_format(char *buf, size_t size, double speedup, int limit)
{
    snprintf(buf, size, "%.2fx%s", speedup, speedup_is_noise(speedup, limit) ? " noise" : "");
}
