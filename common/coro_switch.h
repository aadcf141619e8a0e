/*
 * coro_switch.h — the machine-level switch under coro.c: keep what a function call must
 * keep, swap stacks, carry on.
 *
 * A switch is a function call that returns somewhere else. coro_context_switch() pushes
 * the registers the ABI says a callee must preserve onto the current stack, stores the
 * stack pointer in `from`, loads the one saved in `to`, pops that context's registers
 * and returns -- on the other stack, into whatever called coro_context_switch() there.
 * Everything else (the caller-saved registers) the compiler has already saved, because
 * to it this is an ordinary call.
 *
 * Floating-point status flags (FE_INEXACT...) are not saved: the ABI makes them
 * caller-saved, so they belong to the thread, not to a coroutine, on both hand-written
 * backends (aarch64 keeps them in FPSR, which the switch never touches). The control
 * state (rounding mode, exception masks) is per coroutine. ucontext restores both.
 *
 * Backends, chosen at build time:
 *   x86-64 (System V)  rbx rbp r12-r15, mxcsr's control bits, the x87 control word
 *   aarch64 (AAPCS64)  x19-x29, the link register x30, d8-d15, the FP control register
 *   ucontext           swapcontext(3): portable, but it also saves and restores the signal
 *                      mask, a system call on every switch (`make CORO=ucontext` picks it)
 */
#ifndef LAB_CORO_SWITCH_H
#define LAB_CORO_SWITCH_H

#include <stddef.h>

#if defined(LAB_CORO_UCONTEXT) || !(defined(__x86_64__) || defined(__aarch64__))
#include <ucontext.h>
#define CORO_SWITCH_BACKEND "ucontext"
struct coro_context {
    ucontext_t uc;
};
#else
#ifdef __x86_64__
#define CORO_SWITCH_BACKEND "x86-64 assembly"
#else
#define CORO_SWITCH_BACKEND "aarch64 assembly"
#endif
struct coro_context {
    void *sp; /* the saved stack pointer: everything else is on that stack */
};
#endif

/*
 * Prepare `ctx` so that the first switch to it calls entry() on the stack
 * [stack_lo, stack_lo + size). entry() must never return: there is nothing to return to.
 */
void coro_context_init(struct coro_context *ctx, void *stack_lo, size_t size, void (*entry)(void));

/* Save the running context in `from` and continue in `to`; returns when something
 * switches back to `from`. */
void coro_context_switch(struct coro_context *from, struct coro_context *to);

#endif
