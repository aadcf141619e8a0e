/* Unit tests of common/clock: monotonic, and a sleep that a signal cannot shorten. */
#include "clock.h"
#include "tap.h"

#include <signal.h>
#include <string.h>
#include <sys/time.h>

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    uint64_t prev = now_ns(), backwards = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t t = now_ns();
        backwards += t < prev;
        prev = t;
    }
    is_long((long)backwards, 0, "now_ns never goes backwards");

    double s0 = since_start();
    ok(s0 >= 0 && s0 < 60, "since_start counts from the program's start (%.3fs)", s0);

    double t0 = now_sec();
    sleep_sec(0.05);
    ok(now_sec() - t0 >= 0.05, "sleep_sec sleeps at least as long as asked");

    /* A signal handler installed without SA_RESTART interrupts nanosleep with EINTR. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every_10ms = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_REAL, &every_10ms, NULL);
    t0 = now_sec();
    sleep_sec(0.1);
    double slept = now_sec() - t0;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    ok(slept >= 0.1, "signals every 10 ms do not shorten a 100 ms sleep (%.3fs)", slept);

    t0 = now_sec();
    sleep_sec(-1);
    sleep_sec(0);
    /* Half a second: a busy machine may pause us briefly, and a wrong sign would sleep 1 s. */
    ok(now_sec() - t0 < 0.5, "a zero or negative sleep returns at once");
    return done_testing();
}
