/*
 * breakfast.c — coffee and toast as two tasks, gathered; on an error, cancel what is left.
 *
 * Mirrors A4 「协程基础」 (make_coffee 3 s, make_toast 2 s, prepare_breakfast). Both
 * tasks wait at once, so breakfast is ready at 3 s, not 5. In the second run the toast
 * burns: gather hands the error over at 2 s but does not stop the coffee, so the article's
 * `except` cancels every task not yet done. Watch the coffee end cancelled at 2 s and
 * never say "咖啡准备好了！".
 */
#include "args.h"
#include "elapsed.h"
#include "future.h"
#include "gather.h"
#include "results.h"
#include "say.h"
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static double unit = 1.0; /* the article's second */
static bool toast_burns;
static bool coffee_left_running; /* still brewing when gather reported the error */

static void *make_coffee(void *arg)
{
    (void)arg;
    say("开始煮咖啡...");
    int err = async_sleep(3 * unit); /* 模拟煮咖啡的过程 */
    if (err) {
        say("煮咖啡停下了 (at %.2f s): %s", elapsed(), strerror(-err));
        return task_raise(err, "make_coffee");
    }
    say("咖啡准备好了！ (at %.2f s)", elapsed());
    return "一杯香浓的咖啡";
}

static void *make_toast(void *arg)
{
    (void)arg;
    say("开始烤面包...");
    int err = async_sleep(2 * unit); /* 模拟烤面包的过程 */
    if (err)
        return task_raise(err, "make_toast");
    if (toast_burns)
        return task_raise(-EIO, "面包烤焦了");
    say("面包烤好了！ (at %.2f s)", elapsed());
    return "一片金黄的吐司";
}

/* prepare_breakfast(), as the article writes it; returns how the coffee task ended. */
static int prepare_breakfast(void)
{
    elapsed_reset();
    struct task *coffee_task = create_task("coffee", make_coffee, NULL);
    struct task *toast_task = create_task("toast", make_toast, NULL);
    struct future *both[] = {task_future(coffee_task), task_future(toast_task)};
    struct future *breakfast = gather(both, 2, GATHER_FAIL_FAST);
    int rc = await_future(breakfast, NULL);
    if (rc == 0) {
        void *coffee = NULL, *toast = NULL; /* coffee, toast = await asyncio.gather(...) */
        gather_result(breakfast, 0, &coffee);
        gather_result(breakfast, 1, &toast);
        say("早餐准备完成：%s和%s (at %.2f s)", (char *)coffee, (char *)toast, elapsed());
    } else {
        say("准备早餐时发生错误：%s (at %.2f s)", future_error_message(breakfast), elapsed());
        struct task *tasks[] = {coffee_task, toast_task};
        for (int i = 0; i < 2; i++) /* 取消未完成的任务 */
            if (!task_done(tasks[i])) {
                coffee_left_running |= tasks[i] == coffee_task;
                say("%s is still running: cancelling it", task_name(tasks[i]));
                task_cancel(tasks[i]);
            }
    }
    future_unref(breakfast);
    /* A cancel is a request: the coffee ends at its next turn. Wait for it to see how
     * (with no result pointer: only look, the gather took the result). */
    int coffee = await_future(task_future(coffee_task), NULL);
    say("the coffee task ended %s (at %.2f s)",
        coffee == 0            ? "with its coffee"
        : coffee == -ECANCELED ? "cancelled"
                               : "with an error",
        elapsed());
    task_release(coffee_task);
    task_release(toast_task);
    return coffee;
}

static void *main_task(void *arg)
{
    (void)arg;
    printf("1. prepare_breakfast(): coffee (3 s) and toast (2 s) as two tasks, gathered\n");
    int coffee = prepare_breakfast();
    result_record("breakfast.seconds", elapsed(), "s");
    result_record("breakfast.coffee_made", coffee == 0, "bool");

    printf("\n2. the same, but the toast burns at 2 s\n");
    toast_burns = true;
    coffee = prepare_breakfast();
    result_record("breakfast.burnt.seconds", elapsed(), "s");
    result_record("breakfast.burnt.coffee_cancelled", coffee == -ECANCELED, "bool");
    printf("\n   gather %s the coffee running after the error; the except clause %s\n",
           coffee_left_running ? "left" : "did NOT leave",
           coffee == -ECANCELED ? "cancelled it: no coffee brewed for nothing"
                                : "did NOT cancel it");
    result_record("breakfast.burnt.coffee_left_running", coffee_left_running, "bool");
    return NULL;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {
        OPT_DOUBLE("seconds", "S", &unit, 0.001, 10,
                   "the article's one second (coffee 3, toast 2)"),
        OPT_QUICK(&quick),
        OPT_QUICK_DOUBLE(&unit, 0.01),
        OPT_END,
    };
    args_parse(argc, argv,
               "Breakfast: coffee and toast made at once (3 s, not 5); when the toast burns, "
               "the coffee still brewing is cancelled.",
               opts);
    return async_run(main_task, NULL, NULL) == 0 ? 0 : 1;
}
