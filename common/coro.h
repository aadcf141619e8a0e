/*
 * coro.h — stackful coroutines: a function with a stack of its own, which can stop in
 * the middle and be continued later.
 *
 *     static void counter(void *arg)
 *     {
 *         for (int i = 1; i <= 3; i++) {
 *             printf("%s %d\n", (char *)arg, i);
 *             coro_yield();                        // back to whoever resumed us
 *         }
 *     }
 *
 *     struct coro *c = coro_create("counter", counter, "tick", 0);
 *     while (!coro_finished(c))
 *         coro_resume(c);                          // runs it up to its next coro_yield()
 *     coro_destroy(c);
 *
 * A Python generator or `async def` keeps only its own frame between two resumptions
 * (it is stackless); a coroutine here keeps a whole stack, so it can stop inside any
 * function it calls. That is what lets a task call an ordinary C function that waits.
 *
 * Laws:
 * - A coroutine runs only between coro_resume() and its next coro_yield() or its return.
 * - coro_yield() always goes back to the coroutine (or thread) that resumed it.
 * - A coroutine lives and dies on the thread that created it.
 * - Its stack comes from mmap with a guard page below it: an overflow is a SIGSEGV at the
 *   guard, reported with the coroutine's name, never a silent overwrite of other memory.
 *   (A single frame larger than the guard page could jump it; keep big buffers off it.)
 * - Memory is reserved for the whole stack but only the pages a coroutine touches are used.
 * - A destroyed coroutine's stack is kept for the thread's next one of the same size (up
 *   to 128 spares; the rest are unmapped, and a thread's spares when it exits): unmapping
 *   costs a flush of page tables on every CPU, more than a short task's whole life.
 * - Switches are announced to AddressSanitizer, ThreadSanitizer and valgrind, so all three
 *   follow a program from stack to stack.
 */
#ifndef LAB_CORO_H
#define LAB_CORO_H

#include <stdbool.h>
#include <stddef.h>

struct coro;
typedef void coro_fn(void *arg);

/*
 * A new coroutine that will run fn(arg) on its own stack of `stack_size` bytes (0: the
 * default, see coro_set_stack); it starts at the first coro_resume(). The name (kept to
 * 31 bytes) is what an overflow report prints. NULL with errno set if the stack cannot
 * be mapped (ENOMEM: memory, or the process's limit of memory maps).
 */
struct coro *coro_create(const char *name, coro_fn *fn, void *arg, size_t stack_size);

/* Run `co` (created, or suspended in coro_yield) until it yields or returns. */
void coro_resume(struct coro *co);

/* From inside a coroutine: suspend it and continue the one that resumed it. */
void coro_yield(void);

/* True once the coroutine's function has returned. */
bool coro_finished(const struct coro *co);

/*
 * Free a coroutine that is not running: finished, never started, or suspended (its stack
 * is then discarded without unwinding: nothing it was in the middle of gets cleaned up).
 */
void coro_destroy(struct coro *co);

/* The running coroutine, or NULL on a thread's own stack. */
struct coro *coro_current(void);

const char *coro_name(const struct coro *co);

/* The bytes the coroutine's function can use (its stack, less the runtime's small header). */
size_t coro_stack_size(const struct coro *co);

/*
 * The stack of coroutines created from now on: `size` bytes (rounded up to whole pages;
 * 0 keeps the current size), and a guard page below it or not. Defaults: 64 KiB (256 KiB
 * under the sanitizers, whose frames are larger) with a guard page. Each guard page costs
 * one memory map, and Linux allows a process vm.max_map_count of them (65530 by default):
 * a program that wants 100,000 coroutines at once must go without guards.
 */
void coro_set_stack(size_t size, bool guard);
size_t coro_default_stack_size(void);

/* Which switch this build uses: "x86-64 assembly", "aarch64 assembly" or "ucontext". */
const char *coro_backend(void);

#endif
