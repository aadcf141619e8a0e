/*
 * process_pool.c — a process pool's life: forking its workers, once, when it is made (and
 * the fork rule that says when that is safe), and at shutdown waiting for the jobs still
 * out, ending the workers and reaping every one. See process_pool.h for the laws and
 * process_pool_private.h for how the files of the pool fit together: what a worker runs
 * is in process_pool_worker.c, what happens to a job between the two in process_pool_jobs.c.
 */
#include "process_pool_private.h"

#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Threads of this process, from /proc (1 where it cannot be read: nothing to go on). */
static int threads_running(void)
{
    DIR *dir = opendir("/proc/self/task");
    if (!dir)
        return 1;
    int n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(dir);
    return n;
}

/*
 * Threads that are not the program's do not count against the fork rule: those already
 * there when the program was loaded (an emulator's: qemu-user runs one beside the
 * program), and ThreadSanitizer's, which it starts with the first pthread_create() and
 * takes care of around fork() itself.
 */
static int threads_at_load;

__attribute__((constructor)) static void count_threads_at_load(void)
{
    threads_at_load = threads_running();
}

#if defined(__SANITIZE_THREAD__)
#define POOL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define POOL_TSAN 1
#endif
#endif
#ifdef POOL_TSAN
enum { SANITIZER_THREADS = 1 };
#else
enum { SANITIZER_THREADS = 0 };
#endif

struct process_pool *process_pool_new(int workers)
{
    if (workers == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        workers = cores > 0 ? (int)cores : 1;
    }
    if (workers < 0)
        die("process_pool_new: %d workers", workers);
    int threads = threads_running() - (threads_at_load - 1) - SANITIZER_THREADS;
    if (threads > 1)
        die("process_pool_new: %d threads are running, and fork() would copy only this one "
            "(a lock another holds would stay locked in every worker): create process pools "
            "before any thread",
            threads);

    struct process_pool *pool =
        xcalloc(1, sizeof *pool + (size_t)workers * sizeof pool->workers[0]);
    pool->size = pool->alive = workers;
    list_init(&pool->queue);
    /* Ctrl-C waits until every worker has set SIGINT to ignored: none can die of it first. */
    sigset_t sigint, before;
    sigemptyset(&sigint);
    sigaddset(&sigint, SIGINT);
    CHECK_SYS(sigprocmask(SIG_BLOCK, &sigint, &before));
    for (int i = 0; i < workers; i++) {
        int sv[2];
        CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
        pid_t pid = xfork();
        if (pid == 0) {
            close(sv[0]);
            free(pool); /* the worker's copy: of no use to it (and valgrind would call it lost) */
            process_pool_worker_main(sv[1], i + 1, &before);
        }
        close(sv[1]);
        pool->workers[i] = (struct worker){.pool = pool, .pid = pid, .fd = sv[0]};
    }
    CHECK_SYS(sigprocmask(SIG_SETMASK, &before, NULL));
    return pool;
}

int process_pool_size(const struct process_pool *pool)
{
    return pool->size;
}

pid_t process_pool_pid(const struct process_pool *pool, int i)
{
    return i >= 0 && i < pool->size ? pool->workers[i].pid : 0;
}

int process_pool_shutdown(struct process_pool *pool)
{
    process_pool_finish_jobs(pool);
    int unclean = 0;
    for (int i = 0; i < pool->size; i++) {
        struct worker *w = &pool->workers[i];
        if (w->pid != 0) {
            close(w->fd); /* the end of its input: an idle worker exits */
            CHECK_SYS(waitpid(w->pid, &w->status, 0));
            w->pid = 0;
        }
        unclean += !(WIFEXITED(w->status) && WEXITSTATUS(w->status) == 0);
    }
    free(pool);
    return unclean;
}
