/* reports.c — count the errors the loop reports. See reports.h. */
#include "reports.h"

#include "loop.h"

#include <stddef.h>

static int counted;

static void count_then_report(struct loop *loop, const struct loop_error *e, void *arg)
{
    (void)arg;
    counted++;
    loop_default_exception_handler(loop, e);
}

void reports_count(void)
{
    counted = 0;
    loop_set_exception_handler(loop_get_running(), count_then_report, NULL);
}

int reports_counted(void)
{
    return counted;
}
