/*
 * check.h — checked calls that die with a clear message instead of going on wrong.
 *
 * A teaching program that ignores a failed pthread_create or fork() prints numbers
 * that mean nothing. These wrappers keep the programs short *and* honest: the real
 * POSIX call stays visible at the call site, wrapped in CHECK_PT or CHECK_SYS.
 *
 *   CHECK_PT(pthread_create(&t, NULL, worker, arg));   // pthread style: returns an errno value
 *   CHECK_SYS(pipe(fds));                              // syscall style: -1 and errno
 */
#ifndef LAB_CHECK_H
#define LAB_CHECK_H

#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/*
 * Print "program: message" on stderr and exit with status 1; in a fork()ed child, with
 * _exit(1), so the child runs none of the parent's exit handlers and writes none of the
 * parent's buffered output.
 */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same, with ": strerror(err)" appended. */
noreturn void die_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For calls that return 0 or an errno value (the pthread family). */
#define CHECK_PT(call)                                                          \
    do {                                                                        \
        int check_err_ = (call);                                                \
        if (check_err_ != 0)                                                    \
            die_errno(check_err_, "%s:%d: %s", __FILE__, __LINE__, #call);      \
    } while (0)

/* For calls that return -1 and set errno (system calls). */
#define CHECK_SYS(call)                                                         \
    do {                                                                        \
        if ((call) == -1)                                                       \
            die_errno(errno, "%s:%d: %s", __FILE__, __LINE__, #call);           \
    } while (0)

/* Allocation that cannot return NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
char *xstrdup(const char *s);

/* Copy `src` into dst[size], cut to fit and always terminated (strlcpy's job): what a name
 * kept in a fixed array needs, at a tenth of the cost of snprintf(dst, size, "%s", src). */
void copy_cut(char *dst, size_t size, const char *src);

/*
 * An array that grows as it is appended to: make room for at least `need` elements of
 * `size` bytes in `array`, which has room for *cap. The capacity doubles (from 16) until
 * `need` fits, so n appends cost O(n) copies in all. Returns the reallocated array and
 * updates *cap; the new elements are not initialised. Dies "what: out of memory for N
 * elements" when realloc fails or the size would not fit in a size_t.
 *
 *     if (q->count == q->cap)
 *         q->items = grow_array(q->items, &q->cap, q->count + 1, sizeof *q->items, "queue");
 */
void *grow_array(void *array, size_t *cap, size_t need, size_t size, const char *what);

/* grow_array for a table indexed by a number (an fd): the new elements are all zero. */
void *grow_array_zeroed(void *array, size_t *cap, size_t need, size_t size, const char *what);

/*
 * The capacity grow_array chooses: `cap` doubled (16 if it is 0) until it holds `need`;
 * 0 when `need` elements of `size` bytes, or the doubled capacity, overflow a size_t.
 * For an array that grows some other way than realloc (a ring buffer copied in order).
 */
size_t grow_capacity(size_t cap, size_t need, size_t size);

/*
 * fork() that first flushes stdio, so text printed before the fork but still in a
 * buffer is not printed twice (once by the parent, once by the child).
 */
pid_t xfork(void);

#endif
