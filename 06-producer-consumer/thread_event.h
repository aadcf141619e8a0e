/*
 * thread_event.h — Python's threading.Event for pthreads: a flag that threads set and
 * wait for, with a timeout. A mutex and a condition variable: the flag alone could not
 * be waited for without spinning, and the condition alone forgets a wake-up that came
 * before anyone waited.
 */
#ifndef THREAD_EVENT_H
#define THREAD_EVENT_H

#include <pthread.h>
#include <stdbool.h>

struct thread_event {
    pthread_mutex_t mutex;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC, so a clock setting cannot move a timeout */
    bool set;
};

void thread_event_init(struct thread_event *e);
void thread_event_destroy(struct thread_event *e);
void thread_event_set(struct thread_event *e);

/* Wait until the event is set or `seconds` have passed: whether it is set. */
bool thread_event_wait(struct thread_event *e, double seconds);

#endif
