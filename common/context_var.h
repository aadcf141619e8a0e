/*
 * context_var.h — task-local values (Python's contextvars): each task sees its own copy.
 *
 *     static struct context_var request_id = CONTEXT_VAR("request_id", NULL);
 *
 *     static void *handle(void *arg)
 *     {
 *         context_var_set(&request_id, arg);       // this task's value, say "r42"
 *         struct task *t = create_task("lookup", lookup, NULL);  // lookup starts with "r42"
 *         say("handling");                         // [ 0.100s] [handle] [request_id=r42] handling
 *         ...
 *     }
 *
 *     context_var_show_in_say(&request_id);       // once, before the loop and threads start
 *
 * The laws, each tested in tests/unit/context_var.c:
 * - context_var_get returns the value last set in the running task, else the one the task
 *   started with, else the variable's default.
 * - A task starts with a copy of its creator's values, taken when it is created (asyncio's
 *   create_task copies the context): what the creator sets afterwards is not seen by the
 *   child, and what a child sets is seen neither by its creator nor by its siblings, only
 *   by the tasks it creates afterwards.
 * - Outside a task the values are the calling thread's own; async_run's main task starts
 *   with a copy of the thread's.
 * - With context_var_show_in_say(var), say() adds "[name=value]" after the name on the lines
 *   of code where var has a value (a string, not NULL); other lines keep their format.
 *
 * The cost: a copy is one reference, since a task and its creator share their values until
 * one of them sets one (copy on write); a program that sets none pays nothing per task.
 */
#ifndef LAB_CONTEXT_VAR_H
#define LAB_CONTEXT_VAR_H

/* A variable, declared by the program (contextvars.ContextVar); its address is its identity. */
struct context_var {
    const char *name;
    void *default_value; /* what context_var_get returns where it was never set */
};

#define CONTEXT_VAR(name, default_value) {(name), (default_value)}

/* The value in the running task (or, outside tasks, the calling thread). */
void *context_var_get(const struct context_var *var);

/* Set it for the running task (or thread) only; returns the value it replaces. */
void *context_var_set(const struct context_var *var, void *value);

/* Show var (holding a string) in say()'s lines from now on; NULL stops. Call it before
 * threads start, as say_set_name_source. */
void context_var_show_in_say(const struct context_var *var);

/* ---- for the task runtime (task.c): a set of values, shared by reference ---- */

struct context;

/* The running code's values, for a task being created: one more reference (NULL: none). */
struct context *context_copy(void);

/* Drop a reference taken by context_copy (NULL is fine). */
void context_release(struct context *c);

#endif
