/*
 * slow_callback.c — debug mode catches a callback that blocks the loop with sleep().
 *
 * Mirrors A1 §4.2 「阻塞调用识别」: "any synchronous I/O breaks the event loop", and a
 * decorator that warns when an await takes more than 100 ms.
 * The same 0.3 s "fetch" runs twice beside a heartbeat that should beat every 50 ms:
 * once with a blocking sleep() inside a callback, once with call_later. Watch three
 * witnesses: the heartbeat's longest gap (the loop froze), the loop's debug report on
 * stderr (it names the callback that blocked), and the article's decorator, which
 * measures the whole operation and so flags the harmless version too (see the errata).
 */
#include "args.h"
#include "clock.h"
#include "future.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "table.h"

#include <stdio.h>

static double fetch_seconds = 0.3;
static const double beat_every = 0.05;

struct phase {
    const char *name;
    loop_callback *fetch;
    struct future *done;
    double fetch_started, fetch_took; /* what the article's decorator measures */
    bool flagged;                     /* ...and whether it warned (over 0.1 s) */
    double last_beat, longest_gap;
    int beats;
    struct loop_handle next_beat;
};

static void heartbeat(struct loop *loop, void *arg)
{
    struct phase *p = arg;
    double now = loop_time(loop);
    if (p->beats++ && now - p->last_beat > p->longest_gap)
        p->longest_gap = now - p->last_beat;
    p->last_beat = now;
    p->next_beat = loop_call_later(loop, beat_every, heartbeat, p);
}

static void end_phase(struct loop *loop, void *arg)
{
    struct phase *p = arg;
    loop_cancel(loop, p->next_beat);
    future_set_result(p->done, NULL);
}

/* The decorator of A1 §4.2 times the operation from start to end; then two more beats. */
static void fetch_finished(struct loop *loop, struct phase *p)
{
    p->fetch_took = loop_time(loop) - p->fetch_started;
    p->flagged = p->fetch_took > 0.1;
    if (p->flagged)
        say("decorator: 警告: %s 阻塞了 %.2f 秒", p->name, p->fetch_took);
    loop_call_later(loop, 2 * beat_every, end_phase, p);
}

/* Wrong: sleep() holds the only thread, so nothing else in the loop can run meanwhile. */
static void blocking_fetch(struct loop *loop, void *arg)
{
    struct phase *p = arg;
    p->fetch_started = loop_time(loop);
    say("blocking_fetch: sleep(%.2f), the loop is frozen", fetch_seconds);
    sleep_sec(fetch_seconds);
    fetch_finished(loop, p);
}

static void fetch_done(struct loop *loop, void *arg)
{
    fetch_finished(loop, arg);
}

/* Right: ask the loop to come back later, and return at once. */
static void nonblocking_fetch(struct loop *loop, void *arg)
{
    struct phase *p = arg;
    p->fetch_started = loop_time(loop);
    say("nonblocking_fetch: call_later(%.2f), the loop keeps going", fetch_seconds);
    loop_call_later(loop, fetch_seconds, fetch_done, p);
}

/* Heartbeat from the start; the fetch a little later; run until the fetch is done. */
static long run_phase(struct phase *p, double threshold)
{
    struct loop *loop = loop_new();
    loop_set_debug(loop, true);
    loop_set_slow_callback_duration(loop, threshold);
    p->done = future_new(loop);
    loop_call_soon(loop, heartbeat, p);
    loop_call_later_named(loop, 2.5 * beat_every, p->name, p->fetch, p);
    loop_run_until_complete(loop, p->done);
    long reports = (long)loop_get_stats(loop).slow_callbacks;
    future_unref(p->done);
    loop_close(loop);
    return reports;
}

int main(int argc, char **argv)
{
    long threshold_ms = LOOP_SLOW_CALLBACK_MS;
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &fetch_seconds, 0, 10, "how long the fetch takes"),
        OPT_QUICK_DOUBLE(&fetch_seconds, 0.15),
        OPT_INT("threshold-ms", "MS", &threshold_ms, 1, 10000,
                "debug mode reports callbacks slower than this"),
        OPT_QUICK(&quick),
        OPT_END,
    };
    args_parse(argc, argv,
               "A callback that blocks with sleep() freezes the loop; debug mode names it. "
               "The same wait with call_later does not.",
               opts);

    struct phase blocking = {.name = "blocking_fetch", .fetch = blocking_fetch};
    struct phase nonblocking = {.name = "nonblocking_fetch", .fetch = nonblocking_fetch};
    printf("Debug mode on, threshold %ld ms; a heartbeat every %.0f ms.\n\n", threshold_ms,
           beat_every * 1000);
    long blocking_reports = run_phase(&blocking, (double)threshold_ms / 1000);
    printf("\n");
    long nonblocking_reports = run_phase(&nonblocking, (double)threshold_ms / 1000);

    printf("\n");
    struct table *t = table_new("fetch|decorator (A1 §4.2)|loop debug reports|heartbeat's "
                                "longest gap");
    const struct phase *phases[] = {&blocking, &nonblocking};
    const long reports[] = {blocking_reports, nonblocking_reports};
    const char *names[] = {"blocking sleep()", "call_later"};
    bool froze[2];
    for (int i = 0; i < 2; i++) {
        /* A missed beat: a gap of two beats or more (a late beat alone is noise). */
        froze[i] = phases[i]->longest_gap >= 2 * beat_every;
        table_row(t, "%s|%.2f s: %s|%ld|%.3f s%s", names[i], phases[i]->fetch_took,
                  phases[i]->flagged ? "flagged" : "not flagged", reports[i],
                  phases[i]->longest_gap, froze[i] ? " (beats missed)" : "");
    }
    table_print(t);
    table_free(t);
    printf("\nThe loop froze %s; debug mode reported %s.\nThe decorator flagged %s: it times "
           "the whole operation, waits included, so it cannot tell a blocked loop from a long "
           "wait.\n",
           froze[0] && !froze[1]   ? "only with the blocking fetch"
           : froze[0] && froze[1] ? "with both (a busy machine?)"
           : froze[1]             ? "only with call_later (a busy machine?)"
                                  : "with neither (the fetch is too short to miss a beat)",
           blocking_reports && !nonblocking_reports ? "blocking_fetch only"
           : blocking_reports                       ? "both"
           : nonblocking_reports                    ? "call_later only"
                                                    : "nothing (no callback took that long)",
           blocking.flagged && nonblocking.flagged ? "both"
           : blocking.flagged                      ? "only the blocking fetch"
           : nonblocking.flagged                   ? "only call_later"
                                                   : "neither (0.1 s or less)");

    result_record("slow_callback.reports.blocking", (double)blocking_reports, "count");
    result_record("slow_callback.reports.nonblocking", (double)nonblocking_reports, "count");
    result_record("slow_callback.gap.blocking", blocking.longest_gap, "s");
    result_record("slow_callback.gap.nonblocking", nonblocking.longest_gap, "s");
    result_record("slow_callback.decorator.nonblocking", nonblocking.fetch_took, "s");
    result_record("slow_callback.flagged.blocking", blocking.flagged, "bool");
    result_record("slow_callback.flagged.nonblocking", nonblocking.flagged, "bool");
    return 0;
}
