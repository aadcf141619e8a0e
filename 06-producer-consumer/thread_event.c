/* thread_event.c — see thread_event.h. */
#include "thread_event.h"

#include "check.h"

#include <errno.h>
#include <math.h>
#include <time.h>

void thread_event_init(struct thread_event *e)
{
    CHECK_PT(pthread_mutex_init(&e->mutex, NULL));
    pthread_condattr_t monotonic;
    CHECK_PT(pthread_condattr_init(&monotonic));
    CHECK_PT(pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC));
    CHECK_PT(pthread_cond_init(&e->cond, &monotonic));
    CHECK_PT(pthread_condattr_destroy(&monotonic));
    e->set = false;
}

void thread_event_destroy(struct thread_event *e)
{
    CHECK_PT(pthread_cond_destroy(&e->cond));
    CHECK_PT(pthread_mutex_destroy(&e->mutex));
}

void thread_event_set(struct thread_event *e)
{
    CHECK_PT(pthread_mutex_lock(&e->mutex));
    e->set = true;
    CHECK_PT(pthread_cond_broadcast(&e->cond));
    CHECK_PT(pthread_mutex_unlock(&e->mutex));
}

bool thread_event_wait(struct thread_event *e, double seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)seconds;
    until.tv_nsec += (long)((seconds - floor(seconds)) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    CHECK_PT(pthread_mutex_lock(&e->mutex));
    int err = 0;
    while (!e->set && err != ETIMEDOUT)
        err = pthread_cond_timedwait(&e->cond, &e->mutex, &until);
    bool set = e->set;
    CHECK_PT(pthread_mutex_unlock(&e->mutex));
    return set;
}
