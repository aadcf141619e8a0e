/* trace.c — tasks' lives, as a timeline or as Chrome trace JSON. See trace.h. */
#include "trace.h"

#include "args.h"
#include "check.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct traced_task {
    unsigned id;
    char name[32];
    char outcome[12]; /* empty while it runs */
    double created, finished;
};

struct slice {
    unsigned id;
    bool waiting;
    char what[40];
    double t0, t1;
};

/* Tasks may run on several threads' loops, so the record has a lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static atomic_bool recording; /* read without the lock: it is checked on every task step */
static const char *json_path;
static struct traced_task *tasks; /* sorted by id */
static size_t ntasks, tasks_cap;
static struct slice *slices;
static size_t nslices, slices_cap;

static void write_at_exit(void)
{
    if (trace_write_json(json_path) == -1)
        fprintf(stderr, "%s: LAB_TRACE=%s: %s\n", program_invocation_short_name, json_path,
                strerror(errno));
}

static void read_environment(void)
{
    const char *path = getenv("LAB_TRACE");
    if (path && *path) {
        json_path = path;
        recording = true;
        atexit(write_at_exit);
    }
    if (env_flag("LAB_TIMELINE"))
        recording = true;
}

bool trace_on(void)
{
    pthread_once(&env_once, read_environment);
    return recording;
}

void trace_start(void)
{
    pthread_once(&env_once, read_environment);
    recording = true;
}

void trace_reset(void)
{
    pthread_mutex_lock(&lock);
    ntasks = nslices = 0;
    pthread_mutex_unlock(&lock);
}

/* The task with this id, or NULL. Caller holds the lock. */
static struct traced_task *find(unsigned id)
{
    size_t lo = 0, hi = ntasks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (tasks[mid].id == id)
            return &tasks[mid];
        if (tasks[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void trace_task_created(unsigned id, const char *name, double t)
{
    pthread_mutex_lock(&lock);
    if (ntasks == tasks_cap)
        tasks = grow_array(tasks, &tasks_cap, ntasks + 1, sizeof *tasks, "trace");
    /* Ids come in order, except when loops on two threads create tasks at once. */
    size_t at = ntasks;
    while (at > 0 && tasks[at - 1].id > id) {
        tasks[at] = tasks[at - 1];
        at--;
    }
    tasks[at] = (struct traced_task){.id = id, .created = t, .finished = t};
    snprintf(tasks[at].name, sizeof tasks[at].name, "%s", name);
    ntasks++;
    pthread_mutex_unlock(&lock);
}

void trace_task_finished(unsigned id, const char *outcome, double t)
{
    pthread_mutex_lock(&lock);
    struct traced_task *task = find(id);
    if (task) {
        task->finished = t;
        snprintf(task->outcome, sizeof task->outcome, "%s", outcome);
    }
    pthread_mutex_unlock(&lock);
}

void trace_slice(unsigned id, bool waiting, const char *what, double t0, double t1)
{
    pthread_mutex_lock(&lock);
    if (nslices == slices_cap)
        slices = grow_array(slices, &slices_cap, nslices + 1, sizeof *slices, "trace");
    struct slice *s = &slices[nslices++];
    *s = (struct slice){.id = id, .waiting = waiting, .t0 = t0, .t1 = t1};
    snprintf(s->what, sizeof s->what, "%s", what);
    pthread_mutex_unlock(&lock);
}

/* ---- the timeline ---- */

enum { TIMELINE_MAX_ROWS = 40, NAME_MAX_WIDTH = 20 };

static void time_span(double *start, double *end)
{
    *start = ntasks ? tasks[0].created : 0;
    *end = *start;
    for (size_t i = 0; i < ntasks; i++) {
        if (tasks[i].created < *start)
            *start = tasks[i].created;
        if (tasks[i].finished > *end)
            *end = tasks[i].finished;
    }
    for (size_t i = 0; i < nslices; i++)
        if (slices[i].t1 > *end)
            *end = slices[i].t1;
}

/* The column of the time axis that time t falls in. */
static int column(double t, double start, double span, int width)
{
    int c = (int)((t - start) / span * width);
    return c < 0 ? 0 : c >= width ? width - 1 : c;
}

void trace_timeline_print(FILE *out, int width)
{
    pthread_mutex_lock(&lock);
    double start, end;
    time_span(&start, &end);
    double span = end > start ? end - start : 1e-9;
    int name_width = 4;
    for (size_t i = 0; i < ntasks && i < TIMELINE_MAX_ROWS; i++) {
        int len = (int)strlen(tasks[i].name);
        if (len > name_width)
            name_width = len > NAME_MAX_WIDTH ? NAME_MAX_WIDTH : len;
    }
    fprintf(out, "timeline: %.3f s, one column = %.1f ms ('#' running, '-' waiting)\n", span,
            span / width * 1000);

    size_t rows = ntasks < TIMELINE_MAX_ROWS ? ntasks : TIMELINE_MAX_ROWS;
    char *grid = xcalloc(rows, (size_t)width);
    memset(grid, ' ', rows * (size_t)width);
    for (size_t r = 0; r < rows; r++) {
        int ended = tasks[r].outcome[0] ? column(tasks[r].finished, start, span, width) : width - 1;
        for (int c = column(tasks[r].created, start, span, width); c <= ended; c++)
            grid[r * (size_t)width + (size_t)c] = '-';
    }
    for (size_t i = 0; i < nslices; i++) {
        const struct traced_task *task = find(slices[i].id);
        size_t r = task ? (size_t)(task - tasks) : rows;
        if (r >= rows || slices[i].waiting)
            continue;
        for (int c = column(slices[i].t0, start, span, width);
             c <= column(slices[i].t1, start, span, width); c++)
            grid[r * (size_t)width + (size_t)c] = '#';
    }
    for (size_t r = 0; r < rows; r++)
        fprintf(out, "%-*.*s %.*s|\n", name_width, name_width, tasks[r].name, width,
                grid + r * (size_t)width);
    if (ntasks > rows)
        fprintf(out, "... and %zu more tasks\n", ntasks - rows);
    free(grid);
    pthread_mutex_unlock(&lock);
}

/* ---- Chrome trace-event JSON ---- */

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

int trace_write_json(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    pthread_mutex_lock(&lock);
    double start, end;
    time_span(&start, &end);
    int pid = (int)getpid();
    fprintf(f, "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
    fprintf(f,
            "{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": %d, \"args\": {\"name\": ", pid);
    json_string(f, program_invocation_short_name);
    fprintf(f, "}}");
    /* One track per task, named after it, holding its lifetime as the outer slice. */
    for (size_t i = 0; i < ntasks; i++) {
        const struct traced_task *t = &tasks[i];
        double until = t->outcome[0] ? t->finished : end;
        fprintf(f,
                ",\n{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": %d, \"tid\": %u, "
                "\"args\": {\"name\": ",
                pid, t->id);
        json_string(f, t->name);
        fprintf(f, "}},\n{\"ph\": \"X\", \"cat\": \"task\", \"name\": ");
        json_string(f, t->name);
        fprintf(f,
                ", \"pid\": %d, \"tid\": %u, \"ts\": %.3f, \"dur\": %.3f, "
                "\"args\": {\"outcome\": ",
                pid, t->id, (t->created - start) * 1e6, (until - t->created) * 1e6);
        json_string(f, t->outcome[0] ? t->outcome : "still running");
        fprintf(f, "}}");
    }
    for (size_t i = 0; i < nslices; i++) {
        const struct slice *s = &slices[i];
        fprintf(f, ",\n{\"ph\": \"X\", \"cat\": \"%s\", \"name\": ", s->waiting ? "wait" : "run");
        json_string(f, s->what);
        fprintf(f, ", \"pid\": %d, \"tid\": %u, \"ts\": %.3f, \"dur\": %.3f}", pid, s->id,
                (s->t0 - start) * 1e6, (s->t1 - s->t0) * 1e6);
    }
    fprintf(f, "\n]}\n");
    pthread_mutex_unlock(&lock);
    return fclose(f) == 0 ? 0 : -1;
}
