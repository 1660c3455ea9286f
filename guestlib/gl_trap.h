/*
 * gl_trap.h - exception handling of the test guests.
 *
 * Every mode gets handlers for vectors 0..31: the IDT in protected and long
 * mode (interrupt gates), the IVT at physical 0 in real mode. An exception
 * that nobody expects prints one "FATAL: unexpected exception" line with the
 * vector, error code and instruction pointer and ends the run with status 1.
 *
 * A guest that expects a fault runs the faulting code through gl_try():
 * gl_try(fn, arg, &f) calls fn(arg); if fn returns, gl_try returns 0; if an
 * exception is raised anywhere inside fn, the handler records it in f and
 * unwinds straight back out of gl_try (like longjmp: the stack and the
 * callee-saved registers are restored from gl_try's own frame), which then
 * returns 1. This needs no instruction-length knowledge and does not care
 * how many bytes the exception pushed, so it works the same way in all four
 * modes. gl_try does not nest.
 */
#ifndef GL_TRAP_H
#define GL_TRAP_H

#include <stdint.h>
#include <stdbool.h>

struct gl_fault {
	uint32_t vector;
	uint32_t error;          /* 0 when the vector pushes none (always in real mode) */
	uint64_t ip;             /* RIP/EIP/IP of the faulting instruction */
};

void gl_trap_init(void);
int gl_try(void (*fn)(void *), void *arg, struct gl_fault *f);

/* Convenience wrappers: return true if the instruction faulted. */
bool gl_rdmsr_try(uint32_t msr, uint64_t *val, struct gl_fault *f);
bool gl_wrmsr_try(uint32_t msr, uint64_t val, struct gl_fault *f);

const char *gl_trap_name(uint32_t vector);

#endif /* GL_TRAP_H */
