/*
 * pipeline_procs.c — the producer–consumer pipeline across processes: producers → pipe →
 * worker → pipe → the parent, shut down by end of file travelling down the pipeline.
 *
 * Processes share no queue object: a pipe is the queue (the kernel's buffer, 64 KiB; a
 * full pipe blocks the writer, an empty one the reader), and closing the last write end
 * is the shutdown: the reader's next read returns 0, end of file. Act 1: three producers
 * write 64-byte records (under PIPE_BUF, so each arrives whole); when the last one exits,
 * the worker sees EOF, finishes, closes its own pipe, and the parent sees EOF in turn;
 * then, and only then, it reaps them all. Act 2 makes the classic mistake: the parent
 * keeps a copy of the first pipe's write end, and EOF never comes until it closes it.
 * Watch the "saw end of file" lines travel down, and the checks at the end.
 */
#include "args.h"
#include "check.h"
#include "full_io.h"
#include "leftovers.h"
#include "results.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PRODUCERS = 3, MAX_RECORDS = 100000 };

struct record {
    uint32_t producer, number, checksum;
    char text[52];
};
_Static_assert(sizeof(struct record) <= PIPE_BUF, "a record must be written in one piece");

static uint32_t checksum(const struct record *r)
{
    uint32_t sum = r->producer * 31 + r->number;
    for (size_t i = 0; i < sizeof r->text; i++)
        sum = sum * 33 + (unsigned char)r->text[i];
    return sum;
}

static noreturn void producer(int id, long records, int out)
{
    char name[24];
    snprintf(name, sizeof name, "producer-%d", id);
    say_my_name(name);
    for (long n = 0; n < records; n++) {
        struct record r;
        memset(&r, 0, sizeof r);
        r.producer = (uint32_t)id;
        r.number = (uint32_t)n;
        snprintf(r.text, sizeof r.text, "record %ld of producer %d", n, id);
        r.checksum = checksum(&r);
        if (!write_all(out, &r, sizeof r))
            die_errno(errno, "write");
    }
    say("wrote %ld records; exiting closes my write end of pipe A", records);
    _exit(0);
}

/* Reads A until end of file, passes each record on to B, and closes B by exiting. */
static noreturn void worker(int in, int out)
{
    say_my_name("worker");
    struct record r;
    long passed = 0;
    ssize_t got;
    while ((got = read_all(in, &r, sizeof r)) == (ssize_t)sizeof r) {
        if (!write_all(out, &r, sizeof r))
            die_errno(errno, "write");
        passed++;
    }
    if (got != 0)
        die("worker: %s", got < 0 ? strerror(errno) : "a record cut short");
    say("read returned 0: end of file on pipe A, every writer is gone; passed %ld records on, "
        "exiting closes pipe B", passed);
    _exit(0);
}

struct tally {
    long received, bad, out_of_order;
    long *next; /* per producer: the number expected next */
};

/* Read B until end of file. If `held` >= 0 (act 2), close it once B has been quiet a while. */
static void drain(int in, int held, long records, struct tally *t)
{
    struct record r;
    for (;;) {
        struct pollfd p = {.fd = in, .events = POLLIN};
        int ready = poll(&p, 1, held >= 0 ? 500 : -1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0) {
            say("no end of file after 0.5 s of quiet: the worker still waits on pipe A, whose "
                "write end this process still holds. Closing it now.");
            CHECK_SYS(close(held));
            held = -1;
            result_record("pipeline.forgotten_close_found", 1, "bool");
            continue;
        }
        ssize_t got = read_all(in, &r, sizeof r);
        if (got == 0)
            break;
        if (got != (ssize_t)sizeof r || r.producer >= PRODUCERS || r.checksum != checksum(&r) ||
            r.number >= records) {
            t->bad++;
            continue;
        }
        t->out_of_order += r.number != (uint32_t)t->next[r.producer];
        t->next[r.producer] = r.number + 1;
        t->received++;
    }
    say("read returned 0: end of file on pipe B; %ld records received", t->received);
}

static bool act(bool forget_close, long records)
{
    int a[2], b[2];
    CHECK_SYS(pipe2(a, O_CLOEXEC));
    CHECK_SYS(pipe2(b, O_CLOEXEC));
    pid_t pids[PRODUCERS + 1];
    for (int i = 0; i < PRODUCERS; i++)
        if ((pids[i] = xfork()) == 0) {
            close(a[0]);
            close(b[0]);
            close(b[1]);
            producer(i, records, a[1]);
        }
    if ((pids[PRODUCERS] = xfork()) == 0) {
        close(a[1]);
        close(b[0]);
        worker(a[0], b[1]);
    }
    /* The parent keeps only B's read end: every other copy would hold a pipe open. */
    CHECK_SYS(close(a[0]));
    CHECK_SYS(close(b[1]));
    if (!forget_close)
        CHECK_SYS(close(a[1]));
    else
        say("(the mistake: the parent keeps its copy of pipe A's write end)");
    long next[PRODUCERS] = {0};
    struct tally t = {.next = next};
    drain(b[0], forget_close ? a[1] : -1, records, &t); /* drain first... */
    CHECK_SYS(close(b[0]));
    int clean_exits = 0;
    for (int i = 0; i <= PRODUCERS; i++) { /* ...then reap: a child blocked on a full pipe never exits */
        int status;
        CHECK_SYS(waitpid(pids[i], &status, 0));
        clean_exits += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    long expected = PRODUCERS * records;
    int left = leftover_children();
    bool ok = t.received == expected && t.bad == 0 && t.out_of_order == 0 &&
              clean_exits == PRODUCERS + 1 && left == 0;
    printf("%ld of %ld records received, each once and whole (%ld damaged, %ld out of order); "
           "%d of %d children exited 0 and were reaped; children left: %d: %s\n\n",
           t.received, expected, t.bad, t.out_of_order, clean_exits, PRODUCERS + 1, left,
           ok ? "nothing lost" : "SOMETHING WENT WRONG");
    result_record(forget_close ? "pipeline.act2.ok" : "pipeline.act1.ok", ok, "bool");
    result_record("pipeline.children_left", left, "processes");
    return ok;
}

int main(int argc, char **argv)
{
    long records = 5000;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("records", "N", &records, 1, MAX_RECORDS, "records each producer writes"),
        OPT_QUICK(&quick),
        OPT_QUICK_INT(&records, 500),
        OPT_END,
    };
    args_parse(argc, argv, "A pipeline of processes joined by pipes, shut down by end of file.",
               opts);
    printf("Act 1: %d producers -> pipe A -> worker -> pipe B -> this process, %ld records of "
           "%zu bytes each\n", PRODUCERS, records, sizeof(struct record));
    bool ok = act(false, records);
    printf("Act 2: the same, with the parent's copy of pipe A's write end left open\n");
    ok = act(true, records) && ok;
    return ok ? 0 : 1;
}
