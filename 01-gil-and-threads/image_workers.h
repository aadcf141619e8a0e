/*
 * image_workers.h — the process pool of image_pool.c: worker processes that take image
 * numbers from a pipe and report on another, as multiprocessing.Pool's workers do.
 *
 *   pool_start      Pool(processes=n, initializer=init_worker): fork n workers; each one
 *                   starts from the default signal dispositions (as a freshly spawned
 *                   Python worker does) and then, like the article's init_worker(),
 *                   ignores SIGINT: a Ctrl-C is the parent's business.
 *   pool_map        map_async(): every image number down the pipe, then end of file.
 *   pool_terminate  terminate(): SIGTERM to every worker, whatever it is doing.
 *   pool_join       join(): reap every worker and say how it ended.
 * Each worker reports 'S' (started an image) and 'D' (done with it), and, in every
 * report, whether it found SIGINT ignored in its own process: the witness of init_worker.
 */
#ifndef CH01_IMAGE_WORKERS_H
#define CH01_IMAGE_WORKERS_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

enum { MAX_WORKERS = 64, MAX_IMAGES = 2 * MAX_WORKERS };

struct message {
    int image;
    pid_t pid;
    char what;           /* 'S': started it, 'D': done with it */
    bool ignores_sigint; /* the worker's own SIGINT disposition is SIG_IGN */
};

struct pool {
    int size;
    pid_t pids[MAX_WORKERS];
    int tasks;   /* write end: image numbers still to process */
    int results; /* read end: what the workers report */
};

/* Start `size` workers taking `seconds` per image; `close_in_child` is closed in each. */
void pool_start(struct pool *p, int size, double seconds, const int close_in_child[2]);
void pool_map(struct pool *p, int images);

/* Read one worker's report (of one of `images` images), or die if it is broken. */
void pool_read(struct pool *p, struct message *m, int images);

/* What a terminal does on Ctrl-C: SIGINT to every process of the job, workers included. */
void pool_press_ctrl_c(const struct pool *p);
void pool_terminate(struct pool *p);

/* Reap every worker; how many ended as they should (exit 0, or terminate()'s SIGTERM). */
int pool_join(struct pool *p, int *by_sigterm);

/* Has this process any child left, alive or zombie? Says which. */
bool children_left(void);

#endif
