/*
 * Unit tests of common/burn: the loop really runs, and calibration gives the CPU time it
 * was asked for even while other threads keep every core busy (calibrated on the wall
 * clock, the loop would look two or three times slower than it is, and come out short).
 */
#include "burn.h"
#include "check.h"
#include "clock.h"
#include "tap.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

static atomic_bool stop;

static void *spin(void *unused)
{
    (void)unused;
    while (!atomic_load_explicit(&stop, memory_order_relaxed))
        burn(1000);
    return NULL;
}

/* The CPU time burn(n) takes on this thread: the best of three, as a preempted run only
 * ever takes longer. */
static double cpu_of(uint64_t n)
{
    double best = 1e9;
    for (int i = 0; i < 3; i++) {
        double start = thread_cpu_sec();
        burn(n);
        double used = thread_cpu_sec() - start;
        best = used < best ? used : best;
    }
    return best;
}

int main(void)
{
    is_long((long)burn(0), 0, "burn(0) counts nothing");
    is_long((long)burn(12345), 12345, "burn(n) counts to n");
    /* A loop the compiler could fold into "count = n" would count right and take no time:
     * 2^24 real turns take milliseconds on any machine (a busy one only makes it longer). */
    double t0 = now_sec();
    burn(UINT64_C(1) << 24);
    double took = now_sec() - t0;
    ok(took > 0.0005, "burn(2^24) really runs its turns (%.1f ms, more than 0.5)", took * 1e3);

    /* Twice as many spinning threads as cores: this thread gets a third of a core or less. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    enum { MAX_SPINNERS = 16 };
    long spinners = cores > 0 && 2 * cores < MAX_SPINNERS ? 2 * cores : MAX_SPINNERS;
    pthread_t threads[MAX_SPINNERS];
    for (long i = 0; i < spinners; i++)
        CHECK_PT(pthread_create(&threads[i], NULL, spin, NULL));
    uint64_t short_run = burn_calibrate(0.005);
    uint64_t long_run = burn_calibrate(0.05);
    double used = cpu_of(long_run);
    atomic_store(&stop, true);
    for (long i = 0; i < spinners; i++)
        CHECK_PT(pthread_join(threads[i], NULL));

    ok(short_run >= 1, "calibration gives at least one iteration (%llu)",
       (unsigned long long)short_run);
    ok(long_run >= 5 * short_run, "ten times the seconds, about ten times the work (%llu vs %llu)",
       (unsigned long long)long_run, (unsigned long long)short_run);
    ok(used >= 0.025 && used <= 0.1,
       "calibrated while %ld threads spin on %ld cores, 0.05 s of work takes %.3f s of CPU", spinners,
       cores, used);
    return done_testing();
}
