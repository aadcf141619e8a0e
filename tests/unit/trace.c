/*
 * Unit tests of common/trace: the timeline draws each task's life where it belongs, and
 * the JSON is well formed with the names escaped.
 */
#include "tap.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *capture_timeline(int width)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    trace_timeline_print(f, width);
    fclose(f);
    return text;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

int main(void)
{
    unsetenv("LAB_TRACE");
    unsetenv("LAB_TIMELINE");
    ok(!trace_on(), "recording is off unless asked for");
    trace_start();
    ok(trace_on(), "trace_start turns it on");

    /* main lives 0..1 s; "sleepy" is created at 0.5, waits until 0.9, runs, ends at 1.0. */
    trace_task_created(1, "main", 0.0);
    trace_slice(1, false, "run", 0.0, 0.0);
    trace_slice(1, true, "await sleepy", 0.0, 1.0);
    trace_task_created(2, "sleepy", 0.5);
    trace_slice(2, true, "sleep 0.4 s", 0.5, 0.9);
    trace_slice(2, false, "run", 0.9, 0.9);
    trace_task_finished(2, "result", 1.0);
    trace_task_finished(1, "result", 1.0);
    /* "quick" lives from 0.2 to 0.4 s, all of it waiting. */
    trace_task_created(3, "quick", 0.2);
    trace_slice(3, true, "start", 0.2, 0.4);
    trace_task_finished(3, "result", 0.4);

    char *text = capture_timeline(10);
    diag("%s", text);
    ok(strstr(text, "timeline: 1.000 s, one column = 100.0 ms") != NULL,
       "the header gives the span and the column width");
    ok(strstr(text, "main   #---------|") != NULL, "main: ran at the start, waited to the end");
    ok(strstr(text, "sleepy      ----#|") != NULL,
       "sleepy: blank before its birth at 0.5 s, waiting, then its run in the last column");
    ok(strstr(text, "quick    ---     |") != NULL, "quick: its row ends where its life did");
    free(text);

    char path[] = "/tmp/lab-trace-XXXXXX";
    close(mkstemp(path));
    trace_reset();
    trace_task_created(7, "say \"hi\"\\now", 0.0);
    trace_slice(7, true, "sleep 0.125 s", 0.0, 0.125);
    trace_task_finished(7, "cancelled", 0.25);
    /* Loops on two threads: task 9 is recorded before task 8. */
    trace_task_created(9, "nine", 0.0);
    trace_task_created(8, "eight", 0.0);
    trace_task_finished(8, "error", 0.5);
    trace_task_finished(2, "result", 0.5); /* "sleepy", forgotten by trace_reset */
    ok(trace_write_json(path) == 0, "the JSON is written");
    const char *json = slurp(path);
    ok(strstr(json, "\"traceEvents\": [") != NULL, "as a Chrome trace-event file");
    ok(strstr(json, "\"name\": \"say \\\"hi\\\"\\\\now\"") != NULL,
       "with quotes and backslashes in names escaped");
    ok(strstr(json, "\"dur\": 250000.000") != NULL, "a lifetime of 0.25 s is 250000 us");
    ok(strstr(json, "\"outcome\": \"cancelled\"") != NULL, "with its outcome");
    ok(strstr(json, "\"dur\": 125000.000}") != NULL, "a wait of 0.125 s is 125000 us");
    ok(strstr(json, "\"outcome\": \"error\"") != NULL,
       "a task recorded out of id order still gets its outcome");
    ok(strstr(json, "sleepy") == NULL, "trace_reset forgot the earlier tasks");
    unlink(path);
    return done_testing();
}
