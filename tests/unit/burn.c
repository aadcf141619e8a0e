/* Unit tests of common/burn: the loop really runs, and calibration scales with the time asked. */
#include "burn.h"
#include "clock.h"
#include "tap.h"

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
    uint64_t short_run = burn_calibrate(0.005);
    uint64_t long_run = burn_calibrate(0.05);
    ok(short_run >= 1, "calibration gives at least one iteration (%llu)", (unsigned long long)short_run);
    /* Ten times the time is about ten times the work; a loaded machine may skew each probe. */
    ok(long_run > short_run, "more seconds, more iterations (%llu vs %llu)",
       (unsigned long long)long_run, (unsigned long long)short_run);
    return done_testing();
}
