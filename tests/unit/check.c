/* Unit tests of common/check: failures die with a clear message; xfork prints nothing twice. */
#include "check.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn in a child with stderr captured; return its exit status, message in buf. */
static int in_child(void (*fn)(void), char *buf, size_t size)
{
    int fds[2];
    CHECK_SYS(pipe(fds));
    pid_t pid = xfork();
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        fn();
        _exit(0);
    }
    close(fds[1]);
    ssize_t n, total = 0;
    while ((n = read(fds[0], buf + total, size - 1 - (size_t)total)) > 0)
        total += n;
    buf[total] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void call_die(void) { die("boom %d", 7); }
static void call_check_pt(void) { CHECK_PT(EINVAL); }
static void call_check_sys(void) { CHECK_SYS(close(-1)); }
static void call_check_sys_ok(void) { CHECK_SYS(0); }

int main(void)
{
    char msg[512];

    is_long(in_child(call_die, msg, sizeof msg), 1, "die exits with status 1");
    is_str(msg, "check.t: boom 7\n", "die prints 'program: message'");

    is_long(in_child(call_check_pt, msg, sizeof msg), 1, "CHECK_PT dies on an error value");
    ok(strstr(msg, "check.c:") && strstr(msg, "EINVAL") && strstr(msg, strerror(EINVAL)),
       "naming the file, the call and the error: %s", msg);

    is_long(in_child(call_check_sys, msg, sizeof msg), 1, "CHECK_SYS dies on -1");
    ok(strstr(msg, "close(-1)") && strstr(msg, strerror(EBADF)), "with errno's text: %s", msg);

    is_long(in_child(call_check_sys_ok, msg, sizeof msg), 0, "CHECK_SYS lets success through");

    char *s = xstrdup("copy");
    is_str(s, "copy", "xstrdup copies");
    free(s);
    int *zeros = xcalloc(4, sizeof *zeros);
    ok(zeros[0] == 0 && zeros[3] == 0, "xcalloc zeroes");
    free(zeros);

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
    return done_testing();
}
