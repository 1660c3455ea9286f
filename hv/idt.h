/*
 * idt.h - the 64-bit IDT and the exception handlers (AMD APM Vol.2 8.2,
 * 8.9; SDM Vol.3 6.14). Every one of the 32 exception vectors prints a
 * register dump on the console and panics: the hypervisor itself must
 * never fault. Guest exceptions are not delivered here (they exit from
 * VMRUN instead).
 */
#ifndef HV_IDT_H
#define HV_IDT_H

#include <stdint.h>

/*
 * The frame built by the entry stubs (hv/idt_entry.S): the GPRs pushed by
 * the common stub, the vector and error code (0 when the CPU pushes
 * none), then the frame the CPU pushed (APM Vol.2 8.9.3).
 */
struct idt_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;          /* 0x00 */
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;             /* 0x40 */
	uint64_t vector;                                        /* 0x78 */
	uint64_t error;                                         /* 0x80 */
	uint64_t rip, cs, rflags, rsp, ss;                      /* 0x88 */
};
_Static_assert(sizeof(struct idt_frame) == 0xb0, "idt_entry.S pushes 22 quadwords");
_Static_assert(__builtin_offsetof(struct idt_frame, vector) == 0x78, "idt_entry.S layout");
_Static_assert(__builtin_offsetof(struct idt_frame, rip) == 0x88, "idt_entry.S layout");

/*
 * Build the IDT (gates for the 32 exception vectors, the other 224 not
 * present) and a TSS whose IST stacks serve #DF, NMI and #MC (so that a
 * stack overflow still produces a dump); load both (LIDT, LTR).
 */
void idt_init(void);

#define IDT_VEC_NMI  2
#define IDT_IST_NMI  2          /* the NMI's own stack (TSS IST2) */

/*
 * Point vector at an entry stub (an interrupt gate: IF cleared on entry),
 * on IST stack ist (0: the current stack). For the host's interrupts and
 * NMI (hv/intr.c).
 */
void idt_set_handler(unsigned vector, uint64_t stub, unsigned ist);

/* Called by idt_entry.S with the frame above. Dumps and panics. */
void idt_exception(struct idt_frame *f);

/* Mnemonic of an exception vector ("#PF"), or "#??" if unknown. */
const char *idt_vector_name(unsigned vector);

#endif /* HV_IDT_H */
