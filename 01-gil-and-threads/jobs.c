/* jobs.c — the CPU-bound and the I/O-bound job; see jobs.h. */
#include "jobs.h"

#include "say.h"
#include "task.h"

uint64_t job_count(struct interp *in, int who, const void *arg)
{
    return interp_count(in, who, *(const uint64_t *)arg);
}

uint64_t job_io(struct interp *in, int who, const void *arg)
{
    const struct io_calls *io = arg;
    uint64_t made = 0;
    for (int i = 1; i <= io->calls; i++) {
        interp_count(in, who, io->work);
        if (io->verbose)
            say("call %d/%d: blocks %.2f s, %s the GIL", i, io->calls, io->wait,
                io->release_gil ? "releasing" : "keeping");
        interp_blocking_call(in, who, io->wait, io->release_gil);
        made++;
    }
    return made;
}

uint64_t job_io_async(struct interp *in, int who, const void *arg)
{
    const struct io_calls *io = arg;
    uint64_t made = 0;
    for (int i = 1; i <= io->calls; i++) {
        interp_count(in, who, io->work);
        if (io->verbose)
            say("call %d/%d: awaits %.2f s", i, io->calls, io->wait);
        interp_wait_begin(in);
        int err = async_sleep(io->wait);
        interp_wait_end(in);
        if (err)
            break;
        made++;
    }
    return made;
}
