/* check.c — see check.h. */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pid_t main_pid;

/* Runs before main(), so a fork()ed child can tell it is not the program's own process. */
__attribute__((constructor)) static void remember_main_pid(void)
{
    main_pid = getpid();
}

static noreturn void vdie(int err, const char *fmt, va_list ap)
{
    /* What the process printed so far comes before the error: a child's stdout holds only
     * its own text, since xfork empties every buffer before it forks. */
    fflush(stdout);
    fprintf(stderr, "%s: ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    if (err)
        fprintf(stderr, ": %s", strerror(err));
    fputc('\n', stderr);
    if (getpid() != main_pid) {
        /* A fork()ed child: exit() would run the parent's exit handlers (the trace writer)
         * and flush the child's copies of the parent's other stdio buffers a second time. */
        fflush(stderr);
        _exit(1);
    }
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

void copy_cut(char *dst, size_t size, const char *src)
{
    if (size == 0)
        return;
    size_t len = strnlen(src, size - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

size_t grow_capacity(size_t cap, size_t need, size_t size)
{
    size_t grown = cap ? cap : 16;
    while (grown < need) {
        if (grown > SIZE_MAX / 2)
            return 0;
        grown *= 2;
    }
    return size && grown > SIZE_MAX / size ? 0 : grown;
}

void *grow_array(void *array, size_t *cap, size_t need, size_t size, const char *what)
{
    if (need <= *cap)
        return array;
    size_t grown = grow_capacity(*cap, need, size);
    void *p = grown ? realloc(array, grown * size) : NULL;
    if (!p)
        die("%s: out of memory for %zu elements of %zu bytes", what, grown ? grown : need, size);
    *cap = grown;
    return p;
}

void *grow_array_zeroed(void *array, size_t *cap, size_t need, size_t size, const char *what)
{
    size_t old = *cap;
    char *grown = grow_array(array, cap, need, size, what);
    memset(grown + old * size, 0, (*cap - old) * size);
    return grown;
}

pid_t xfork(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == -1)
        die_errno(errno, "fork");
    return pid;
}
