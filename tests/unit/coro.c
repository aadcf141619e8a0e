/*
 * Unit tests of common/coro: resume and yield take turns in order, a switch keeps every
 * register a call keeps, stacks are as big as asked, and an overflow dies at the guard
 * page with the coroutine's name.
 */
#include "check.h"
#include "coro.h"
#include "tap.h"

#include <errno.h>
#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A sanitizer's own SIGSEGV handler takes over after the report and exits instead. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

static void ping(void *arg)
{
    note("%s", (const char *)arg);
    for (int i = 1; i <= 3; i++) {
        char step[16];
        snprintf(step, sizeof step, " c%d", i);
        note("%s", step);
        coro_yield();
    }
    note(" end");
}

static struct coro *seen_inside;

static void who_am_i(void *arg)
{
    (void)arg;
    seen_inside = coro_current();
}

/* A resumes B; B's yield must come back to A, not to the thread. */
static void inner(void *arg)
{
    (void)arg;
    note(" B1");
    coro_yield();
    note(" B2");
}

static void outer(void *arg)
{
    struct coro *b = coro_create("B", inner, NULL, 0);
    (void)arg;
    note("A1");
    coro_resume(b);
    note(" A2");
    coro_resume(b);
    note(" A3");
    ok(coro_finished(b), "B finished inside A");
    coro_destroy(b);
}

/*
 * Many values live across each switch: the compiler keeps them in callee-saved registers
 * (integer and floating point), which is exactly what the switch must save.
 */
struct sums {
    long ints;
    double reals;
};

static void accumulate(void *arg)
{
    struct sums *out = arg;
    long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
    double x = 0.5, y = 1.5, z = 2.5, w = 3.5;
    for (int i = 0; i < 1000; i++) {
        a += b ^ i;
        b += c * 3;
        c ^= d + i;
        d += e;
        e = e * 7 % 1000003;
        f += a - c;
        x = x * 0.999 + y;
        y = y * 0.5 + z;
        z += w * 0.25;
        w = w * 1.0001 - x * 0.0001;
        coro_yield();
    }
    out->ints = a + b + c + d + e + f;
    out->reals = x + y + z + w;
}

/* 1/3 is not exact, so its last bit shows the rounding the floating-point unit uses. */
static volatile double one = 1.0, three = 3.0;

struct rounding {
    int mode;
    double third;
};

static void rounds_up(void *arg)
{
    struct rounding *after_yield = arg;
    fesetround(FE_UPWARD);
    coro_yield();
    after_yield->mode = fegetround();
    after_yield->third = one / three;
}

/* A coroutine that leaves FE_INEXACT raised behind it, then looks at the flags. */
static void raises_inexact(void *arg)
{
    int *inexact_after_yield = arg;
    feclearexcept(FE_ALL_EXCEPT);
    volatile double third = one / three;
    (void)third;
    coro_yield();
    *inexact_after_yield = fetestexcept(FE_INEXACT) != 0;
}

static size_t used_bytes;

static void use_stack(void *arg)
{
    size_t n = *(size_t *)arg;
    volatile char buf[n];
    long sum = 0;
    for (size_t i = 0; i < n; i += 512) {
        buf[i] = 1;
        sum += buf[i];
    }
    used_bytes = (size_t)sum * 512 >= n ? n : 0; /* every 512th byte was written and read back */
}

static volatile long dive_limit = 1L << 40;

static long dive(long depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (depth == dive_limit)
        return 0;
    return dive(depth + 1) + frame[0];
}

static void deep_diver(void *arg)
{
    (void)arg;
    dive(0);
}

/* In a child: A resumes B, and B resumes A, which is running (it waits in its resume). */
static struct coro *cycle_a;

static void resumes_its_resumer(void *arg)
{
    (void)arg;
    coro_resume(cycle_a);
}

static void resumes_b(void *arg)
{
    (void)arg;
    coro_resume(coro_create("cycle-b", resumes_its_resumer, NULL, 0));
}

static void resume_cycle(void *unused)
{
    (void)unused;
    cycle_a = coro_create("cycle-a", resumes_b, NULL, 0);
    coro_resume(cycle_a);
}

/* In a child: a coroutine recurses without end on a 32 KiB stack. */
static void overflow(void *unused)
{
    (void)unused;
    struct coro *co = coro_create("deep-diver", deep_diver, NULL, 32 * 1024);
    coro_resume(co); /* does not return: the overflow kills the child */
}

int main(void)
{
    diag("context switch: %s", coro_backend());

    ok(coro_current() == NULL, "on the thread's own stack there is no current coroutine");

    struct coro *c = coro_create("pinger", ping, "start", 0);
    ok(c != NULL, "a coroutine is created");
    is_str(coro_name(c), "pinger", "and keeps its name");
    ok(!coro_finished(c), "it has not run yet");
    for (int i = 1; !coro_finished(c); i++) {
        char step[16];
        snprintf(step, sizeof step, " m%d", i);
        note("%s", step);
        coro_resume(c);
    }
    is_str(trace, " m1start c1 m2 c2 m3 c3 m4 end",
           "resume runs it up to its next yield; yield comes back; the turns alternate");
    coro_destroy(c);

    c = coro_create("me", who_am_i, NULL, 0);
    coro_resume(c);
    ok(seen_inside == c, "inside, coro_current() is the coroutine itself");
    ok(coro_current() == NULL, "and outside again, nothing");
    coro_destroy(c);

    trace[0] = '\0';
    c = coro_create("A", outer, NULL, 0);
    coro_resume(c);
    is_str(trace, "A1 B1 A2 B2 A3", "a yield returns to the coroutine that resumed it");
    coro_destroy(c);

    struct sums s1, s2, plain;
    struct coro *a1 = coro_create("acc-1", accumulate, &s1, 0);
    struct coro *a2 = coro_create("acc-2", accumulate, &s2, 0);
    while (!coro_finished(a1) || !coro_finished(a2)) {
        coro_resume(a1);
        if (!coro_finished(a2))
            coro_resume(a2);
    }
    coro_destroy(a1);
    coro_destroy(a2);
    /* The same computation with nothing interleaved: run it alone, one resume after another. */
    struct coro *alone = coro_create("alone", accumulate, &plain, 0);
    while (!coro_finished(alone))
        coro_resume(alone);
    coro_destroy(alone);
    ok(s1.ints == plain.ints && s2.ints == plain.ints,
       "integer registers survive 2000 interleaved switches (%ld)", plain.ints);
    ok(s1.reals == plain.reals && s2.reals == plain.reals,
       "floating-point registers survive them too (%.17g)", plain.reals);

    double third_nearest = one / three;
    struct rounding inside = {-1, 0};
    c = coro_create("upward", rounds_up, &inside, 0);
    coro_resume(c);
    ok(fegetround() == FE_TONEAREST && one / three == third_nearest,
       "a coroutine's rounding mode stays with it when it yields (x87 and SSE / FPCR)");
    coro_resume(c);
    if (under_valgrind()) /* its emulated CPU does not do this as the real one does */
        skip("valgrind keeps the mode but rounds its arithmetic to nearest whatever it is",
             "and is still there when it is resumed");
    else
        ok(inside.mode == FE_UPWARD && inside.third > third_nearest,
           "and is still there when it is resumed");
    coro_destroy(c);

    int inexact = -1;
    c = coro_create("inexact", raises_inexact, &inexact, 0);
    coro_resume(c);
    feclearexcept(FE_ALL_EXCEPT); /* the thread clears the flags while the coroutine waits */
    coro_resume(c);
    coro_destroy(c);
    if (strcmp(coro_backend(), "ucontext") == 0)
        skip("swapcontext restores the whole floating-point environment",
             "status flags are the thread's, not restored by a switch");
    else if (under_valgrind())
        skip("valgrind does not track the floating-point status flags",
             "status flags are the thread's, not restored by a switch");
    else
        ok(inexact == 0,
           "status flags are the thread's: a switch does not bring back a coroutine's old "
           "FE_INEXACT (restoring it made every switch reload mxcsr)");

    size_t asked = 1024 * 1024;
    c = coro_create("big", use_stack, &used_bytes, asked);
    ok(coro_stack_size(c) >= asked, "a stack is at least the size asked (%zu >= %zu)",
       coro_stack_size(c), asked);
    size_t frame = coro_stack_size(c) * 3 / 4;
    used_bytes = frame;
    coro_resume(c);
    ok(coro_finished(c) && used_bytes == frame,
       "and a coroutine can use most of it (%zu bytes on one frame)", used_bytes);
    coro_destroy(c);

    size_t before = coro_default_stack_size();
    coro_set_stack(200 * 1024, true);
    c = coro_create("defaults", who_am_i, NULL, 0);
    ok(coro_stack_size(c) >= 200 * 1024, "the default size is settable (%zu)", coro_stack_size(c));
    coro_destroy(c);
    coro_set_stack(before, true);

    c = coro_create("suspended", ping, "", 0);
    coro_resume(c);
    coro_destroy(c);
    ok(1, "a suspended coroutine can be destroyed");

    errno = 0;
    c = coro_create("huge", ping, "", (size_t)1 << 60);
    if (under_valgrind())
        skip("valgrind's mmap refuses 2^60 bytes with EINVAL, not the kernel's ENOMEM",
             "a stack bigger than the address space: NULL, ENOMEM");
    else
        ok(c == NULL && errno == ENOMEM, "a stack bigger than the address space: NULL, ENOMEM");

    coro_set_stack(0, false);
    c = coro_create("unguarded", who_am_i, NULL, 0);
    coro_resume(c);
    ok(seen_inside == c, "a coroutine without a guard page runs the same");
    coro_destroy(c);
    coro_set_stack(before, true);

    char err[4096];
    int status = run_in_child(resume_cycle, NULL, err, sizeof err);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
           strstr(err, "'cycle-a' is running, it cannot be resumed") != NULL,
       "resuming the coroutine that resumed us dies, and says why: %.*s",
       (int)strcspn(err, "\n"), err);

    status = run_in_child(overflow, NULL, err, sizeof err);
#ifdef UNDER_SANITIZER
    ok(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
       "an overflow ends the program (the sanitizer reports it too)");
#else
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
       "an overflow is a clean SIGSEGV at the guard page");
#endif
    ok(strstr(err, "stack overflow in 'deep-diver'") != NULL, "and the report names the coroutine");
    /* Asked for 32 KiB: the stack holds that and less than a page more. */
    const char *size = strstr(err, "off the end of its ");
    long kib = size ? strtol(size + strlen("off the end of its "), NULL, 10) : -1;
    ok(kib >= 32 && kib <= 32 + sysconf(_SC_PAGESIZE) / 1024 && strstr(err, " KiB stack") != NULL,
       "and the stack's size, in KiB (%ld)", kib);
    diag("%.*s", (int)strcspn(err, "\n"), err);

    return done_testing();
}
