/* elapsed.c — the time since a run began, on the running loop's clock. See elapsed.h. */
#include "elapsed.h"

#include "loop.h"

static double origin;

void elapsed_reset(void)
{
    origin = loop_time(loop_get_running());
}

double elapsed(void)
{
    return loop_time(loop_get_running()) - origin;
}
