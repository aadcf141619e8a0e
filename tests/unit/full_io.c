/*
 * Unit tests of common/full_io: every byte crosses once, in order, through the short
 * reads and writes and the EINTRs of a pipe under a storm of signals; the end of file and
 * a vanished reader are told apart from success.
 */
#include "check.h"
#include "full_io.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

enum { PAYLOAD = 4 << 20 }; /* 64 times a pipe's buffer */

static unsigned char byte_at(size_t i)
{
    return (unsigned char)(i * 131 + (i >> 12));
}

static unsigned char *payload(void)
{
    unsigned char *data = xmalloc(PAYLOAD);
    for (size_t i = 0; i < PAYLOAD; i++)
        data[i] = byte_at(i);
    return data;
}

static size_t wrong_bytes(const unsigned char *got)
{
    size_t wrong = 0;
    for (size_t i = 0; i < PAYLOAD; i++)
        wrong += got[i] != byte_at(i);
    return wrong;
}

/* The other end of the pipe, in a thread that lets every SIGALRM go to the test's main
 * thread: it starts 20 ms late, so main waits in its read or write while signals land. */
struct peer {
    int fd;
    bool reads;
    ssize_t moved;
    unsigned char *data;
};

static void *peer_main(void *arg)
{
    struct peer *p = arg;
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &alrm, NULL);
    usleep(20000);
    if (p->reads) {
        p->data = xmalloc(PAYLOAD + 1);
        p->moved = read_all(p->fd, p->data, PAYLOAD + 1);
    } else {
        p->data = payload();
        p->moved = write_all(p->fd, p->data, PAYLOAD) ? PAYLOAD : -1;
    }
    close(p->fd);
    return NULL;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int signo)
{
    (void)signo;
    alarms++;
}

/* main writes (or reads) 4 MiB through a pipe while SIGALRM comes every 5 ms. */
static void transfer_under_signals(bool main_writes)
{
    /* The payload first: made while the peer sleeps, it would eat the time main is meant
     * to spend blocked in write_all, its writes cut short before a byte goes (EINTR). */
    unsigned char *data = main_writes ? payload() : xmalloc(PAYLOAD + 1);
    int p[2];
    CHECK_SYS(pipe(p));
    struct peer peer = {main_writes ? p[0] : p[1], main_writes, 0, NULL};
    pthread_t thread;
    CHECK_PT(pthread_create(&thread, NULL, peer_main, &peer));
    alarms = 0;
    struct itimerval every_ms = {{0, 5000}, {0, 5000}}, off = {{0, 0}, {0, 0}};
    CHECK_SYS(setitimer(ITIMER_REAL, &every_ms, NULL));
    ssize_t moved = main_writes ? (write_all(p[1], data, PAYLOAD) ? PAYLOAD : -1)
                                : read_all(p[0], data, PAYLOAD + 1); /* stops at the end */
    CHECK_SYS(setitimer(ITIMER_REAL, &off, NULL));
    close(main_writes ? p[1] : p[0]);
    CHECK_PT(pthread_join(thread, NULL));
    const unsigned char *received = main_writes ? peer.data : data;
    ssize_t got = main_writes ? peer.moved : moved;
    ok(moved == PAYLOAD && got == PAYLOAD, "%s all 4 MiB, %d signals landing meanwhile",
       main_writes ? "write_all wrote" : "read_all read, up to the end of file,", (int)alarms);
    is_long(got == PAYLOAD ? (long)wrong_bytes(received) : -1, 0, "every byte once, in order");
    free(data);
    free(peer.data);
}

static void test_transfers_under_signals(void)
{
    /* No SA_RESTART: every signal that lands in a read or a write cuts it short. */
    struct sigaction sa = {.sa_handler = on_alarm};
    sigemptyset(&sa.sa_mask);
    CHECK_SYS(sigaction(SIGALRM, &sa, NULL));
    transfer_under_signals(true);
    transfer_under_signals(false);
}

int main(void)
{
    test_transfers_under_signals();

    int p[2];
    CHECK_SYS(pipe(p));
    ok(write_all(p[1], "0123456789", 10), "write_all of 10 bytes");
    close(p[1]);
    char buf[32];
    is_long(read_all(p[0], buf, sizeof buf), 10, "read_all asked for 32 at the end of file: 10");
    is_long(read_all(p[0], buf, sizeof buf), 0, "and then 0");
    close(p[0]);

    int s[2];
    CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
    close(s[1]);
    errno = 0;
    bool written = write_all(s[0], "lost", 4);
    ok(!written && errno == EPIPE, "a socket whose reader has gone: false, EPIPE (not SIGPIPE)");
    close(s[0]);

    errno = 0;
    is_long(read_all(-1, buf, 1), -1, "read_all on a bad fd: -1");
    is_long(errno, EBADF, "with errno EBADF");
    return done_testing();
}
