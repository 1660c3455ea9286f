/*
 * x86_state.h - the architectural state of one vCPU as the assist library
 * sees it.
 *
 * The hypervisor fills it from the VMCB (and its saved GPRs) before an
 * assist call and copies it back afterwards; host tests fill it by hand.
 * No VMCB type appears here: the library stays independent of hv/.
 */
#ifndef X86_STATE_H
#define X86_STATE_H

#include "vmm_env.h"

/* GPR numbers in ModRM/REX encoding order (SDM Vol.2 Table 2-2). */
enum x86_gpr {
	X86_GPR_RAX, X86_GPR_RCX, X86_GPR_RDX, X86_GPR_RBX,
	X86_GPR_RSP, X86_GPR_RBP, X86_GPR_RSI, X86_GPR_RDI,
	X86_GPR_R8,  X86_GPR_R9,  X86_GPR_R10, X86_GPR_R11,
	X86_GPR_R12, X86_GPR_R13, X86_GPR_R14, X86_GPR_R15,
	X86_GPR_COUNT
};

/* Segment registers in the encoding order of the ModRM sreg field. */
enum x86_seg {
	X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
	X86_SEG_COUNT
};

/*
 * A segment register with its hidden part. attr uses the VMCB's packed
 * 12-bit attribute format (AMD APM Vol.2 15.5.1 / Appendix B: descriptor
 * bits 8-15 and 52-55 squeezed together); limit is the byte-granular limit
 * after the G bit has been applied, as the VMCB stores it.
 */
struct x86_segment {
	uint16_t sel;
	uint16_t attr;
#define X86_SEGATTR_TYPE BITS(3, 0)
#define X86_SEGATTR_S    BIT(4)     /* code/data (1) or system (0) */
#define X86_SEGATTR_DPL  BITS(6, 5)
#define X86_SEGATTR_P    BIT(7)
#define X86_SEGATTR_AVL  BIT(8)
#define X86_SEGATTR_L    BIT(9)     /* 64-bit code segment */
#define X86_SEGATTR_DB   BIT(10)    /* default operand size / big */
#define X86_SEGATTR_G    BIT(11)
	uint32_t limit;
	uint64_t base;
};

#define X86_RFLAGS_CF   BIT(0)
#define X86_RFLAGS_PF   BIT(2)
#define X86_RFLAGS_AF   BIT(4)
#define X86_RFLAGS_ZF   BIT(6)
#define X86_RFLAGS_SF   BIT(7)
#define X86_RFLAGS_TF   BIT(8)
#define X86_RFLAGS_IF   BIT(9)
#define X86_RFLAGS_DF   BIT(10)
#define X86_RFLAGS_OF   BIT(11)
#define X86_RFLAGS_VM   BIT(17)
#define X86_RFLAGS_AC   BIT(18)
/* The flags an ALU instruction may change. */
#define X86_RFLAGS_ARITH (X86_RFLAGS_CF | X86_RFLAGS_PF | X86_RFLAGS_AF | \
			  X86_RFLAGS_ZF | X86_RFLAGS_SF | X86_RFLAGS_OF)

#define X86_CR0_PE  BIT(0)
#define X86_CR0_WP  BIT(16)
#define X86_CR0_AM  BIT(18)
#define X86_CR0_PG  BIT(31)

#define X86_CR4_PSE  BIT(4)
#define X86_CR4_PAE  BIT(5)
#define X86_CR4_LA57 BIT(12)
#define X86_CR4_SMEP BIT(20)
#define X86_CR4_SMAP BIT(21)

#define X86_EFER_SCE  BIT(0)
#define X86_EFER_LME  BIT(8)
#define X86_EFER_LMA  BIT(10)
#define X86_EFER_NXE  BIT(11)
#define X86_EFER_SVME BIT(12)

struct x86_state {
	uint64_t gpr[X86_GPR_COUNT];
	uint64_t rip;
	uint64_t rflags;
	struct x86_segment seg[X86_SEG_COUNT];
	uint64_t cr0, cr2, cr3, cr4;
	uint64_t efer;
	uint8_t cpl;            /* VMCB CPL field, 0..3 */
};

#endif /* X86_STATE_H */
