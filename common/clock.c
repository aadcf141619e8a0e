/* clock.c — monotonic time and a sleep that survives signals. See clock.h. */
#include "clock.h"

#include <errno.h>
#include <time.h>

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double now_sec(void)
{
    return (double)now_ns() / 1e9;
}

double thread_cpu_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t start_ns;

/* Runs before main(), so "since start" really starts at the program's start. */
__attribute__((constructor)) static void remember_start(void)
{
    start_ns = now_ns();
}

double since_start(void)
{
    return (double)(now_ns() - start_ns) / 1e9;
}

void sleep_sec(double seconds)
{
    if (seconds <= 0)
        return;
    struct timespec left = {
        .tv_sec = (time_t)seconds,
        .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
    };
    /* nanosleep reports the time still left when a signal cuts it short: sleep that too. */
    while (nanosleep(&left, &left) == -1 && errno == EINTR)
        ;
}
