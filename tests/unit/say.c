/* Unit tests of common/say: the line format, and lines from threads never interleave. */
#include "check.h"
#include "say.h"
#include "tap.h"

#include <pthread.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { THREADS = 4, LINES = 500 };

static void *talker(void *arg)
{
    char name[16];
    snprintf(name, sizeof name, "talker-%ld", (long)(intptr_t)arg);
    say_my_name(name);
    for (int i = 0; i < LINES; i++)
        say("line %d of a message long enough to be split if writes were not atomic", i);
    return NULL;
}

static void *unnamed(void *arg)
{
    (void)arg;
    say("no name given");
    return NULL;
}

static const char *a_task(void)
{
    return "fetcher";
}

/* In a child whose stdout is `path`: one main line, THREADS talkers, one unnamed thread,
 * one line from a "task". */
static void talk_into(const char *path)
{
    if (!freopen(path, "w", stdout))
        _exit(3);
    say("hello %s", "world");
    say_as("account-1", "balance %d", 800);
    pthread_t t[THREADS + 1];
    for (long i = 0; i < THREADS; i++)
        CHECK_PT(pthread_create(&t[i], NULL, talker, (void *)(intptr_t)i));
    CHECK_PT(pthread_create(&t[THREADS], NULL, unnamed, NULL));
    for (int i = 0; i <= THREADS; i++)
        CHECK_PT(pthread_join(t[i], NULL));
    say_set_name_source(a_task);
    say("inside a task");
    say_set_name_source(NULL);
    fclose(stdout);
    _exit(0);
}

int main(void)
{
    char path[] = "/tmp/lab-say-XXXXXX";
    close(mkstemp(path));
    pid_t pid = xfork();
    if (pid == 0)
        talk_into(path);
    int status;
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the talking child exited cleanly");

    FILE *f = fopen(path, "r");
    regex_t line_re, main_re, as_re, tid_re, task_re;
    regcomp(&line_re, "^\\[ *[0-9]+\\.[0-9]{3}s\\] \\[talker-[0-3]\\] line [0-9]+ of a message long enough to be split if writes were not atomic$", REG_EXTENDED | REG_NOSUB);
    regcomp(&main_re, "^\\[ *0\\.[0-9]{3}s\\] \\[main\\] hello world$", REG_EXTENDED | REG_NOSUB);
    regcomp(&as_re, "^\\[ *[0-9.]+s\\] \\[account-1\\] balance 800$", REG_EXTENDED | REG_NOSUB);
    regcomp(&task_re, "^\\[ *[0-9.]+s\\] \\[fetcher\\] inside a task$", REG_EXTENDED | REG_NOSUB);
    regcomp(&tid_re, "^\\[ *[0-9.]+s\\] \\[tid-[0-9]+\\] no name given$", REG_EXTENDED | REG_NOSUB);
    char line[512];
    int talker_lines = 0, bad = 0, first = 1, as_ok = 0, tid_ok = 0, task_ok = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (first) {
            ok(regexec(&main_re, line, 0, NULL, 0) == 0, "main thread's line: %s", line);
            first = 0;
        } else if (regexec(&line_re, line, 0, NULL, 0) == 0) {
            talker_lines++;
        } else if (regexec(&as_re, line, 0, NULL, 0) == 0) {
            as_ok = 1;
        } else if (regexec(&tid_re, line, 0, NULL, 0) == 0) {
            tid_ok = 1;
        } else if (regexec(&task_re, line, 0, NULL, 0) == 0) {
            task_ok = 1;
        } else if (bad++ < 3) {
            diag("malformed line: %s", line);
        }
    }
    fclose(f);
    unlink(path);
    is_long(talker_lines, THREADS * LINES, "every thread's line arrived whole");
    is_long(bad, 0, "no interleaved or malformed line");
    ok(as_ok, "say_as speaks for a named party");
    ok(tid_ok, "an unnamed thread shows its kernel thread id");
    ok(task_ok, "inside a task, say() shows the task's name (say_set_name_source)");
    regfree(&line_re);
    regfree(&main_re);
    regfree(&as_re);
    regfree(&tid_re);
    regfree(&task_re);
    return done_testing();
}
