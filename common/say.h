/*
 * say.h — one timestamped line per event, so output shows *when* and *who*:
 *
 *     [ 0.102s] [worker-1] started
 *
 * The time is seconds since the program started; the name is the running task's when
 * called from a task (see say_set_name_source), else the calling thread's (set with
 * say_my_name); an unnamed thread shows as "main" or "tid-<id>".
 *
 * A line is written and flushed as one unit under stdout's lock, so lines from
 * different threads never interleave, and text printed with printf before a say()
 * still appears before it when stdout is a pipe.
 */
#ifndef LAB_SAY_H
#define LAB_SAY_H

#include <stddef.h>
#include <stdio.h>

/* Print a line as the calling thread. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a line on behalf of `who` (a task, an account, a process...). */
void say_as(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same line on another stream: the runtime's own reports ("[ 0.102s] [loop] slow
 * callback...") go to stderr, in the format of every other line. */
void say_to(FILE *out, const char *who, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Name the calling thread for say() (and for debuggers: pthread_setname_np). */
void say_my_name(const char *name);

/*
 * A finer "who" than the thread: the task runtime installs a function that returns the
 * name of the task running on the calling thread (NULL when none is), so say() from a
 * task shows the task's name. Set once, before threads start.
 */
typedef const char *say_name_source(void);
void say_set_name_source(say_name_source *source);

/*
 * A tag after the name, "[ 0.102s] [worker-1] [request_id=r42] ...", for a value the
 * running code carries (context_var_show_in_say installs one). The source writes the tag
 * into buf, or leaves it empty: then the line has no tag. Set once, before threads start.
 */
typedef void say_tag_source(char *buf, size_t size);
void say_set_tag_source(say_tag_source *source);

#endif
