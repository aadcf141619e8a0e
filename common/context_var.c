/*
 * context_var.c — task-local values. See context_var.h.
 *
 * A task's values are a small array of (variable, value) pairs, shared by reference: making
 * a task copies its creator's array by taking a reference (task.c calls context_copy), and
 * setting a value makes a new array if the old one is shared (copy on write). Python's
 * Context is an immutable mapping copied the same cheap way. Nothing here is shared
 * between threads: a task's values are only touched by its loop's thread, and values set
 * outside tasks belong to the calling thread.
 */
#include "context_var.h"

#include "check.h"
#include "say.h"
#include "task_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct binding {
    const struct context_var *var;
    void *value;
};

struct context {
    unsigned refs;
    size_t n;
    struct binding bindings[];
};

/* Values set outside any task: the calling thread's. */
static _Thread_local struct context *thread_values;

static struct context **values_here(void)
{
    struct task *t = current_task();
    return t ? &t->context : &thread_values;
}

struct context *context_copy(void)
{
    struct context *c = *values_here();
    if (c)
        c->refs++;
    return c;
}

void context_release(struct context *c)
{
    if (c && --c->refs == 0)
        free(c);
}

static size_t position(const struct context *c, const struct context_var *var)
{
    size_t i = 0;
    while (c && i < c->n && c->bindings[i].var != var)
        i++;
    return i;
}

void *context_var_get(const struct context_var *var)
{
    const struct context *c = *values_here();
    size_t i = position(c, var);
    return c && i < c->n ? c->bindings[i].value : var->default_value;
}

void *context_var_set(const struct context_var *var, void *value)
{
    struct context **here = values_here();
    struct context *old = *here;
    size_t n = old ? old->n : 0, i = position(old, var);
    void *previous = i < n ? old->bindings[i].value : var->default_value;
    if (i < n && old->refs == 1) { /* ours alone: change it in place */
        old->bindings[i].value = value;
        return previous;
    }
    size_t size = n + (i == n);
    struct context *c = xmalloc(sizeof *c + size * sizeof c->bindings[0]);
    c->refs = 1;
    c->n = size;
    if (n)
        memcpy(c->bindings, old->bindings, n * sizeof c->bindings[0]);
    c->bindings[i] = (struct binding){var, value};
    context_release(old); /* the tasks still sharing it keep their values */
    *here = c;
    return previous;
}

/* ---- say()'s tag ---- */

static const struct context_var *shown_in_say;

static void say_tag(char *buf, size_t size)
{
    const char *value = context_var_get(shown_in_say);
    if (value)
        snprintf(buf, size, "%s=%s", shown_in_say->name, value);
}

void context_var_show_in_say(const struct context_var *var)
{
    shown_in_say = var;
    say_set_tag_source(var ? say_tag : NULL);
}
