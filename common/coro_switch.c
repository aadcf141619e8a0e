/* coro_switch.c — by hand on x86-64 and aarch64, else ucontext. See coro_switch.h. */
#include "coro_switch.h"

#include <stdint.h>

#if defined(LAB_CORO_UCONTEXT) || !(defined(__x86_64__) || defined(__aarch64__))

void coro_context_init(struct coro_context *ctx, void *stack_lo, size_t size, void (*entry)(void))
{
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = stack_lo;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = NULL; /* entry() never returns */
    makecontext(&ctx->uc, entry, 0);
}

void coro_context_switch(struct coro_context *from, struct coro_context *to)
{
    swapcontext(&from->uc, &to->uc);
}

#elif defined(__x86_64__)

/*
 * coro_context_switch(from = %rdi, to = %rsi). The frame it leaves on the stack, from
 * the saved stack pointer up: mxcsr (4 bytes) and the x87 control word (2 bytes) in one
 * 8-byte slot, r15, r14, r13, r12, rbx, rbp, then the return address the `call` pushed.
 *
 * Why `pop; jmp` and not `ret`: the CPU predicts a `ret` from its stack of recent calls,
 * and here every return lands in another call than the one it predicts, so each switch
 * pays a mispredicted branch. An indirect `jmp` is predicted from where it went before,
 * which in a ping-pong between two coroutines is right. Measured here: 16 ns with
 * `ret`, 8 ns with `jmp` (make bench, switch.ns.context).
 *
 * Why only mxcsr's control bits come back: its low six bits are sticky status flags
 * (inexact, overflow...), which the ABI makes caller-saved, like rax. Restoring the
 * whole word made every switch load a changed mxcsr as soon as either side had done an
 * inexact division (every loop_time() does one), and an ldmxcsr that changes the
 * register costs tens of nanoseconds. So the entering side gets its own control bits
 * (rounding, exception masks, FZ/DAZ) with the status flags the CPU has now; when the
 * control bits agree, as they nearly always do, nothing is loaded at all.
 */
__asm__(".text\n"
        ".globl coro_context_switch\n"
        ".type coro_context_switch, @function\n"
        ".p2align 4\n"
        "coro_context_switch:\n"
        "    pushq %rbp\n"
        "    pushq %rbx\n"
        "    pushq %r12\n"
        "    pushq %r13\n"
        "    pushq %r14\n"
        "    pushq %r15\n"
        "    subq $8, %rsp\n"
        "    stmxcsr (%rsp)\n"
        "    fnstcw 4(%rsp)\n"
        "    movl (%rsp), %eax\n" /* the live mxcsr, kept to compare with the saved one */
        "    movq %rsp, (%rdi)\n" /* from->sp = the stack we leave */
        "    movq (%rsi), %rsp\n" /* the stack we enter */
        "    movl (%rsp), %edx\n"  /* the saved word: are its control bits the live ones? */
        "    xorl %eax, %edx\n"
        "    testl $0xffc0, %edx\n"
        "    jz 1f\n"
        "    movl (%rsp), %edx\n"  /* no: its control bits, with the live status flags */
        "    andl $0xffc0, %edx\n"
        "    andl $0x3f, %eax\n"
        "    orl %edx, %eax\n"
        "    movl %eax, (%rsp)\n"
        "    ldmxcsr (%rsp)\n"
        "1:\n"
        "    fldcw 4(%rsp)\n"
        "    addq $8, %rsp\n"
        "    popq %r15\n"
        "    popq %r14\n"
        "    popq %r13\n"
        "    popq %r12\n"
        "    popq %rbx\n"
        "    popq %rbp\n"
        "    popq %rcx\n" /* the return address, and go there: see the note above */
        "    jmpq *%rcx\n"
        ".size coro_context_switch, .-coro_context_switch\n");

enum { X86_SAVED_REGS = 6, MXCSR_DEFAULT = 0x1f80, X87_CW_DEFAULT = 0x037f };

/*
 * A new stack looks as if coro_context_switch() had been called from entry()'s caller:
 * the `popq %rcx; jmpq *%rcx` pops entry's address and jumps there with %rsp = 8 (mod 16),
 * the alignment a function sees just after a `call`. Above it sits a zero "return address" where a
 * debugger's backtrace stops.
 */
void coro_context_init(struct coro_context *ctx, void *stack_lo, size_t size, void (*entry)(void))
{
    uint64_t *sp = (uint64_t *)(((uintptr_t)stack_lo + size) & ~(uintptr_t)15);
    *--sp = 0;                /* entry()'s own return address: none */
    *--sp = (uintptr_t)entry; /* where the first switch's `jmp` goes */
    for (int i = 0; i < X86_SAVED_REGS; i++)
        *--sp = 0; /* rbp rbx r12 r13 r14 r15 */
    *--sp = MXCSR_DEFAULT | (uint64_t)X87_CW_DEFAULT << 32;
    ctx->sp = sp;
}

#else /* __aarch64__ */

/*
 * coro_context_switch(from = x0, to = x1). The 176-byte frame, from the saved stack
 * pointer up: x19..x28, x29 (frame pointer), x30 (return address), d8..d15, FPCR, and
 * one spare word that keeps the stack pointer a multiple of 16.
 */
__asm__(".text\n"
        ".globl coro_context_switch\n"
        ".type coro_context_switch, %function\n"
        ".p2align 4\n"
        "coro_context_switch:\n"
        "    sub sp, sp, #176\n"
        "    stp x19, x20, [sp, #0]\n"
        "    stp x21, x22, [sp, #16]\n"
        "    stp x23, x24, [sp, #32]\n"
        "    stp x25, x26, [sp, #48]\n"
        "    stp x27, x28, [sp, #64]\n"
        "    stp x29, x30, [sp, #80]\n"
        "    stp d8, d9, [sp, #96]\n"
        "    stp d10, d11, [sp, #112]\n"
        "    stp d12, d13, [sp, #128]\n"
        "    stp d14, d15, [sp, #144]\n"
        "    mrs x9, fpcr\n"
        "    str x9, [sp, #160]\n"
        "    mov x9, sp\n"
        "    str x9, [x0]\n" /* from->sp = the stack we leave */
        "    ldr x9, [x1]\n"
        "    mov sp, x9\n" /* the stack we enter */
        "    ldr x9, [sp, #160]\n"
        "    msr fpcr, x9\n"
        "    ldp x19, x20, [sp, #0]\n"
        "    ldp x21, x22, [sp, #16]\n"
        "    ldp x23, x24, [sp, #32]\n"
        "    ldp x25, x26, [sp, #48]\n"
        "    ldp x27, x28, [sp, #64]\n"
        "    ldp x29, x30, [sp, #80]\n"
        "    ldp d8, d9, [sp, #96]\n"
        "    ldp d10, d11, [sp, #112]\n"
        "    ldp d12, d13, [sp, #128]\n"
        "    ldp d14, d15, [sp, #144]\n"
        "    add sp, sp, #176\n"
        "    ret\n" /* to x30; `br x30` would dodge the return predictor as on x86-64, but
                    it needs a BTI landing pad where branch protection is on, and it is
                    unmeasured here (this machine runs aarch64 only under qemu) */
        ".size coro_context_switch, .-coro_context_switch\n");

enum { A64_FRAME_WORDS = 22, A64_X29 = 10, A64_X30 = 11 };

/*
 * A new stack holds one saved frame, all zeros (FPCR 0 is round-to-nearest), except x30
 * = entry, so the first switch's `ret` lands there with sp 16-byte aligned, and x29 = 0,
 * where a debugger's backtrace stops.
 */
void coro_context_init(struct coro_context *ctx, void *stack_lo, size_t size, void (*entry)(void))
{
    uint64_t *sp = (uint64_t *)(((uintptr_t)stack_lo + size) & ~(uintptr_t)15);
    sp -= A64_FRAME_WORDS;
    for (int i = 0; i < A64_FRAME_WORDS; i++)
        sp[i] = 0;
    sp[A64_X29] = 0;
    sp[A64_X30] = (uintptr_t)entry;
    ctx->sp = sp;
}

#endif
