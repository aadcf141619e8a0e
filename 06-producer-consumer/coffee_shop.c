/*
 * coffee_shop.c — the article's CoffeeShop with pthreads: orders → barista → ready →
 * server, and a Ctrl-C in the middle that loses no accepted order.
 *
 * Mirrors A4 「多线程编程」 (class CoffeeShop, run_coffee_shop). Two bounded queues
 * (bqueue.h: a mutex and three condition variables), a stop event, and SIGINT/SIGTERM
 * taken by one thread with sigwait() instead of a handler. The default run presses
 * Ctrl-C itself: the door closes (no more orders), and every order already accepted is
 * still made and delivered. A second Ctrl-C (--twice) stops at once: what is still
 * queued is dropped, and reported. Watch the last lines: each accepted order's fate,
 * and the counts that must add up; then no thread left running.
 */
#include "args.h"
#include "bqueue.h"
#include "check.h"
#include "clock.h"
#include "leftovers.h"
#include "results.h"
#include "say.h"
#include "thread_event.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

enum { MAX_ORDERS = 1000 };

struct shop {
    struct bqueue *orders, *ready;
    struct thread_event should_stop;
    double scale;                  /* the article's times (0.5 s, 2 s, 1 s) times this */
    double ctrl_c, twice;          /* when to press Ctrl-C, and again after the first */
    bool made[MAX_ORDERS], delivered[MAX_ORDERS];
    long refused_ready;            /* coffees made after the ready queue had closed */
    size_t dropped_orders, dropped_ready;
    int signals;
};

static void *make_coffee(void *arg) /* the Barista thread */
{
    struct shop *s = arg;
    say_my_name("Barista");
    void *item;
    while (bqueue_get(s->orders, &item, true) == 0) {
        long id = (long)(intptr_t)item;
        say("正在制作订单 #%ld 的咖啡...", id);
        sleep_sec(2 * s->scale);
        s->made[id] = true;
        say("订单 #%ld 的咖啡制作完成！", id);
        if (bqueue_put(s->ready, item, true) != 0) {
            say("订单 #%ld: the counter is closed, not delivered", id);
            s->refused_ready++;
        }
        CHECK_PT(-bqueue_task_done(s->orders));
    }
    say("the orders queue is shut down and empty: the barista goes home");
    return NULL;
}

static void *serve_coffee(void *arg) /* the Server thread */
{
    struct shop *s = arg;
    say_my_name("Server");
    void *item;
    while (bqueue_get(s->ready, &item, true) == 0) {
        long id = (long)(intptr_t)item;
        say("服务员正在派送订单 #%ld", id);
        sleep_sec(s->scale);
        s->delivered[id] = true;
        say("订单 #%ld 已送达！", id);
        CHECK_PT(-bqueue_task_done(s->ready));
    }
    say("the ready queue is shut down and empty: the server goes home");
    return NULL;
}

/*
 * The article's handle_shutdown, as a thread: SIGINT and SIGTERM are blocked in every
 * thread and taken here by sigwait(), so the "handler" may lock, print and shut queues
 * down, which no real signal handler may. It also plays the terminal, pressing Ctrl-C at
 * the times asked. SIGUSR1 from main means the shop has closed.
 */
static void *handle_signals(void *arg)
{
    struct shop *s = arg;
    say_my_name("signals");
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    /* Started once the first order is in: Ctrl-C is timed from the shop's opening. */
    double press_at = s->ctrl_c > 0 ? since_start() + s->ctrl_c : INFINITY;
    for (;;) {
        double wait = press_at - since_start();
        struct timespec ts = {(time_t)fmax(wait, 0), (long)(fmod(fmax(wait, 0), 1) * 1e9)};
        int sig = isinf(press_at) ? sigwaitinfo(&set, NULL) : sigtimedwait(&set, NULL, &ts);
        if (sig == -1 && errno == EAGAIN) { /* time to press Ctrl-C, as a terminal would */
            say("(Ctrl-C pressed)");
            CHECK_SYS(kill(getpid(), SIGINT));
            press_at = s->twice > 0 && s->signals == 0 ? since_start() + s->twice : INFINITY;
            continue;
        }
        if (sig == -1)
            continue; /* EINTR */
        if (sig == SIGUSR1)
            return NULL;
        if (++s->signals == 1) {
            say("正在关闭咖啡店... (%s): the door closes; what was ordered is still made",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
            thread_event_set(&s->should_stop);
            bqueue_shutdown(s->orders, false);
        } else {
            s->dropped_orders = bqueue_shutdown(s->orders, true);
            s->dropped_ready = bqueue_shutdown(s->ready, true);
            say("%s again: closing now; dropped %zu order(s) not yet made, %zu coffee(s) "
                "not yet delivered", sig == SIGINT ? "SIGINT" : "SIGTERM", s->dropped_orders, s->dropped_ready);
        }
    }
}

/* Each accepted order's fate, counted from the orders and checked against the queues. */
static bool account(const struct shop *s, long accepted)
{
    long delivered = 0, made_only = 0, never_made = 0;
    for (long id = 0; id < accepted; id++) {
        const char *fate = s->delivered[id] ? "delivered"
                           : s->made[id]    ? "UNSERVED: made, not delivered"
                                            : "UNSERVED: never made";
        if (!s->delivered[id])
            printf("  order #%ld: %s\n", id, fate);
        delivered += s->delivered[id];
        made_only += s->made[id] && !s->delivered[id];
        never_made += !s->made[id];
    }
    bool adds_up = delivered + made_only + never_made == accepted &&
                   never_made == (long)s->dropped_orders &&
                   made_only == s->refused_ready + (long)s->dropped_ready;
    printf("accepted %ld = delivered %ld + made, not delivered %ld + never made %ld: %s\n",
           accepted, delivered, made_only, never_made, adds_up ? "adds up" : "DOES NOT ADD UP");
    printf("  (the queues say: %zu dropped from orders, %zu dropped from ready, %ld refused "
           "by the closed ready queue)\n", s->dropped_orders, s->dropped_ready, s->refused_ready);
    result_record("coffee.accepted", (double)accepted, "orders");
    result_record("coffee.delivered", (double)delivered, "orders");
    result_record("coffee.unserved", (double)(made_only + never_made), "orders");
    result_record("coffee.adds_up", adds_up, "bool");
    return adds_up;
}

int main(int argc, char **argv)
{
    long orders = 8, maxsize = 3;
    double scale = 0.2, ctrl_c = 1.0, twice = 0;
    bool quick = false;
    const struct opt opts[] = {
        OPT_INT("orders", "N", &orders, 1, MAX_ORDERS, "orders to take (the article: 5)"),
        OPT_INT("queue", "N", &maxsize, 1, 100, "room in each queue (the article: unbounded)"),
        OPT_DOUBLE("scale", "F", &scale, 0.001, 10,
                   "the article's times (0.5 s between orders, 2 s a coffee, 1 s a delivery) x F"),
        OPT_DOUBLE("ctrl-c", "S", &ctrl_c, 0, 600,
                   "press Ctrl-C S seconds after the first order (0: never)"),
        OPT_DOUBLE("twice", "S", &twice, 0, 600,
                   "press it again S seconds after the first: close at once (0: once only)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&scale, 0.05),
        OPT_QUICK_DOUBLE(&ctrl_c, 0.25),
        OPT_END,
    };
    args_parse(argc, argv, "The article's CoffeeShop on pthreads, with a Ctrl-C that loses no order.",
               opts);

    static struct shop s; /* static: zeroed, and too big for a thread's stack */
    s.orders = bqueue_new((size_t)maxsize);
    s.ready = bqueue_new((size_t)maxsize);
    thread_event_init(&s.should_stop);
    s.scale = scale;
    s.ctrl_c = ctrl_c;
    s.twice = twice;

    /* Blocked here, before any thread starts, so every thread inherits the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    CHECK_PT(pthread_sigmask(SIG_BLOCK, &set, NULL));
    pthread_t barista, server, signals;
    CHECK_PT(pthread_create(&barista, NULL, make_coffee, &s));
    CHECK_PT(pthread_create(&server, NULL, serve_coffee, &s));

    long accepted = 0;
    bool listening = false;
    for (long id = 0; id < orders; id++) {
        if (bqueue_put(s.orders, (void *)(intptr_t)id, true) != 0) {
            say("订单 #%ld: the door is closed, not accepted", id);
            break;
        }
        accepted++;
        say("收到订单 #%ld", id);
        if (id == 0) { /* a signal that came before this waits, blocked, for the thread */
            CHECK_PT(pthread_create(&signals, NULL, handle_signals, &s));
            listening = true;
        }
        if (id + 1 < orders && thread_event_wait(&s.should_stop, 0.5 * scale))
            break;
    }
    say("%ld order(s) accepted; waiting for orders_queue.join() and ready_orders.join()", accepted);
    bqueue_join(s.orders); /* returns once each order is made or dropped */
    bqueue_join(s.ready);
    bqueue_shutdown(s.orders, false);
    bqueue_shutdown(s.ready, false);
    CHECK_PT(pthread_join(barista, NULL));
    CHECK_PT(pthread_join(server, NULL));
    if (listening) {
        CHECK_PT(pthread_kill(signals, SIGUSR1));
        CHECK_PT(pthread_join(signals, NULL));
    }
    say("咖啡店已关闭");

    bool adds_up = account(&s, accepted);
    int threads = leftover_threads();
    printf("threads still running besides main: %d\n", threads);
    result_record("coffee.threads_left", threads, "threads");
    result_record("coffee.signals", s.signals, "signals");
    bqueue_free(s.orders);
    bqueue_free(s.ready);
    thread_event_destroy(&s.should_stop);
    return adds_up && threads == 0 ? 0 : 1;
}
