/*
 * conn_pool.c — an async connection pool lending fake connections to many tasks: never
 * more than maxsize out, an acquire that times out or is cancelled leaks nothing.
 *
 * Mirrors A1 §8.2 「连接池管理」: create_engine(maxsize=20, minsize=5, timeout=10,
 * recycle=3600). 60 requests share the pool (pool.h: a semaphore of maxsize permits and
 * a queue of idle connections). Five impatient ones give up after 0.05 s; five are
 * cancelled, two while their connection is being made and three while they wait in line.
 * Then, recycle seconds later, a second wave finds the idle connections too old. Watch
 * "most out at once" (it reaches maxsize and never passes it), and the last lines: every
 * permit back, every connection ever made closed.
 */
#include "args.h"
#include "loop.h"
#include "pool.h"
#include "results.h"
#include "rng.h"
#include "say.h"
#include "table.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>

enum { REQUESTS = 60, IMPATIENT = 5, WAVE2 = 10, ALL = REQUESTS + IMPATIENT };

struct demo {
    struct pool_config config;
    struct pool *pool;
    struct rng rng;
    double query;          /* the longest query; each takes 1/6 to all of it */
    bool full_said;
};

struct request {
    struct demo *d;
    double timeout;
    double query;
};

static void *request(void *arg)
{
    struct request *r = arg;
    struct conn *c;
    int err = pool_acquire(r->d->pool, r->timeout, &c);
    if (err == -ETIMEDOUT)
        say("no connection within %.2f s: -ETIMEDOUT (asyncio.TimeoutError)", r->timeout);
    if (err == -ECANCELED)
        say("cancelled in pool_acquire (in line, or connecting): it gave back what it held");
    if (err)
        return task_raise(err, "acquire");
    if (pool_stats(r->d->pool).out == r->d->config.maxsize && !r->d->full_said) {
        r->d->full_said = true;
        say("%d connections out: the pool is at maxsize, the next acquires wait in line",
            r->d->config.maxsize);
    }
    err = async_sleep(r->query); /* the query */
    pool_release(r->d->pool, c); /* on every path: a cancelled query gives its connection back */
    return err ? task_raise(err, "query on conn #%d", c->id) : NULL;
}

/* Run `n` requests, cancel those in `cancel` after `when` seconds; count the outcomes. */
static void wave(struct request *reqs, int n, const int *cancel, int ncancel,
                 double when, long counts[3])
{
    struct task *tasks[ALL];
    for (int i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "req-%d", i);
        tasks[i] = create_task(name, request, &reqs[i]);
    }
    if (ncancel && async_sleep(when) == 0)
        for (int i = 0; i < ncancel; i++)
            task_cancel(tasks[cancel[i]]);
    for (int i = 0; i < n; i++) {
        int err = await_task(tasks[i], NULL);
        counts[err == 0 ? 0 : err == -ETIMEDOUT ? 1 : 2]++;
        task_release(tasks[i]);
    }
}

static void *main_task(void *arg)
{
    struct demo *d = arg;
    d->pool = pool_new(d->config);
    int err = pool_open(d->pool);
    if (err)
        return task_raise(err, "pool_open");
    say("pool open: %d connections made, idle", pool_idle(d->pool));
    static struct request reqs[ALL];
    for (int i = 0; i < ALL; i++)
        reqs[i] = (struct request){d, i < REQUESTS ? d->config.timeout : 0.05,
                                   rng_uniform(&d->rng, d->query / 6, d->query)};
    /* Requests 5 and 6 are connecting at 0.01 s (5 idle went to 0-4); 57-59 wait in line. */
    const int cancel[] = {5, 6, 57, 58, 59};
    long counts[3] = {0};
    wave(reqs, ALL, cancel, 5, d->config.connect_time / 5, counts);
    struct pool_stats s = pool_stats(d->pool);
    struct table *t = table_new("wave|requests|served|timed out|cancelled|most out so far|maxsize");
    table_row(t, "1|%d|%ld|%ld|%ld|%d|%d", ALL, counts[0], counts[1], counts[2], s.most_out,
              d->config.maxsize);
    result_record("pool.wave1.served", (double)counts[0], "requests");
    result_record("pool.wave1.timeouts", (double)counts[1], "requests");
    result_record("pool.wave1.cancelled", (double)counts[2], "requests");
    say("wave 1 done: %d permits free, %d connections idle; now idle for %g s (recycle)",
        pool_permits(d->pool), pool_idle(d->pool), d->config.recycle);

    if ((err = async_sleep(d->config.recycle)))
        return task_raise(err, "sleep");
    long counts2[3] = {0};
    wave(reqs, WAVE2, NULL, 0, 0, counts2);
    s = pool_stats(d->pool);
    table_row(t, "2|%d|%ld|%ld|%ld|%d|%d", WAVE2, counts2[0], counts2[1], counts2[2], s.most_out,
              d->config.maxsize);
    table_print(t);
    table_free(t);

    struct pool_stats final;
    bool clean = pool_close(d->pool, &final);
    printf("connections: %ld made, %ld recycled, %ld closed in all; %ld acquires\n",
           final.created, final.recycled, final.closed, final.acquired);
    printf("most out at once: %d (maxsize %d): %s\n", final.most_out, d->config.maxsize,
           final.most_out <= d->config.maxsize ? "never more than maxsize" : "MORE THAN MAXSIZE");
    printf("at close: %s\n", clean ? "every permit back, every connection ever made closed: "
                                     "nothing leaked"
                                   : "SOMETHING LEAKED");
    result_record("pool.most_out", final.most_out, "connections");
    result_record("pool.created", (double)final.created, "connections");
    result_record("pool.recycled", (double)final.recycled, "connections");
    result_record("pool.clean", clean, "bool");
    result_record("pool.wave2.served", (double)counts2[0], "requests");
    return clean && final.most_out <= d->config.maxsize ? NULL : task_raise(-EIO, "leak");
}

int main(int argc, char **argv)
{
    long minsize = 5, maxsize = 20, seed = 1;
    double timeout = 10, recycle = 1, connect_ms = 50, query_ms = 300;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("minsize", "N", &minsize, 0, 1000, "connections made at open (the article: 5)"),
        OPT_INT("maxsize", "N", &maxsize, 1, 1000, "most connections at once (the article: 20)"),
        OPT_DOUBLE("timeout", "S", &timeout, 0, 3600, "acquire timeout (the article: 10)"),
        OPT_DOUBLE("recycle", "S", &recycle, 0.001, 86400,
                   "close idle connections older than S (the article: 3600)"),
        OPT_DOUBLE("connect-ms", "MS", &connect_ms, 1, 10000, "how long a connect takes"),
        OPT_DOUBLE("query-ms", "MS", &query_ms, 1, 10000, "the longest query"),
        OPT_INT("seed", "N", &seed, 0, 1000000, "the query times"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&recycle, 0.2),
        OPT_QUICK_DOUBLE(&query_ms, 60),
        OPT_QUICK_DOUBLE(&connect_ms, 10),
        OPT_END,
    };
    args_parse(argc, argv, "An async connection pool (min, max, acquire timeout, recycle) lent "
               "to many tasks: never more than max out, nothing leaked.", opts);
    if (minsize > maxsize)
        args_error("--minsize %ld is more than --maxsize %ld", minsize, maxsize);
    static struct demo d;
    d.config = (struct pool_config){(int)minsize, (int)maxsize, timeout, recycle, connect_ms / 1e3};
    d.query = query_ms / 1e3;
    rng_seed(&d.rng, (uint64_t)seed);
    printf("pool: minsize %ld, maxsize %ld, timeout %g s, recycle %g s; %d requests, %d of them "
           "impatient (timeout 0.05 s), 5 cancelled\n\n", minsize, maxsize, timeout, recycle,
           REQUESTS, IMPATIENT);
    return async_run(main_task, &d, NULL) == 0 ? 0 : 1;
}
