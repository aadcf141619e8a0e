/* Unit tests of common/check: failures die with a clear message; xfork prints nothing twice. */
#include "check.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The exit status of a child that exited, or -1. */
static int exit_status(int wait_status)
{
    return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

static void call_die(void *unused)
{
    (void)unused;
    die("boom %d", 7);
}

static void call_check_pt(void *unused)
{
    (void)unused;
    CHECK_PT(EINVAL);
}

static void call_check_sys(void *unused)
{
    (void)unused;
    CHECK_SYS(close(-1));
}

static void call_check_sys_ok(void *unused)
{
    (void)unused;
    CHECK_SYS(0);
}

static void call_grow_too_far(void *unused)
{
    (void)unused;
    size_t cap = 0;
    free(grow_array(NULL, &cap, SIZE_MAX / 4, 8, "the test's array"));
}

/* Append n numbers one at a time, as every growing array in the lab does. */
static void append_numbers(size_t n, size_t *counted, size_t *cap_seen, bool *kept)
{
    size_t count = 0, cap = 0;
    long *numbers = NULL;
    *kept = true;
    for (size_t i = 0; i < n; i++) {
        if (count == cap)
            numbers = grow_array(numbers, &cap, count + 1, sizeof *numbers, "numbers");
        numbers[count++] = (long)i;
    }
    for (size_t i = 0; i < count; i++)
        *kept = *kept && numbers[i] == (long)i;
    *counted = count;
    *cap_seen = cap;
    free(numbers);
}

/* ---- die in a fork()ed child ends the child alone ---- */

static int exit_marker = -1; /* where the exit handler writes, while a test watches */

static void exit_handler(void)
{
    if (exit_marker >= 0)
        (void)!write(exit_marker, "exit handler ran", 16);
}

/*
 * A child dies while the parent has text in a file's buffer and an exit handler that
 * writes to a pipe; the child's stderr goes down the same pipe. Returns what reached the
 * pipe (the message, and the handler's words if it ran) and the file.
 */
static void child_dies(char *file_text, size_t file_size, char *pipe_text, size_t pipe_size)
{
    int fds[2];
    CHECK_SYS(pipe(fds));
    exit_marker = fds[1];
    char path[] = "/tmp/lab-check-XXXXXX";
    FILE *parent_file = fdopen(mkstemp(path), "w+");
    fprintf(parent_file, "parent;");
    fflush(stdout);
    pid_t pid = fork(); /* not xfork: the parent's text must still be in the buffer */
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        die("child gives up");
    }
    close(fds[1]);
    exit_marker = -1;
    int status;
    waitpid(pid, &status, 0);
    size_t got = 0;
    for (ssize_t n; (n = read(fds[0], pipe_text + got, pipe_size - 1 - got)) > 0;)
        got += (size_t)n;
    pipe_text[got] = '\0';
    close(fds[0]);
    fflush(parent_file);
    rewind(parent_file);
    if (!fgets(file_text, (int)file_size, parent_file))
        file_text[0] = '\0';
    fclose(parent_file);
    unlink(path);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
        snprintf(file_text, file_size, "child status %d", status);
}

/* A process prints a line's start, then dies, stdout and stderr down one pipe: what came
 * down it, in order. */
static void dies_mid_line(char *text, size_t size)
{
    int fds[2];
    CHECK_SYS(pipe(fds));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO); /* a pipe: stdout is fully buffered */
        dup2(fds[1], STDERR_FILENO);
        printf("so far;");
        die("stops");
    }
    close(fds[1]);
    size_t got = 0;
    for (ssize_t n; (n = read(fds[0], text + got, size - 1 - got)) > 0;)
        got += (size_t)n;
    text[got] = '\0';
    close(fds[0]);
    waitpid(pid, NULL, 0);
}

int main(void)
{
    char msg[512];

    is_long(exit_status(run_in_child(call_die, NULL, msg, sizeof msg)), 1,
            "die exits with status 1");
    is_str(msg, "check.t: boom 7\n", "die prints 'program: message'");

    is_long(exit_status(run_in_child(call_check_pt, NULL, msg, sizeof msg)), 1,
            "CHECK_PT dies on an error value");
    ok(strstr(msg, "check.c:") && strstr(msg, "EINVAL") && strstr(msg, strerror(EINVAL)),
       "naming the file, the call and the error: %s", msg);

    is_long(exit_status(run_in_child(call_check_sys, NULL, msg, sizeof msg)), 1,
            "CHECK_SYS dies on -1");
    ok(strstr(msg, "close(-1)") && strstr(msg, strerror(EBADF)), "with errno's text: %s", msg);

    is_long(exit_status(run_in_child(call_check_sys_ok, NULL, msg, sizeof msg)), 0,
            "CHECK_SYS lets success through");

    char *s = xstrdup("copy");
    is_str(s, "copy", "xstrdup copies");
    free(s);
    int *zeros = xcalloc(4, sizeof *zeros);
    ok(zeros[0] == 0 && zeros[3] == 0, "xcalloc zeroes");
    free(zeros);

    is_long((long)grow_capacity(0, 1, 8), 16, "grow_capacity: an empty array gets 16");
    is_long((long)grow_capacity(16, 17, 8), 32, "a full one doubles");
    is_long((long)grow_capacity(16, 1000, 8), 1024, "doubling as often as `need` asks");
    is_long((long)grow_capacity(64, 10, 8), 64, "and never shrinks");
    is_long((long)grow_capacity(16, SIZE_MAX / 2 + 2, 1), 0, "0 when doubling would overflow");
    is_long((long)grow_capacity(16, 17, SIZE_MAX / 16), 0, "0 when the bytes would overflow");
    size_t counted, cap;
    bool kept;
    append_numbers(1000, &counted, &cap, &kept);
    ok(counted == 1000 && cap == 1024 && kept,
       "grow_array: 1000 appends keep every value, in a capacity of 1024 (%zu)", cap);
    cap = 32;
    long *same = xmalloc(32 * sizeof *same);
    ok(grow_array(same, &cap, 20, sizeof *same, "numbers") == same && cap == 32,
       "room enough: the same array, the same capacity");
    free(same);
    /* A freed block full of 0xAB, of the size the table grows to: malloc hands it back. */
    free(memset(xmalloc(32 * sizeof(long)), 0xAB, 32 * sizeof(long)));
    cap = 16;
    long *table = xmalloc(16 * sizeof *table);
    for (int i = 0; i < 16; i++)
        table[i] = i + 1;
    table = grow_array_zeroed(table, &cap, 17, sizeof *table, "table");
    int kept_old = 0, zeroed = 0;
    for (size_t i = 0; i < 16; i++)
        kept_old += table[i] == (long)i + 1;
    for (size_t i = 16; i < cap; i++)
        zeroed += table[i] == 0;
    ok(cap == 32 && kept_old == 16 && zeroed == 16,
       "grow_array_zeroed: the 16 old elements kept, the %zu new ones all zero (%d)", cap - 16,
       zeroed);
    free(table);
    is_long(exit_status(run_in_child(call_grow_too_far, NULL, msg, sizeof msg)), 1,
            "an array that cannot grow dies");
    ok(strstr(msg, "the test's array: out of memory for") != NULL, "naming the array: %s", msg);

    /* Text still in stdio's buffer at fork time must come out once, not twice. */
    char path[] = "/tmp/lab-check-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w+");
    fprintf(f, "before-fork;");
    pid_t pid = xfork();
    if (pid == 0) {
        fclose(f);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    fflush(f);
    rewind(f);
    char text[64] = "";
    if (!fgets(text, sizeof text, f))
        text[0] = '\0';
    is_str(text, "before-fork;", "xfork flushes stdio first (no duplicated output)");
    fclose(f);
    unlink(path);

    dies_mid_line(msg, sizeof msg);
    is_str(msg, "so far;check.t: stops\n", "what the process printed comes before die's message");

    atexit(exit_handler);
    child_dies(text, sizeof text, msg, sizeof msg);
    is_str(msg, "check.t: child gives up\n",
           "die in a fork()ed child says why, and runs none of the parent's exit handlers");
    if (under_valgrind())
        skip("valgrind flushes every stdio buffer itself as a process ends (glibc's "
             "__libc_freeres), even after _exit",
             "nor write the parent's buffered text: it reaches the file once, from the parent");
    else
        is_str(text, "parent;",
               "nor write the parent's buffered text: it reaches the file once, from the parent");

    char name[6] = "xxxxx";
    copy_cut(name, sizeof name, "abc");
    is_str(name, "abc", "copy_cut copies a name that fits");
    copy_cut(name, sizeof name, "abcdef");
    is_str(name, "abcde", "and cuts one that does not to size - 1 bytes, terminated");
    copy_cut(name, sizeof name, "");
    is_str(name, "", "an empty name is an empty string");
    copy_cut(name, 0, "zz");
    is_str(name, "", "a size of 0 writes nothing");
    return done_testing();
}
