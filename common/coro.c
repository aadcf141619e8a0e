/* coro.c — stackful coroutines on mmap'd stacks with guard pages. See coro.h. */
#include "coro.h"

#include "check.h"
#include "coro_switch.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Which tools watch this build: each must be told when the stack changes under it. */
#if defined(__SANITIZE_ADDRESS__)
#define CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORO_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define CORO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CORO_TSAN 1
#endif
#endif
#ifdef CORO_ASAN
#include <sanitizer/asan_interface.h>
#endif
#ifdef CORO_TSAN
#include <sanitizer/tsan_interface.h>
#endif
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CORO_VALGRIND 1
#endif

enum coro_state { CORO_SUSPENDED, CORO_RUNNING, CORO_FINISHED };

/*
 * A coroutine's header lives at the top of its own mapping, just above its stack, so a
 * coroutine costs one mapping and its first page holds both the header and the first
 * frames:
 *
 *     map                    stack_lo                                   header   map + map_size
 *     | guard page (no access) | the stack, growing down  <--  | struct coro |
 */
struct coro {
    struct coro_context ctx;
    coro_fn *fn;
    void *arg;
    struct coro *resumer; /* where coro_yield() and the return go */
    enum coro_state state;
    char *map;
    size_t map_size, guard_size;
    char *stack_lo;
    size_t stack_size;
#ifdef CORO_VALGRIND
    unsigned valgrind_stack_id;
#endif
#ifdef CORO_TSAN
    void *tsan_fiber;
#endif
#ifdef CORO_ASAN
    void *asan_fake_stack;
#endif
    char name[32];
};

#if defined(CORO_ASAN) || defined(CORO_TSAN)
enum { DEFAULT_STACK = 256 * 1024 };
#else
enum { DEFAULT_STACK = 64 * 1024 };
#endif
/* Settings for new coroutines; coro.h asks that they be set before threads start. */
static size_t default_stack_size = DEFAULT_STACK;
static bool default_guard = true;

/* Per thread: the thread's own stack, seen as a coroutine, and whichever is running. */
static _Thread_local struct coro thread_main;
static _Thread_local struct coro *running;
#ifdef CORO_ASAN
static _Thread_local struct coro *switched_from;
#endif

static size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* ---- Overflow reports: a SIGSEGV handler on an alternate stack checks the guard page. ---- */

enum { ALTSTACK_SIZE = 64 * 1024 };
static struct sigaction previous_segv;
static pthread_once_t segv_once = PTHREAD_ONCE_INIT;
static pthread_key_t altstack_key;

/* Only async-signal-safe calls from here on: building the message by hand, then write(). */
static char *append(char *p, const char *end, const char *s)
{
    while (*s && p < end)
        *p++ = *s++;
    return p;
}

static char *append_number(char *p, const char *end, size_t n)
{
    char digits[24];
    int i = 0;
    do
        digits[i++] = (char)('0' + n % 10);
    while ((n /= 10) && i < (int)sizeof digits);
    while (i > 0 && p < end)
        *p++ = digits[--i];
    return p;
}

static void on_segv(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    const struct coro *co = running;
    const char *addr = info->si_addr;
    if (co && co != &thread_main && co->guard_size && addr >= co->map &&
        addr < co->map + co->guard_size) {
        char msg[256];
        char *p = msg, *end = msg + sizeof msg;
        p = append(p, end, program_invocation_short_name);
        p = append(p, end, ": stack overflow in '");
        p = append(p, end, co->name);
        p = append(p, end, "': it ran off the end of its ");
        p = append_number(p, end, co->stack_size / 1024);
        p = append(p, end, " KiB stack into the guard page (a bigger stack: coro_set_stack)\n");
        ssize_t ignored = write(STDERR_FILENO, msg, (size_t)(p - msg));
        (void)ignored;
    }
    /*
     * Hand the fault back: with the previous disposition restored, returning re-runs the
     * faulting instruction, which faults again and ends the program as it would have
     * without us (or goes to the handler a sanitizer installed before us).
     */
    sigaction(SIGSEGV, &previous_segv, NULL);
}

static void free_altstack(void *stack)
{
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    munmap(stack, ALTSTACK_SIZE);
}

static void install_segv_handler(void)
{
    CHECK_PT(pthread_key_create(&altstack_key, free_altstack));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    CHECK_SYS(sigaction(SIGSEGV, &sa, &previous_segv));
}

/*
 * A handler for a stack overflow cannot run on the stack that overflowed: each thread
 * that runs coroutines gets an alternate signal stack, unless it has one already (the
 * sanitizers install their own).
 */
static void setup_overflow_reports(void)
{
    CHECK_PT(pthread_once(&segv_once, install_segv_handler));
    stack_t old;
    CHECK_SYS(sigaltstack(NULL, &old));
    if (!(old.ss_flags & SS_DISABLE))
        return;
    void *stack =
        mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack == MAP_FAILED)
        die_errno(errno, "coro: mmap of a signal stack");
    stack_t alt = {.ss_sp = stack, .ss_size = ALTSTACK_SIZE};
    CHECK_SYS(sigaltstack(&alt, NULL));
    CHECK_PT(pthread_setspecific(altstack_key, stack)); /* freed when the thread exits */
}

static void setup_thread(void)
{
    if (running)
        return;
    running = &thread_main;
    thread_main.state = CORO_RUNNING;
    snprintf(thread_main.name, sizeof thread_main.name, "thread");
#ifdef CORO_TSAN
    thread_main.tsan_fiber = __tsan_get_current_fiber();
#endif
    setup_overflow_reports();
}

/* ---- The switch, announced to the tools that follow the stack. ---- */

/* Completes a switch on the stack we arrived on (ASan needs both halves). */
static void arrived(struct coro *self)
{
#ifdef CORO_ASAN
    const void *from_bottom;
    size_t from_size;
    __sanitizer_finish_switch_fiber(self->asan_fake_stack, &from_bottom, &from_size);
    /* The thread's own stack is the one whose bounds we did not choose: learn them here. */
    if (switched_from == &thread_main) {
        thread_main.stack_lo = (char *)from_bottom;
        thread_main.stack_size = from_size;
    }
#else
    (void)self;
#endif
}

/* Leave the running coroutine for `to`; `for_good` when the one we leave has finished. */
static void switch_to(struct coro *to, bool for_good)
{
    struct coro *from = running;
    running = to;
#ifdef CORO_ASAN
    switched_from = from;
    __sanitizer_start_switch_fiber(for_good ? NULL : &from->asan_fake_stack, to->stack_lo,
                                   to->stack_size);
#else
    (void)for_good;
#endif
#ifdef CORO_TSAN
    __tsan_switch_to_fiber(to->tsan_fiber, 0); /* 0: the switch orders memory, as it does */
#endif
    coro_context_switch(&from->ctx, &to->ctx);
    arrived(from);
}

/*
 * Stacks of finished coroutines, kept for the next ones, per thread. Giving a mapping back
 * (munmap) makes the kernel flush its page-table entries on every CPU the process runs
 * on, which costs more than the rest of a task's whole life; a loop that creates and ends
 * tasks all the time reuses a few warm stacks instead. A thread's spares are unmapped
 * when it exits.
 */
enum { SPARE_STACKS = 16 };
struct spares {
    unsigned count;
    struct spare {
        char *map;
        size_t map_size, guard_size;
    } stack[SPARE_STACKS];
};
static pthread_key_t spares_key;
static pthread_once_t spares_once = PTHREAD_ONCE_INIT;

static void free_spares(void *arg)
{
    struct spares *sp = arg;
    for (unsigned i = 0; i < sp->count; i++)
        munmap(sp->stack[i].map, sp->stack[i].map_size);
    free(sp);
}

static void make_spares_key(void)
{
    CHECK_PT(pthread_key_create(&spares_key, free_spares));
}

static struct spares *thread_spares(void)
{
    pthread_once(&spares_once, make_spares_key);
    struct spares *sp = pthread_getspecific(spares_key);
    if (!sp) {
        sp = xcalloc(1, sizeof *sp);
        CHECK_PT(pthread_setspecific(spares_key, sp));
    }
    return sp;
}

/* A kept mapping of exactly this shape, or NULL. */
static char *take_spare(size_t map_size, size_t guard_size)
{
    struct spares *sp = thread_spares();
    for (unsigned i = sp->count; i-- > 0;) {
        struct spare *s = &sp->stack[i];
        if (s->map_size == map_size && s->guard_size == guard_size) {
            char *map = s->map;
            *s = sp->stack[--sp->count];
            return map;
        }
    }
    return NULL;
}

static void give_back(char *map, size_t map_size, size_t guard_size)
{
    struct spares *sp = thread_spares();
    if (sp->count == SPARE_STACKS)
        munmap(map, map_size);
    else
        sp->stack[sp->count++] = (struct spare){map, map_size, guard_size};
}

/* Every coroutine starts here, on its new stack, at its first coro_resume(). */
static void coro_entry(void)
{
    struct coro *self = running;
    arrived(self);
    self->fn(self->arg);
    self->state = CORO_FINISHED;
    switch_to(self->resumer, true);
    abort(); /* nothing switches back to a finished coroutine: coro_resume refuses */
}

/* ---- The public calls. ---- */

struct coro *coro_create(const char *name, coro_fn *fn, void *arg, size_t stack_size)
{
    setup_thread();
    size_t page = page_size();
    size_t guard = default_guard ? page : 0;
    size_t want = stack_size ? stack_size : default_stack_size;
    if (want > SIZE_MAX / 2) { /* no address space is that big, and the sums below would wrap */
        errno = ENOMEM;
        return NULL;
    }
    size_t map_size = guard + round_up(want + sizeof(struct coro) + 64, page);
    char *map = take_spare(map_size, guard); /* its guard page is there already */
    bool fresh = !map;
    if (fresh) {
        /* MAP_NORESERVE: memory is committed page by page as the stack grows into it. */
        map = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (map == MAP_FAILED)
            return NULL;
    }
    if (fresh && guard && mprotect(map, guard, PROT_NONE) == -1) {
        int err = errno; /* ENOMEM here means the process ran out of memory maps */
        munmap(map, map_size);
        errno = err;
        return NULL;
    }
    uintptr_t header = ((uintptr_t)map + map_size - sizeof(struct coro)) & ~(uintptr_t)63;
    struct coro *co = (struct coro *)header;
    memset(co, 0, sizeof *co);
    co->fn = fn;
    co->arg = arg;
    co->state = CORO_SUSPENDED;
    co->map = map;
    co->map_size = map_size;
    co->guard_size = guard;
    co->stack_lo = map + guard;
    co->stack_size = (size_t)((char *)co - co->stack_lo);
    copy_cut(co->name, sizeof co->name, name ? name : "coroutine");
    coro_context_init(&co->ctx, co->stack_lo, co->stack_size, coro_entry);
#ifdef CORO_VALGRIND
    co->valgrind_stack_id = VALGRIND_STACK_REGISTER(co->stack_lo, (char *)co - 1);
#endif
#ifdef CORO_TSAN
    co->tsan_fiber = __tsan_create_fiber(0);
    __tsan_set_fiber_name(co->tsan_fiber, co->name);
#endif
    return co;
}

static const char *state_name(enum coro_state s)
{
    return s == CORO_SUSPENDED ? "suspended" : s == CORO_RUNNING ? "running" : "finished";
}

void coro_resume(struct coro *co)
{
    setup_thread();
    /* Running means this coroutine or one that resumed us: resuming it would be a cycle. */
    if (co->state != CORO_SUSPENDED)
        die("coro_resume: '%s' is %s, it cannot be resumed", co->name, state_name(co->state));
    co->resumer = running;
    co->state = CORO_RUNNING;
    switch_to(co, false);
}

void coro_yield(void)
{
    struct coro *co = running;
    if (!co || co == &thread_main)
        die("coro_yield: called outside a coroutine");
    co->state = CORO_SUSPENDED;
    switch_to(co->resumer, false);
}

bool coro_finished(const struct coro *co)
{
    return co->state == CORO_FINISHED;
}

void coro_destroy(struct coro *co)
{
    if (!co)
        return;
    if (co->state == CORO_RUNNING)
        die("coro_destroy: '%s' is running", co->name);
#ifdef CORO_TSAN
    __tsan_destroy_fiber(co->tsan_fiber);
#endif
#ifdef CORO_VALGRIND
    VALGRIND_STACK_DEREGISTER(co->valgrind_stack_id);
#endif
#ifdef CORO_ASAN
    /* Frames it never returned from are still poisoned; the next mapping here must not be. */
    ASAN_UNPOISON_MEMORY_REGION(co->stack_lo, co->stack_size);
#endif
    /* The header goes with the mapping: read it first. */
    give_back(co->map, co->map_size, co->guard_size);
}

struct coro *coro_current(void)
{
    return running == &thread_main ? NULL : running;
}

const char *coro_name(const struct coro *co)
{
    return co->name;
}

size_t coro_stack_size(const struct coro *co)
{
    return co->stack_size;
}

void coro_set_stack(size_t size, bool guard)
{
    if (size)
        default_stack_size = round_up(size, page_size());
    default_guard = guard;
}

size_t coro_default_stack_size(void)
{
    return default_stack_size;
}

const char *coro_backend(void)
{
    return CORO_SWITCH_BACKEND;
}
