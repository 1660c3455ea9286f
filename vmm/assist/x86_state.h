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

/* The longest instruction: 15 bytes, longer is #GP (SDM Vol.2 2.3.11). */
#define X86_INSN_MAX_LEN 15

/*
 * CPU modes as far as instruction size goes: the default operand and
 * address size, and the code size (the width of IP/EIP/RIP).
 */
enum x86_cpu_mode {
	X86_MODE_REAL16,        /* real mode and virtual-8086 mode */
	X86_MODE_PROT16,        /* protected/compat mode, CS.D = 0 */
	X86_MODE_PROT32,        /* protected/compat mode, CS.D = 1 */
	X86_MODE_LONG64,        /* 64-bit mode: EFER.LMA and CS.L */
};

/*
 * The mode of st, from CR0.PE, EFER.LMA, CS.L, RFLAGS.VM and CS.D (SDM
 * Vol.3 2.2, Vol.1 3.6; APM Vol.2 1.2). The one place that decides it,
 * for the decoder, the emulator, the instruction fetch and hv/.
 */
static inline enum x86_cpu_mode
x86_cpu_mode(const struct x86_state *st)
{
	uint16_t csattr = st->seg[X86_SEG_CS].attr;

	if (!(st->cr0 & X86_CR0_PE))
		return X86_MODE_REAL16;
	if ((st->efer & X86_EFER_LMA) && (csattr & X86_SEGATTR_L))
		return X86_MODE_LONG64;
	if (st->rflags & X86_RFLAGS_VM)
		return X86_MODE_REAL16;
	return (csattr & X86_SEGATTR_DB) ? X86_MODE_PROT32 : X86_MODE_PROT16;
}

/*
 * The code size of mode in bytes (2, 4 or 8): the width of IP/EIP/RIP
 * and the default address size.
 */
static inline unsigned
x86_mode_size(enum x86_cpu_mode mode)
{
	return mode == X86_MODE_LONG64 ? 8 : mode == X86_MODE_PROT32 ? 4 : 2;
}

/* Mask of the low size bytes (size 1, 2, 4 or 8): 2 -> 0xffff, 8 -> ~0. */
static inline uint64_t
x86_size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

#endif /* X86_STATE_H */
