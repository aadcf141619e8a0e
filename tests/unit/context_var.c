/*
 * Unit tests of common/context_var: every law of context_var.h (Python's contextvars as
 * asyncio's tasks use them), on the virtual clock and on both loop backends.
 */
#include "context_var.h"
#include "loop.h"
#include "say.h"
#include "tap.h"
#include "task.h"
#include "task_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *backend; /* the loop backend under test, for the test names */

static struct context_var request_id = CONTEXT_VAR("request_id", "none");
static struct context_var user = CONTEXT_VAR("user", NULL);

static int run_virtual(task_fn *main, void *arg)
{
    trace[0] = '\0';
    struct loop *loop = loop_new();
    loop_set_virtual_clock(loop, true);
    int rc = async_run_on(loop, main, arg, NULL);
    loop_close(loop);
    return rc;
}

static const char *rid(void)
{
    return context_var_get(&request_id);
}

static const char *user_name(void)
{
    const char *u = context_var_get(&user);
    return u ? u : "NULL";
}

/* ---- copied at creation; a child's change stays in the child ---- */

static void *grandchild(void *arg)
{
    (void)arg;
    note("grandchild=%s ", rid());
    return NULL;
}

/* Sees its creator's value, sets its own, and passes that on to a task it creates. */
static void *child(void *arg)
{
    const char *mine = arg;
    note("%s-sees=%s ", mine, rid());
    context_var_set(&request_id, (void *)mine);
    async_sleep(0.1);
    struct task *g = create_task("grandchild", grandchild, NULL);
    await_task(g, NULL);
    task_release(g);
    note("%s-after=%s ", mine, rid());
    return NULL;
}

static void *creator(void *arg)
{
    (void)arg;
    note("default=%s ", rid());
    context_var_set(&request_id, "r1");
    struct task *a = create_task("a", child, "a");
    context_var_set(&request_id, "r2"); /* after a was created: a does not see it */
    struct task *b = create_task("b", child, "b");
    await_task(a, NULL);
    await_task(b, NULL);
    note("parent=%s", rid());
    task_release(a);
    task_release(b);
    return NULL;
}

/* ---- set returns what it replaces; variables are independent ---- */

static void *set_returns_previous(void *arg)
{
    (void)arg;
    const char *first = context_var_set(&request_id, "x");
    const char *second = context_var_set(&request_id, "y");
    note("previous=%s,%s user=%s", first, second, user_name());
    context_var_set(&user, "ann");
    note(" user=%s rid=%s", user_name(), rid());
    return NULL;
}

/* ---- outside tasks: the thread's values, copied into async_run's main ---- */

static void *main_sees_thread_value(void *arg)
{
    (void)arg;
    note("main-sees=%s ", rid());
    context_var_set(&request_id, "set-in-main");
    return NULL;
}

/* ---- a task group's children copy the parent's values too ---- */

static void *group_child(void *arg)
{
    (void)arg;
    note("%s=%s ", task_name(current_task()), rid());
    return NULL;
}

static void *group_parent(void *arg)
{
    (void)arg;
    context_var_set(&request_id, "g1");
    struct task_group *g = task_group();
    task_group_create_task(g, "first", group_child, NULL);
    context_var_set(&request_id, "g2");
    task_group_create_task(g, "second", group_child, NULL);
    task_group_exit(g, 0);
    task_group_free(g);
    return NULL;
}

/* ---- say() shows the variable where it is set ---- */

static void *handler(void *arg)
{
    context_var_set(&user, arg);
    async_sleep(0.1);
    say("handling");
    return NULL;
}

static void *server(void *arg)
{
    (void)arg;
    say("accepting");
    struct task *h[2] = {create_task("handler", handler, "r7"), create_task("handler", handler,
                                                                            "r8")};
    for (int i = 0; i < 2; i++) {
        await_task(h[i], NULL);
        task_release(h[i]);
    }
    say("done");
    return NULL;
}

static void say_with_tags(void *arg)
{
    (void)arg;
    setenv("LAB_VIRTUAL_CLOCK", "1", 1);
    context_var_show_in_say(&user);
    async_run(server, NULL, NULL);
    say("outside");
    context_var_show_in_say(NULL);
}

static void run_laws(const char *name)
{
    backend = name;
    setenv("LAB_LOOP_BACKEND", name, 1);

    run_virtual(creator, NULL);
    is_str(trace,
           "default=none a-sees=r1 b-sees=r2 grandchild=a grandchild=b a-after=a b-after=b "
           "parent=r2",
           "%s: a task starts with its creator's values as they were when it was created; its "
           "own changes reach the tasks it creates, never its creator or siblings",
           backend);

    run_virtual(set_returns_previous, NULL);
    is_str(trace, "previous=none,x user=NULL user=ann rid=y",
           "%s: set returns the value it replaces (the default first); variables are "
           "independent",
           backend);

    context_var_set(&request_id, "from-thread");
    run_virtual(main_sees_thread_value, NULL);
    note("thread-after=%s", rid());
    is_str(trace, "main-sees=from-thread thread-after=from-thread",
           "%s: async_run's main starts with the thread's values; its changes stay in it",
           backend);
    context_var_set(&request_id, "none");

    run_virtual(group_parent, NULL);
    is_str(trace, "first=g1 second=g2 ",
           "%s: a task group's children copy the parent's values when each is created", backend);
}

int main(void)
{
#ifdef __linux__
    run_laws("epoll");
#endif
    run_laws("poll");

    char out[1024];
    int status = run_in_child(say_with_tags, NULL, out, sizeof out);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a run with say() showing a variable");
    if (!ok(strstr(out, "] [handler] [user=r7] handling\n") &&
                strstr(out, "] [handler] [user=r8] handling\n"),
            "say() shows each task's own value after its name"))
        diag("the output was:\n%s", out);
    ok(strstr(out, "] [main] accepting\n") && strstr(out, "] [main] done\n") &&
           strstr(out, "] [main] outside\n"),
       "and lines where it has no value keep say's format");
    return done_testing();
}
