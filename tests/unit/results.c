/* Unit tests of common/results: records land in $LAB_RESULTS, and nowhere without it. */
#include "results.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char path[] = "/tmp/lab-results-XXXXXX";
    close(mkstemp(path));

    unsetenv("LAB_RESULTS");
    result_record("ignored", 1, "x");

    setenv("LAB_RESULTS", path, 1);
    result_record("gil.speedup.free_threads", 1.97, "x");
    result_record("gil.handovers", 1234, "count");

    FILE *f = fopen(path, "r");
    char a[128] = "", b[128] = "", c[128] = "";
    if (!fgets(a, sizeof a, f) || !fgets(b, sizeof b, f))
        a[0] = '\0';
    ok(!fgets(c, sizeof c, f), "exactly the two records made while LAB_RESULTS was set");
    fclose(f);
    unlink(path);
    is_str(a, "gil.speedup.free_threads\t1.97\tx\n", "name, value and unit, tab-separated");
    is_str(b, "gil.handovers\t1234\tcount\n", "a count keeps all its digits");
    return done_testing();
}
