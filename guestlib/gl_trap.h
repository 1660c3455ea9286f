/*
 * gl_trap.h - exception handling of the test guests.
 *
 * Every mode gets stubs for all 256 vectors: the IDT in protected and long
 * mode (interrupt gates, so IF is clear in every handler), the IVT at
 * physical 0 in real mode. A vector with a handler registered with
 * gl_intr_set() (gl_intr.h) runs it and returns with IRET. Any other
 * exception that nobody expects prints one "FATAL: unexpected exception"
 * line with the vector, error code and instruction pointer and ends the
 * run with status 1 (an unexpected interrupt vector >= 32 the same way).
 *
 * A guest that expects a fault runs the faulting code through gl_try():
 * gl_try(fn, arg, &f) calls fn(arg); if fn returns, gl_try returns 0; if an
 * exception is raised anywhere inside fn, the handler records it in f and
 * unwinds straight back out of gl_try (like longjmp: the stack and the
 * callee-saved registers are restored from gl_try's own frame), which then
 * returns 1. A vector without a handler that is not an exception (an
 * unexpected interrupt, INT n) is caught the same way. This needs no
 * instruction-length knowledge and does not care
 * how many bytes the exception pushed, so it works the same way in all four
 * modes. gl_try does not nest.
 *
 * Trap-type exceptions work the same way. For a fault f.ip is the
 * faulting instruction, for a trap (the single-step #DB, INT3, ...) the
 * instruction after the one that trapped: whatever IP the CPU pushed
 * (SDM Vol.3 6.5, APM Vol.2 8.2). For #DB, f.dr6 holds DR6 as the
 * handler found it (B0-B3, BD, BS = bit 14 for single-step). Every
 * handler is entered with RFLAGS.TF clear (interrupt gates and real-mode
 * interrupts clear it) and the unwind does not IRET, so a fn that set TF
 * to single-step its own code leaves gl_try with TF clear again.
 */
#ifndef GL_TRAP_H
#define GL_TRAP_H

#include <stdint.h>
#include <stdbool.h>

/*
 * The frame the stubs (gl_trap_stubs.S) build, lowest address first: the
 * GPRs, the vector and error code (0 when the CPU pushes none), then what
 * the CPU pushed. A handler may change the GPRs and ip/flags: IRET
 * returns to what the frame holds.
 */
#if defined(GL_MODE_LONG)
struct gl_trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t ip, cs, flags, sp, ss;   /* pushed by the CPU */
};
#elif defined(GL_MODE_REAL)
struct gl_trapframe {
	uint16_t es, ds;                                   /* saved by the stub */
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;   /* PUSHAD */
	uint32_t vector, error;
	uint16_t ip, cs, flags;                            /* pushed by the CPU */
};
#else
struct gl_trapframe {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;   /* PUSHAD */
	uint32_t vector, error;
	uint32_t ip, cs, flags;                            /* pushed by the CPU */
};
#endif

struct gl_fault {
	uint32_t vector;
	uint32_t error;          /* 0 when the vector pushes none (always in real mode) */
	uint64_t ip;             /* RIP/EIP/IP pushed: faulting insn, or the next one for a trap */
	uint64_t dr6;            /* #DB only: DR6 in the handler; 0 for other vectors */
};

void gl_trap_init(void);
int gl_try(void (*fn)(void *), void *arg, struct gl_fault *f);

/* Convenience wrappers: return true if the instruction faulted. */
bool gl_rdmsr_try(uint32_t msr, uint64_t *val, struct gl_fault *f);
bool gl_wrmsr_try(uint32_t msr, uint64_t val, struct gl_fault *f);

const char *gl_trap_name(uint32_t vector);

#endif /* GL_TRAP_H */
