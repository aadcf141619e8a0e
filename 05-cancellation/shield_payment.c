/*
 * shield_payment.c — a shielded payment completes though its caller is cancelled.
 *
 * Mirrors A4 「常见陷阱和调试技巧」: "使用 asyncio.shield() 保护关键操作". A checkout awaits
 * a payment of three steps (debit the buyer, credit the shop, write the receipt); the
 * buyer closes the page 0.4 s in and the checkout is cancelled. Unshielded, the cancel
 * travels down the await into the payment and cuts it after the debit: money left one
 * account and reached none. Shielded, the checkout gets -ECANCELED at once and the payment
 * runs on to its receipt. shield() protects the work, not the caller, and someone must
 * still own that work: here main holds the payment task, awaits it to its end and
 * releases it (asyncio keeps only a weak reference to a task: drop yours and it may vanish).
 */
#include "args.h"
#include "future.h"
#include "loop.h"
#include "results.h"
#include "say.h"
#include "shield.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>

static double step_seconds = 0.3;
static const char *const steps[] = {"debited the buyer 100", "credited the shop 100",
                                    "wrote the receipt"};
enum { STEPS = sizeof steps / sizeof steps[0] };

struct payment {
    int steps_done;
    double began;
};

static double since(double t0)
{
    return loop_time(loop_get_running()) - t0;
}

static void *commit_payment(void *arg)
{
    struct payment *p = arg;
    for (int i = 0; i < STEPS; i++) {
        int rc = async_sleep(step_seconds);
        if (rc) {
            say("CUT after %d of %d steps at %.2f s: %s", p->steps_done, STEPS, since(p->began),
                p->steps_done == 1 ? "the money left one account and reached none" : "half done");
            return task_raise(rc, NULL);
        }
        p->steps_done++;
        say("%s (%.2f s)", steps[i], since(p->began));
    }
    return "committed";
}

struct checkout {
    struct task *payment;
    bool shielded;
};

static void *checkout(void *arg)
{
    struct checkout *c = arg;
    struct future *f =
        c->shielded ? shield(task_future(c->payment)) : future_ref(task_future(c->payment));
    int rc = await_future(f, NULL);
    future_unref(f);
    return rc ? task_raise(rc, NULL) : NULL;
}

static void record(bool shielded, const char *what, double value, const char *unit)
{
    char name[64];
    snprintf(name, sizeof name, "shield.%s.%s", shielded ? "shielded" : "unshielded", what);
    result_record(name, value, unit);
}

static void run(bool shielded)
{
    double leave = step_seconds * 4 / 3; /* a third of the way into the second step */
    printf("\n%s: the checkout awaits %s; the buyer leaves %.2f s in\n",
           shielded ? "shielded" : "unshielded",
           shielded ? "shield(payment)" : "the payment itself", leave);
    struct payment p = {.began = loop_time(loop_get_running())};
    /* main creates the payment and owns it: it alone releases it, after its end */
    struct task *pay = create_task("payment", commit_payment, &p);
    struct checkout c = {.payment = pay, .shielded = shielded};
    struct task *co = create_task("checkout", checkout, &c);
    async_sleep(leave);
    say("the buyer closed the page: cancelling the checkout");
    task_cancel(co);
    await_task(co, NULL);
    double checkout_ended = since(p.began);
    say("checkout ended %s at %.2f s", task_cancelled(co) ? "cancelled" : "otherwise",
        checkout_ended);
    record(shielded, "checkout_cancelled", task_cancelled(co), "bool");
    record(shielded, "checkout_ended", checkout_ended, "s");
    task_release(co);
    int rc = await_task(pay, NULL); /* the owner waits for the payment to end, either way */
    say("main (the payment's owner) saw it end %s at %.2f s after %d of %d steps",
        rc == 0 ? "committed" : "cancelled", since(p.began), p.steps_done, STEPS);
    record(shielded, "steps_done", p.steps_done, "count");
    record(shielded, "payment_ended", since(p.began), "s");
    record(shielded, "payment_committed", rc == 0, "bool");
    task_release(pay);
}

static void *main_task(void *arg)
{
    (void)arg;
    run(false);
    run(true);
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &step_seconds, 0.001, 60, "each payment step (0.3 s)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&step_seconds, 0.03),
        OPT_END,
    };
    args_parse(argc, argv,
               "A4 常见陷阱: a payment awaited through shield() completes though its caller is "
               "cancelled; awaited directly, the cancel cuts it half-way.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
