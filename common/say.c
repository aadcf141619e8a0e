/* say.c — see say.h. */
#include "say.h"

#include "clock.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static _Thread_local char my_name[32];
static say_name_source *name_source;
static say_tag_source *tag_source;

void say_set_name_source(say_name_source *source)
{
    name_source = source;
}

void say_set_tag_source(say_tag_source *source)
{
    tag_source = source;
}

void say_my_name(const char *name)
{
    snprintf(my_name, sizeof my_name, "%s", name);
    /* The kernel keeps at most 15 characters; a longer name is only shortened there. */
    char short_name[16];
    snprintf(short_name, sizeof short_name, "%s", name);
    pthread_setname_np(pthread_self(), short_name);
}

static void vsay(FILE *out, const char *who, const char *fmt, va_list ap)
{
    char tag[64] = "";
    if (tag_source)
        tag_source(tag, sizeof tag);
    flockfile(out);
    fprintf(out, "[%6.3fs] [%s] ", since_start(), who);
    if (tag[0])
        fprintf(out, "[%s] ", tag);
    vfprintf(out, fmt, ap);
    putc('\n', out);
    fflush(out);
    funlockfile(out);
}

/* A task by its name; an unnamed thread is "main" if it is the process's first thread,
 * else its kernel id. */
static const char *current_name(char *buf, size_t size)
{
    const char *task = name_source ? name_source() : NULL;
    if (task)
        return task;
    if (my_name[0])
        return my_name;
    if (gettid() == getpid())
        return "main";
    snprintf(buf, size, "tid-%d", (int)gettid());
    return buf;
}

void say(const char *fmt, ...)
{
    char buf[32];
    va_list ap;
    va_start(ap, fmt);
    vsay(stdout, current_name(buf, sizeof buf), fmt, ap);
    va_end(ap);
}

void say_as(const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(stdout, who, fmt, ap);
    va_end(ap);
}

void say_to(FILE *out, const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(out, who, fmt, ap);
    va_end(ap);
}
