/* check.c — see check.h. */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static noreturn void vdie(int err, const char *fmt, va_list ap)
{
    fflush(stdout); /* what the program printed so far comes before the error */
    fprintf(stderr, "%s: ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    if (err)
        fprintf(stderr, ": %s", strerror(err));
    fputc('\n', stderr);
    exit(1);
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdie(0, fmt, ap);
}

void die_errno(int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdie(err, fmt, ap);
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        die("out of memory (%zu bytes)", size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        die("out of memory (%zu x %zu bytes)", count, size);
    return p;
}

char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        die("out of memory (%zu bytes)", strlen(s) + 1);
    return p;
}

pid_t xfork(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == -1)
        die_errno(errno, "fork");
    return pid;
}
