/*
 * gl_intr.h - interrupt handlers of the test guests: a table of C
 * handlers by vector, and the IF helpers.
 *
 * gl_trap_init() (run by gl_start) points all 256 IDT/IVT entries at the
 * stubs of gl_trap_stubs.S. gl_intr_set(vector, fn) makes that vector call
 * fn(frame) and return with IRET; this works for exceptions too (e.g. NMI,
 * vector 2, or #DB, vector 1), which then no longer reach gl_try() or the
 * FATAL report. Handlers run with IF clear (interrupt gates; real mode
 * clears IF too) and may change the frame (gl_trap.h) before it is
 * restored. EOI is the handler's job (gl_pic.h, gl_lapic.h).
 */
#ifndef GL_INTR_H
#define GL_INTR_H

#include <stdbool.h>
#include <stdint.h>
#include "bits.h"
#include "gl_trap.h"

#define GL_VEC_NMI 2

typedef void gl_intr_fn(struct gl_trapframe *tf);

/* Register fn for vector (NULL removes it). */
void gl_intr_set(unsigned vector, gl_intr_fn *fn);

/* Called by gl_trap(): run the handler of tf->vector; false if none. */
bool gl_intr_dispatch(struct gl_trapframe *tf);

static inline void gl_sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void gl_cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

/*
 * Enable interrupts and halt until one arrives: STI's interrupt shadow
 * (SDM Vol.3 6.8.3, APM Vol.2 8.5) keeps an interrupt that is already
 * pending from slipping in between the STI and the HLT, so the HLT is
 * always woken by it. Returns with IF set.
 */
static inline void gl_sti_hlt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

/* RFLAGS.IF (bit 9) now. */
static inline bool gl_if_enabled(void)
{
	unsigned long f;

#if defined(GL_MODE_LONG)
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
#else
	__asm__ volatile("pushfl; popl %0" : "=r"(f));
#endif
	return f & BIT(9);
}

#endif /* GL_INTR_H */
