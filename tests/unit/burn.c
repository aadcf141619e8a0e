/* Unit tests of common/burn: the loop really runs, and calibration scales with the time asked. */
#include "burn.h"
#include "tap.h"

int main(void)
{
    is_long((long)burn(0), 0, "burn(0) counts nothing");
    is_long((long)burn(12345), 12345, "burn(n) counts to n");
    uint64_t short_run = burn_calibrate(0.005);
    uint64_t long_run = burn_calibrate(0.05);
    ok(short_run >= 1, "calibration gives at least one iteration (%llu)", (unsigned long long)short_run);
    /* Ten times the time is about ten times the work; a loaded machine may skew each probe. */
    ok(long_run > short_run, "more seconds, more iterations (%llu vs %llu)",
       (unsigned long long)long_run, (unsigned long long)short_run);
    return done_testing();
}
