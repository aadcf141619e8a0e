/* Unit tests of common/rng: reproducible from a seed, ranges respected and covered. */
#include "rng.h"
#include "tap.h"

int main(void)
{
    struct rng a, b;
    rng_seed(&a, 0);
    ok(rng_next(&a) == UINT64_C(0xe220a8397b1dcdaf), "splitmix64's published first value for seed 0");

    rng_seed(&a, 42);
    rng_seed(&b, 42);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= rng_next(&a) == rng_next(&b);
    ok(same, "the same seed replays the same sequence");

    rng_seed(&b, 43);
    ok(rng_next(&a) != rng_next(&b), "another seed, another sequence");

    int seen[7] = {0}, out_of_range = 0;
    for (int i = 0; i < 10000; i++) {
        long v = rng_range(&a, 1, 6);
        if (v < 1 || v > 6)
            out_of_range++;
        else
            seen[v]++;
    }
    is_long(out_of_range, 0, "rng_range stays within [1, 6]");
    ok(seen[1] && seen[2] && seen[3] && seen[4] && seen[5] && seen[6], "and reaches both ends");
    ok(seen[1] > 1400 && seen[1] < 1950, "about one in six is a 1 (%d of 10000)", seen[1]);

    is_long(rng_range(&a, -3, -3), -3, "a range of one value");
    int bad = 0;
    for (int i = 0; i < 10000; i++) {
        double u = rng_uniform(&a, 0.5, 2.0);
        bad += u < 0.5 || u >= 2.0;
    }
    is_long(bad, 0, "rng_uniform stays within [0.5, 2.0)");
    return done_testing();
}
