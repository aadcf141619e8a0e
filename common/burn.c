/* burn.c — see burn.h. */
#include "burn.h"

#include "clock.h"

uint64_t burn(uint64_t iterations)
{
    uint64_t count = 0;
    for (uint64_t i = 0; i < iterations; i++) {
        count += 1;
        /* An empty asm that "may read and change" count: the loop must really run. */
        __asm__ volatile("" : "+r"(count));
    }
    return count;
}

uint64_t burn_calibrate(double seconds)
{
    /* Double the probe until it runs long enough (20 ms) to time reliably. Timed on this
     * thread's CPU clock: on the wall clock a probe preempted by other programs would make
     * the loop look slower than it is, and every later run too short. */
    uint64_t probe = 1 << 16;
    double elapsed;
    for (;;) {
        double start = thread_cpu_sec();
        burn(probe);
        elapsed = thread_cpu_sec() - start;
        if (elapsed >= 0.02 || probe >= (UINT64_C(1) << 40))
            break;
        probe *= 2;
    }
    double per_second = (double)probe / elapsed;
    uint64_t n = (uint64_t)(per_second * seconds);
    return n ? n : 1;
}
