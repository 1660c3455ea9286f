/*
 * x86_decode.h - the instruction decoder of the assist library.
 *
 * Decodes one instruction from a byte buffer into struct x86_insn. It has
 * no side effects and never touches guest state: the emulator (x86_emul.h)
 * executes what it fills in. Covers the instructions that can touch MMIO
 * or I/O ports (see the opcode tables in x86_decode_tables.c); everything
 * else is X86_DECODE_UNSUPPORTED, so a caller never acts on a
 * half-understood encoding.
 *
 * References: Intel SDM Vol.2 chapter 2 (instruction format), AMD APM
 * Vol.3 chapter 1 (instruction encoding).
 */
#ifndef X86_DECODE_H
#define X86_DECODE_H

#include "vmm_env.h"
#include "x86_state.h"

/* Pseudo register numbers for struct x86_insn mem.base / mem.index. */
#define X86_REG_NONE (-1)
#define X86_REG_RIP  (-2)

/* What the instruction does (struct x86_insn op). */
enum x86_op {
	X86_OP_NONE,
	X86_OP_MOV,             /* 88-8B, C6/C7 /0, A0-A3 */
	X86_OP_MOVZX,           /* 0F B6/B7 */
	X86_OP_MOVSX,           /* 0F BE/BF */
	X86_OP_MOVSXD,          /* 63 in 64-bit mode */
	X86_OP_MOVNTI,          /* 0F C3 */
	X86_OP_ADD, X86_OP_OR, X86_OP_ADC, X86_OP_SBB,
	X86_OP_AND, X86_OP_SUB, X86_OP_XOR, X86_OP_CMP,  /* Group 1 order */
	X86_OP_TEST,            /* 84/85, F6/F7 /0 */
	X86_OP_NOT, X86_OP_NEG, /* F6/F7 /2 /3 */
	X86_OP_INC, X86_OP_DEC, /* FE/FF /0 /1 */
	X86_OP_XCHG,            /* 86/87 */
	X86_OP_BT, X86_OP_BTS, X86_OP_BTR, X86_OP_BTC,  /* 0F A3/AB/B3/BB, 0F BA */
	X86_OP_MOVS, X86_OP_CMPS, X86_OP_STOS, X86_OP_LODS, X86_OP_SCAS,
	X86_OP_CLFLUSH,         /* 0F AE /7, 66 0F AE /7 (CLFLUSHOPT) */
	X86_OP_IN, X86_OP_OUT,  /* E4-E7, EC-EF */
	X86_OP_INS, X86_OP_OUTS,/* 6C-6F */
	X86_OP_SSE_MOV,         /* MOVUPS/MOVAPS/MOVDQU/MOVDQA/MOVNT*, MOVD/MOVQ
				   with a memory operand (enc RM: load, MR: store;
				   reg: XMM number) */
	X86_OP_COUNT
};

/* Operand forms (struct x86_insn enc). */
enum x86_enc {
	X86_ENC_NONE,
	X86_ENC_MR,             /* r/m is the destination, reg the source */
	X86_ENC_RM,             /* reg is the destination, r/m the source */
	X86_ENC_MI,             /* r/m, immediate */
	X86_ENC_M,              /* r/m only */
	X86_ENC_FD,             /* AL/rAX <- moffs */
	X86_ENC_TD,             /* moffs <- AL/rAX */
	X86_ENC_ZO,             /* implicit operands only (string ops) */
	X86_ENC_IO_IMM,         /* port in imm8 */
	X86_ENC_IO_DX,          /* port in DX */
};

/* Legacy prefixes seen (struct x86_insn prefixes). */
#define X86_PFX_LOCK   BIT(0)
#define X86_PFX_REP    BIT(1)   /* F3: REP / REPE */
#define X86_PFX_REPNE  BIT(2)   /* F2: REPNE */
#define X86_PFX_OPSIZE BIT(3)   /* 66 */
#define X86_PFX_ADSIZE BIT(4)   /* 67 */
#define X86_PFX_SEG    BIT(5)   /* a segment override is in effect */

/* REX bits (SDM Vol.2 2.2.1). */
#define X86_REX_B BIT(0)
#define X86_REX_X BIT(1)
#define X86_REX_R BIT(2)
#define X86_REX_W BIT(3)

struct x86_insn {
	uint8_t len;            /* total length in bytes */
	uint8_t opsize;         /* effective operand size: 1, 2, 4, 8; for
				   X86_OP_SSE_MOV the access size 4, 8, 16 */
	uint8_t addrsize;       /* effective address size: 2, 4, 8 */
	bool has_mem;           /* explicit ModRM memory operand (or moffs) */
	struct {
		int8_t base;    /* enum x86_gpr, X86_REG_NONE or X86_REG_RIP */
		int8_t index;   /* enum x86_gpr or X86_REG_NONE */
		uint8_t scale;  /* 1, 2, 4, 8 */
		int64_t disp;   /* sign-extended */
		uint8_t seg;    /* effective segment (enum x86_seg) */
	} mem;

	uint8_t op;             /* enum x86_op */
	uint8_t enc;            /* enum x86_enc */
	uint8_t mode;           /* enum x86_cpu_mode it was decoded in */
	uint8_t prefixes;       /* X86_PFX_* */
	uint8_t seg_override;   /* enum x86_seg, or X86_SEG_COUNT if none */
	uint8_t rex;            /* the REX byte (0x40-0x4f), 0 if none */
	uint8_t opcode;         /* the opcode byte (after 0F if two_byte) */
	bool two_byte;          /* opcode came from the 0F map */
	uint8_t modrm;          /* ModRM byte, if the opcode has one */
	uint8_t memsize;        /* bytes read/written at the memory operand
				   (differs from opsize for MOVZX/MOVSX/MOVSXD) */
	int8_t reg;             /* register operand (enum x86_gpr), or -1 */
	bool reg_high8;         /* reg names AH/CH/DH/BH (opsize 1, no REX) */
	int8_t rm_reg;          /* r/m register when !has_mem (mod = 3), or -1 */
	bool rm_high8;          /* rm_reg names AH/CH/DH/BH */
	bool has_imm;
	uint8_t immsize;        /* bytes of immediate in the encoding */
	uint64_t imm;           /* immediate, sign-extended to 64 bits
				   (zero-extended imm8 for port numbers) */
	bool align16;           /* SSE move that needs a 16-byte aligned
				   address (#GP(0) otherwise) */
};

enum x86_decode_status {
	X86_DECODE_OK,
	X86_DECODE_NEED_MORE,   /* ran out of bytes */
	X86_DECODE_UNSUPPORTED, /* valid x86 (or possibly so) we don't emulate */
	X86_DECODE_INVALID,     /* #UD */
	X86_DECODE_TOOLONG,     /* longer than 15 bytes: #GP(0) (SDM Vol.3
				   6.15 interrupt 13, APM Vol.3 1.1) */
};

/*
 * Decode the instruction at bytes[0..len) in the given cpu_mode (enum
 * x86_cpu_mode; x86_cpu_mode() in x86_state.h gives it for a vCPU).
 * Fills *insn and returns an enum x86_decode_status. Never reads past
 * len. On X86_DECODE_OK every field above is valid.
 */
int x86_decode(const uint8_t *bytes, size_t len, unsigned cpu_mode,
    struct x86_insn *insn);

/*
 * x86_decode without its shortcut for MOV r/m, r and MOV r, r/m (88-8B
 * without prefixes but REX): the table-driven path alone, for the tests
 * that check the two give the same result.
 */
int x86_decode_full(const uint8_t *bytes, size_t len, unsigned cpu_mode,
    struct x86_insn *insn);

/* Short name of an op for logs ("mov", "outs", ...). */
const char *x86_op_name(unsigned op);

#endif /* X86_DECODE_H */
