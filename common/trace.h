/*
 * trace.h — a record of what each task did and when: a Chrome trace-event file, and an
 * ASCII timeline.
 *
 * LAB_TRACE=run.json in the environment makes any program that runs tasks write the
 * file when it exits. Open it in https://ui.perfetto.dev or chrome://tracing: one row
 * per task, its lifetime, and within it the slices where it ran and where it waited
 * (and for what). That is the picture viztracer draws for Python (A1 §5.2 调试工具推荐).
 *
 * The timeline prints the same record in a terminal, one row per task:
 *
 *     main      #--------------------------------------#
 *     fetch-1    #-----------#
 *     fetch-2    #-----------------------#
 *
 * Recording is on when LAB_TRACE or LAB_TIMELINE=1 is set, or after trace_start(); off,
 * each call below costs one branch. The task runtime (task.c) makes the calls, with the
 * loop's time, so under the virtual clock the record is exact.
 */
#ifndef LAB_TRACE_H
#define LAB_TRACE_H

#include <stdbool.h>
#include <stdio.h>

/* Is recording on? */
bool trace_on(void);

/* Record from now on (a program that prints its own timeline calls this first). */
void trace_start(void);

/* Forget everything recorded so far (a program that shows several runs, one at a time). */
void trace_reset(void);

/* A task was created, or ended (`outcome`: "result", "error", "cancelled"), at time t. */
void trace_task_created(unsigned id, const char *name, double t);
void trace_task_finished(unsigned id, const char *outcome, double t);

/* A stretch of a task's life: it ran (`waiting` false) or waited for `what`, from t0 to t1. */
void trace_slice(unsigned id, bool waiting, const char *what, double t0, double t1);

/*
 * Print the timeline of everything recorded, `width` columns for the time axis: '#'
 * where a task ran, '-' where it waited, blank before it was created and after it ended.
 */
void trace_timeline_print(FILE *out, int width);

/* Write the record as Chrome trace-event JSON; 0, or -1 with errno set. */
int trace_write_json(const char *path);

#endif
