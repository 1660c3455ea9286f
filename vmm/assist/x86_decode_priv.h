/*
 * x86_decode_priv.h - what the files of the decoder share: the row
 * format of the opcode tables (struct x86_opcode, its X86_F_* flags, the
 * groups), the SSE move rows, and the tables themselves, defined in
 * x86_decode_tables.c and read by the decoding steps in x86_decode.c.
 *
 * References: Intel SDM Vol.2 chapter 2 and Appendix A (opcode maps).
 */
#ifndef X86_DECODE_PRIV_H
#define X86_DECODE_PRIV_H

#include "x86_decode.h"

/* Row flags. */
#define X86_F_MODRM   BIT(0)    /* has a ModRM byte */
#define X86_F_BYTE    BIT(1)    /* operand size 1 */
#define X86_F_IMM8    BIT(2)    /* imm8, sign-extended */
#define X86_F_IMMZ    BIT(3)    /* imm16/imm32 by operand size, sign-extended */
#define X86_F_IMM8U   BIT(4)    /* imm8, zero-extended (port number) */
#define X86_F_LOCK    BIT(5)    /* LOCK allowed with a memory destination */
#define X86_F_STR     BIT(6)    /* string instruction */
#define X86_F_IO      BIT(7)    /* port I/O: operand size at most 4 */
#define X86_F_MEMONLY BIT(8)    /* mod = 3 is another instruction */
#define X86_F_NOPFX   BIT(9)    /* 66/F2/F3 select another instruction */
#define X86_F_64ONLY  BIT(10)   /* another instruction outside 64-bit mode */
#define X86_F_MX8     BIT(11)   /* memory operand is 1 byte (MOVZX/MOVSX) */
#define X86_F_MX16    BIT(12)   /* memory operand is 2 bytes */
#define X86_F_MX32    BIT(13)   /* memory operand is 4 bytes (MOVSXD) */
#define X86_F_GROUP   BIT(14)   /* op comes from a group table by ModRM.reg */
#define X86_F_INVALID BIT(15)   /* group member that raises #UD */

struct x86_opcode {
	uint8_t op;             /* enum x86_op */
	uint8_t enc;            /* enum x86_enc */
	uint8_t group;          /* X86_GRP_* when X86_F_GROUP */
	uint16_t flags;         /* X86_F_* */
};

enum x86_group {
	X86_GRP_1,              /* 80/81/83: ALU r/m, imm */
	X86_GRP_3,              /* F6/F7 */
	X86_GRP_4,              /* FE */
	X86_GRP_5,              /* FF */
	X86_GRP_8,              /* 0F BA: BT* r/m, imm8 */
	X86_GRP_11,             /* C6/C7: MOV r/m, imm */
	X86_GRP_15,             /* 0F AE */
	X86_GRP_COUNT
};

/*
 * SSE moves with a memory operand, selected by opcode and mandatory prefix
 * (SDM Vol.2 Table A-3 and the MOVUPS/MOVAPS/MOVDQU/MOVDQA/MOVNTDQ/MOVD/
 * MOVQ pages). The 16-byte forms of MOVAPS/MOVAPD/MOVDQA/MOVNT* fault on a
 * misaligned address. NP 0F 6E/7E (MMX) is not listed.
 */
#define X86_SSE_NP 0
#define X86_SSE_66 1
#define X86_SSE_F3 2

struct x86_sse_row {
	uint8_t opcode;
	uint8_t pfx;            /* X86_SSE_* */
	uint8_t size;           /* bytes accessed */
	bool store;             /* m <- xmm (else xmm <- m) */
	bool align16;
	bool w8;                /* REX.W makes it an 8-byte access */
};

/* One-byte opcode map (SDM Vol.2 Table A-2), indexed by the opcode byte. */
extern const struct x86_opcode x86_opcodes_1b[256];
/* Two-byte opcode map, 0F xx (SDM Vol.2 Table A-3). */
extern const struct x86_opcode x86_opcodes_0f[256];
/* Group members by ModRM.reg (SDM Vol.2 Table A-6). */
extern const struct x86_opcode x86_groups[X86_GRP_COUNT][8];

/* The SSE move for 0F <opcode> under insn's prefixes, or NULL. */
const struct x86_sse_row *x86_decode_sse_row(const struct x86_insn *insn,
    uint8_t opcode);

#endif /* X86_DECODE_PRIV_H */
