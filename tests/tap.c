/* tap.c — see tap.h. */
#include "tap.h"

#include "args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif

static int tests_run, tests_failed;

static bool report(bool passed, const char *fmt, va_list ap)
{
    printf("%sok %d - ", passed ? "" : "not ", ++tests_run);
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
    if (!passed)
        tests_failed++;
    return passed;
}

bool ok(bool passed, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(passed, fmt, ap);
    va_end(ap);
    return passed;
}

bool is_long(long got, long want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(got == want, fmt, ap);
    va_end(ap);
    if (got != want)
        diag("got %ld, expected %ld", got, want);
    return got == want;
}

bool is_str(const char *got, const char *want, const char *fmt, ...)
{
    bool same = got && want ? strcmp(got, want) == 0 : got == want;
    va_list ap;
    va_start(ap, fmt);
    report(same, fmt, ap);
    va_end(ap);
    if (!same)
        diag("got '%s', expected '%s'", got ? got : "(null)", want ? want : "(null)");
    return same;
}

void skip(const char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("ok %d - ", ++tests_run);
    vprintf(fmt, ap);
    printf(" # skip %s\n", why);
    fflush(stdout);
    va_end(ap);
}

bool under_valgrind(void)
{
#ifdef RUNNING_ON_VALGRIND
    return RUNNING_ON_VALGRIND;
#else
    return false; /* without valgrind's header, this build cannot be run under valgrind */
#endif
}

static FILE *captured;
static int saved_stderr = -1;

void stderr_capture_begin(void)
{
    fflush(stderr);
    captured = tmpfile();
    saved_stderr = dup(STDERR_FILENO);
    if (!captured || saved_stderr < 0 || dup2(fileno(captured), STDERR_FILENO) < 0) {
        perror("tap: stderr_capture_begin");
        exit(1);
    }
}

const char *stderr_capture_end(void)
{
    static char text[4096];
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    rewind(captured);
    size_t n = fread(text, 1, sizeof text - 1, captured);
    text[n] = '\0';
    fclose(captured);
    return text;
}

int run_in_child(void (*fn)(void *arg), void *arg, char *text, size_t size)
{
    int fds[2];
    fflush(NULL); /* or the child would print the parent's buffered results again */
    pid_t pid;
    if (pipe(fds) != 0 || (pid = fork()) < 0) {
        perror("tap: run_in_child");
        exit(1);
    }
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        fn(arg);
        fflush(NULL);
        _exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    char beyond[512]; /* read to the end, so the child never blocks; keep what fits */
    for (;;) {
        bool room = got < size - 1;
        ssize_t n =
            room ? read(fds[0], text + got, size - 1 - got) : read(fds[0], beyond, sizeof beyond);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (room)
            got += (size_t)n;
    }
    text[got] = '\0';
    close(fds[0]);
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        perror("tap: run_in_child");
        exit(1);
    }
    return status;
}

void diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# ");
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
    va_end(ap);
}

int done_testing(void)
{
    printf("1..%d\n", tests_run);
    if (tests_failed)
        diag("%d of %d checks failed", tests_failed, tests_run);
    return tests_failed ? 1 : 0;
}

char trace[512];

void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t len = strlen(trace);
    vsnprintf(trace + len, sizeof trace - len, fmt, ap);
    va_end(ap);
}

void require_optional(bool available, const char *what)
{
    if (available)
        return;
    if (env_flag("LAB_REQUIRE_ALL")) {
        printf("Bail out! %s is missing and LAB_REQUIRE_ALL=1\n", what);
        exit(1);
    }
    printf("1..0 # SKIP %s is missing\n", what);
    exit(0);
}
