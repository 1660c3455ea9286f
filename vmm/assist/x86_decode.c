/*
 * x86_decode.c - table-driven decoder for the instructions the assist
 * library emulates (SDM Vol.2 chapter 2, APM Vol.3 chapter 1).
 *
 * Limits (each is reported as X86_DECODE_UNSUPPORTED, never guessed):
 *  - only the opcodes in x86_opcodes_1b / x86_opcodes_0f and the SSE moves
 *    of x86_sse_rows below; anything else is unsupported. No VEX/EVEX/XOP,
 *    no x87, no MMX.
 *  - 82 (the 32-bit-only alias of 80), F6/F7 /1 (TEST alias) and 0F BA
 *    with a mandatory-looking F2/F3 are left out.
 *  - 63 outside 64-bit mode is ARPL: unsupported; 66 63 (MOVSXD with a
 *    16-bit operand) too, as manuals and decoders disagree on its size.
 * Returns X86_DECODE_INVALID (#UD) for LOCK on a form that does not allow
 * it and for undefined group members (FE /2-7, FF /7, 0F BA /0-3), and
 * X86_DECODE_TOOLONG (#GP(0)) for instructions longer than 15 bytes.
 */
#include "x86_decode.h"
#include "x86_le.h"

/* ------------------------------------------------------------------------ */
/* Opcode tables                                                             */

/* ModRM and SIB fields (SDM Vol.2 2.1.5, Figure 2-1). */
#define X86_MODRM_MOD BITS(7, 6)
#define X86_MODRM_REG BITS(5, 3)
#define X86_MODRM_RM  BITS(2, 0)
#define X86_SIB_SCALE BITS(7, 6)
#define X86_SIB_INDEX BITS(5, 3)
#define X86_SIB_BASE  BITS(2, 0)

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

#define X86_ALU_ROWS(base, o)                                                  \
	[(base) + 0] = { o, X86_ENC_MR, 0, X86_F_MODRM | X86_F_BYTE | X86_F_LOCK }, \
	[(base) + 1] = { o, X86_ENC_MR, 0, X86_F_MODRM | X86_F_LOCK },             \
	[(base) + 2] = { o, X86_ENC_RM, 0, X86_F_MODRM | X86_F_BYTE },             \
	[(base) + 3] = { o, X86_ENC_RM, 0, X86_F_MODRM }

/* One-byte opcode map (SDM Vol.2 Table A-2). */
static const struct x86_opcode x86_opcodes_1b[256] = {
	X86_ALU_ROWS(0x00, X86_OP_ADD),         /* ADD r/m,r / r,r/m */
	X86_ALU_ROWS(0x08, X86_OP_OR),          /* OR */
	X86_ALU_ROWS(0x10, X86_OP_ADC),         /* ADC */
	X86_ALU_ROWS(0x18, X86_OP_SBB),         /* SBB */
	X86_ALU_ROWS(0x20, X86_OP_AND),         /* AND */
	X86_ALU_ROWS(0x28, X86_OP_SUB),         /* SUB */
	X86_ALU_ROWS(0x30, X86_OP_XOR),         /* XOR */
	[0x38] = { X86_OP_CMP, X86_ENC_MR, 0, X86_F_MODRM | X86_F_BYTE }, /* CMP r/m8, r8 */
	[0x39] = { X86_OP_CMP, X86_ENC_MR, 0, X86_F_MODRM },              /* CMP r/m, r */
	[0x3a] = { X86_OP_CMP, X86_ENC_RM, 0, X86_F_MODRM | X86_F_BYTE }, /* CMP r8, r/m8 */
	[0x3b] = { X86_OP_CMP, X86_ENC_RM, 0, X86_F_MODRM },              /* CMP r, r/m */
	[0x63] = { X86_OP_MOVSXD, X86_ENC_RM, 0,
		   X86_F_MODRM | X86_F_64ONLY | X86_F_MX32 },   /* MOVSXD r, r/m32 */
	[0x6c] = { X86_OP_INS, X86_ENC_ZO, 0, X86_F_STR | X86_F_IO | X86_F_BYTE }, /* INSB */
	[0x6d] = { X86_OP_INS, X86_ENC_ZO, 0, X86_F_STR | X86_F_IO },     /* INSW/D */
	[0x6e] = { X86_OP_OUTS, X86_ENC_ZO, 0, X86_F_STR | X86_F_IO | X86_F_BYTE }, /* OUTSB */
	[0x6f] = { X86_OP_OUTS, X86_ENC_ZO, 0, X86_F_STR | X86_F_IO },    /* OUTSW/D */
	[0x80] = { 0, X86_ENC_MI, X86_GRP_1,
		   X86_F_GROUP | X86_F_MODRM | X86_F_BYTE | X86_F_IMM8 }, /* Grp1 r/m8, imm8 */
	[0x81] = { 0, X86_ENC_MI, X86_GRP_1,
		   X86_F_GROUP | X86_F_MODRM | X86_F_IMMZ },              /* Grp1 r/m, imm */
	[0x83] = { 0, X86_ENC_MI, X86_GRP_1,
		   X86_F_GROUP | X86_F_MODRM | X86_F_IMM8 },              /* Grp1 r/m, imm8 */
	[0x84] = { X86_OP_TEST, X86_ENC_MR, 0, X86_F_MODRM | X86_F_BYTE }, /* TEST r/m8, r8 */
	[0x85] = { X86_OP_TEST, X86_ENC_MR, 0, X86_F_MODRM },              /* TEST r/m, r */
	[0x86] = { X86_OP_XCHG, X86_ENC_MR, 0,
		   X86_F_MODRM | X86_F_BYTE | X86_F_LOCK },               /* XCHG r/m8, r8 */
	[0x87] = { X86_OP_XCHG, X86_ENC_MR, 0, X86_F_MODRM | X86_F_LOCK }, /* XCHG r/m, r */
	[0x88] = { X86_OP_MOV, X86_ENC_MR, 0, X86_F_MODRM | X86_F_BYTE }, /* MOV r/m8, r8 */
	[0x89] = { X86_OP_MOV, X86_ENC_MR, 0, X86_F_MODRM },              /* MOV r/m, r */
	[0x8a] = { X86_OP_MOV, X86_ENC_RM, 0, X86_F_MODRM | X86_F_BYTE }, /* MOV r8, r/m8 */
	[0x8b] = { X86_OP_MOV, X86_ENC_RM, 0, X86_F_MODRM },              /* MOV r, r/m */
	[0xa0] = { X86_OP_MOV, X86_ENC_FD, 0, X86_F_BYTE },  /* MOV AL, moffs8 */
	[0xa1] = { X86_OP_MOV, X86_ENC_FD, 0, 0 },           /* MOV rAX, moffs */
	[0xa2] = { X86_OP_MOV, X86_ENC_TD, 0, X86_F_BYTE },  /* MOV moffs8, AL */
	[0xa3] = { X86_OP_MOV, X86_ENC_TD, 0, 0 },           /* MOV moffs, rAX */
	[0xa4] = { X86_OP_MOVS, X86_ENC_ZO, 0, X86_F_STR | X86_F_BYTE },  /* MOVSB */
	[0xa5] = { X86_OP_MOVS, X86_ENC_ZO, 0, X86_F_STR },               /* MOVSW/D/Q */
	[0xa6] = { X86_OP_CMPS, X86_ENC_ZO, 0, X86_F_STR | X86_F_BYTE },  /* CMPSB */
	[0xa7] = { X86_OP_CMPS, X86_ENC_ZO, 0, X86_F_STR },               /* CMPSW/D/Q */
	[0xaa] = { X86_OP_STOS, X86_ENC_ZO, 0, X86_F_STR | X86_F_BYTE },  /* STOSB */
	[0xab] = { X86_OP_STOS, X86_ENC_ZO, 0, X86_F_STR },               /* STOSW/D/Q */
	[0xac] = { X86_OP_LODS, X86_ENC_ZO, 0, X86_F_STR | X86_F_BYTE },  /* LODSB */
	[0xad] = { X86_OP_LODS, X86_ENC_ZO, 0, X86_F_STR },               /* LODSW/D/Q */
	[0xae] = { X86_OP_SCAS, X86_ENC_ZO, 0, X86_F_STR | X86_F_BYTE },  /* SCASB */
	[0xaf] = { X86_OP_SCAS, X86_ENC_ZO, 0, X86_F_STR },               /* SCASW/D/Q */
	[0xc6] = { 0, X86_ENC_MI, X86_GRP_11,
		   X86_F_GROUP | X86_F_MODRM | X86_F_BYTE | X86_F_IMM8 }, /* MOV r/m8, imm8 */
	[0xc7] = { 0, X86_ENC_MI, X86_GRP_11,
		   X86_F_GROUP | X86_F_MODRM | X86_F_IMMZ },              /* MOV r/m, imm */
	[0xe4] = { X86_OP_IN, X86_ENC_IO_IMM, 0, X86_F_IO | X86_F_BYTE | X86_F_IMM8U }, /* IN AL, imm8 */
	[0xe5] = { X86_OP_IN, X86_ENC_IO_IMM, 0, X86_F_IO | X86_F_IMM8U },  /* IN eAX, imm8 */
	[0xe6] = { X86_OP_OUT, X86_ENC_IO_IMM, 0, X86_F_IO | X86_F_BYTE | X86_F_IMM8U }, /* OUT imm8, AL */
	[0xe7] = { X86_OP_OUT, X86_ENC_IO_IMM, 0, X86_F_IO | X86_F_IMM8U }, /* OUT imm8, eAX */
	[0xec] = { X86_OP_IN, X86_ENC_IO_DX, 0, X86_F_IO | X86_F_BYTE },  /* IN AL, DX */
	[0xed] = { X86_OP_IN, X86_ENC_IO_DX, 0, X86_F_IO },               /* IN eAX, DX */
	[0xee] = { X86_OP_OUT, X86_ENC_IO_DX, 0, X86_F_IO | X86_F_BYTE }, /* OUT DX, AL */
	[0xef] = { X86_OP_OUT, X86_ENC_IO_DX, 0, X86_F_IO },              /* OUT DX, eAX */
	[0xf6] = { 0, X86_ENC_M, X86_GRP_3,
		   X86_F_GROUP | X86_F_MODRM | X86_F_BYTE },              /* Grp3 r/m8 */
	[0xf7] = { 0, X86_ENC_M, X86_GRP_3, X86_F_GROUP | X86_F_MODRM }, /* Grp3 r/m */
	[0xfe] = { 0, X86_ENC_M, X86_GRP_4,
		   X86_F_GROUP | X86_F_MODRM | X86_F_BYTE },              /* Grp4 r/m8 */
	[0xff] = { 0, X86_ENC_M, X86_GRP_5, X86_F_GROUP | X86_F_MODRM }, /* Grp5 r/m */
};

/* Two-byte opcode map, 0F xx (SDM Vol.2 Table A-3). */
static const struct x86_opcode x86_opcodes_0f[256] = {
	[0xa3] = { X86_OP_BT, X86_ENC_MR, 0, X86_F_MODRM },                /* BT r/m, r */
	[0xab] = { X86_OP_BTS, X86_ENC_MR, 0, X86_F_MODRM | X86_F_LOCK },  /* BTS r/m, r */
	[0xae] = { 0, X86_ENC_M, X86_GRP_15, X86_F_GROUP | X86_F_MODRM },  /* Grp15 */
	[0xb3] = { X86_OP_BTR, X86_ENC_MR, 0, X86_F_MODRM | X86_F_LOCK },  /* BTR r/m, r */
	[0xb6] = { X86_OP_MOVZX, X86_ENC_RM, 0, X86_F_MODRM | X86_F_MX8 },  /* MOVZX r, r/m8 */
	[0xb7] = { X86_OP_MOVZX, X86_ENC_RM, 0, X86_F_MODRM | X86_F_MX16 }, /* MOVZX r, r/m16 */
	[0xba] = { 0, X86_ENC_MI, X86_GRP_8,
		   X86_F_GROUP | X86_F_MODRM | X86_F_IMM8 },               /* Grp8 r/m, imm8 */
	[0xbb] = { X86_OP_BTC, X86_ENC_MR, 0, X86_F_MODRM | X86_F_LOCK },  /* BTC r/m, r */
	[0xbe] = { X86_OP_MOVSX, X86_ENC_RM, 0, X86_F_MODRM | X86_F_MX8 },  /* MOVSX r, r/m8 */
	[0xbf] = { X86_OP_MOVSX, X86_ENC_RM, 0, X86_F_MODRM | X86_F_MX16 }, /* MOVSX r, r/m16 */
	[0xc3] = { X86_OP_MOVNTI, X86_ENC_MR, 0,
		   X86_F_MODRM | X86_F_MEMONLY | X86_F_NOPFX },            /* MOVNTI m, r */
};

/*
 * Group members by ModRM.reg (SDM Vol.2 Table A-6). Their flags are or-ed
 * with the parent row's. op == 0 without X86_F_INVALID: unsupported.
 */
static const struct x86_opcode x86_groups[X86_GRP_COUNT][8] = {
	[X86_GRP_1] = {
		{ X86_OP_ADD, X86_ENC_MI, 0, X86_F_LOCK },
		{ X86_OP_OR,  X86_ENC_MI, 0, X86_F_LOCK },
		{ X86_OP_ADC, X86_ENC_MI, 0, X86_F_LOCK },
		{ X86_OP_SBB, X86_ENC_MI, 0, X86_F_LOCK },
		{ X86_OP_AND, X86_ENC_MI, 0, X86_F_LOCK },
		{ X86_OP_SUB, X86_ENC_MI, 0, X86_F_LOCK },
		{ X86_OP_XOR, X86_ENC_MI, 0, X86_F_LOCK },
		{ X86_OP_CMP, X86_ENC_MI, 0, 0 },
	},
	[X86_GRP_3] = {
		[0] = { X86_OP_TEST, X86_ENC_MI, 0, X86_F_IMMZ },  /* TEST r/m, imm */
		[2] = { X86_OP_NOT, X86_ENC_M, 0, X86_F_LOCK },    /* NOT r/m */
		[3] = { X86_OP_NEG, X86_ENC_M, 0, X86_F_LOCK },    /* NEG r/m */
	},
	[X86_GRP_4] = {
		[0] = { X86_OP_INC, X86_ENC_M, 0, X86_F_LOCK },    /* INC r/m8 */
		[1] = { X86_OP_DEC, X86_ENC_M, 0, X86_F_LOCK },    /* DEC r/m8 */
		[2] = { 0, 0, 0, X86_F_INVALID }, [3] = { 0, 0, 0, X86_F_INVALID },
		[4] = { 0, 0, 0, X86_F_INVALID }, [5] = { 0, 0, 0, X86_F_INVALID },
		[6] = { 0, 0, 0, X86_F_INVALID }, [7] = { 0, 0, 0, X86_F_INVALID },
	},
	[X86_GRP_5] = {
		[0] = { X86_OP_INC, X86_ENC_M, 0, X86_F_LOCK },    /* INC r/m */
		[1] = { X86_OP_DEC, X86_ENC_M, 0, X86_F_LOCK },    /* DEC r/m */
		[7] = { 0, 0, 0, X86_F_INVALID },
	},
	[X86_GRP_8] = {
		[0] = { 0, 0, 0, X86_F_INVALID }, [1] = { 0, 0, 0, X86_F_INVALID },
		[2] = { 0, 0, 0, X86_F_INVALID }, [3] = { 0, 0, 0, X86_F_INVALID },
		[4] = { X86_OP_BT,  X86_ENC_MI, 0, 0 },            /* BT r/m, imm8 */
		[5] = { X86_OP_BTS, X86_ENC_MI, 0, X86_F_LOCK },   /* BTS r/m, imm8 */
		[6] = { X86_OP_BTR, X86_ENC_MI, 0, X86_F_LOCK },   /* BTR r/m, imm8 */
		[7] = { X86_OP_BTC, X86_ENC_MI, 0, X86_F_LOCK },   /* BTC r/m, imm8 */
	},
	[X86_GRP_11] = {
		[0] = { X86_OP_MOV, X86_ENC_MI, 0, 0 },            /* MOV r/m, imm */
	},
	[X86_GRP_15] = {
		[7] = { X86_OP_CLFLUSH, X86_ENC_M, 0, X86_F_MEMONLY }, /* CLFLUSH(OPT) m8 */
	},
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

static const struct x86_sse_row x86_sse_rows[] = {
	{ 0x10, X86_SSE_NP, 16, false, false, false },  /* MOVUPS xmm, m128 */
	{ 0x11, X86_SSE_NP, 16, true,  false, false },  /* MOVUPS m128, xmm */
	{ 0x10, X86_SSE_66, 16, false, false, false },  /* MOVUPD xmm, m128 */
	{ 0x11, X86_SSE_66, 16, true,  false, false },  /* MOVUPD m128, xmm */
	{ 0x28, X86_SSE_NP, 16, false, true,  false },  /* MOVAPS xmm, m128 */
	{ 0x29, X86_SSE_NP, 16, true,  true,  false },  /* MOVAPS m128, xmm */
	{ 0x28, X86_SSE_66, 16, false, true,  false },  /* MOVAPD xmm, m128 */
	{ 0x29, X86_SSE_66, 16, true,  true,  false },  /* MOVAPD m128, xmm */
	{ 0x2b, X86_SSE_NP, 16, true,  true,  false },  /* MOVNTPS m128, xmm */
	{ 0x2b, X86_SSE_66, 16, true,  true,  false },  /* MOVNTPD m128, xmm */
	{ 0x6e, X86_SSE_66, 4,  false, false, true },   /* MOVD xmm, m32 / MOVQ xmm, m64 */
	{ 0x7e, X86_SSE_66, 4,  true,  false, true },   /* MOVD m32, xmm / MOVQ m64, xmm */
	{ 0x7e, X86_SSE_F3, 8,  false, false, false },  /* MOVQ xmm, m64 */
	{ 0xd6, X86_SSE_66, 8,  true,  false, false },  /* MOVQ m64, xmm */
	{ 0x6f, X86_SSE_66, 16, false, true,  false },  /* MOVDQA xmm, m128 */
	{ 0x7f, X86_SSE_66, 16, true,  true,  false },  /* MOVDQA m128, xmm */
	{ 0x6f, X86_SSE_F3, 16, false, false, false },  /* MOVDQU xmm, m128 */
	{ 0x7f, X86_SSE_F3, 16, true,  false, false },  /* MOVDQU m128, xmm */
	{ 0xe7, X86_SSE_66, 16, true,  true,  false },  /* MOVNTDQ m128, xmm */
};

/*
 * The SSE move for 0F <opcode> under the prefixes seen, or NULL. Only
 * unambiguous prefix sets are accepted: F2, or F3 together with 66, is
 * left unsupported.
 */
static const struct x86_sse_row *
x86_decode_sse_row(const struct x86_insn *insn, uint8_t opcode)
{
	unsigned pfx;

	if (insn->prefixes & X86_PFX_REPNE)
		return NULL;
	if ((insn->prefixes & X86_PFX_REP) && (insn->prefixes & X86_PFX_OPSIZE))
		return NULL;
	pfx = (insn->prefixes & X86_PFX_REP) ? X86_SSE_F3 :
	    (insn->prefixes & X86_PFX_OPSIZE) ? X86_SSE_66 : X86_SSE_NP;
	for (size_t i = 0; i < ARRAY_SIZE(x86_sse_rows); i++)
		if (x86_sse_rows[i].opcode == opcode && x86_sse_rows[i].pfx == pfx)
			return &x86_sse_rows[i];
	return NULL;
}

static const char *const x86_op_names[X86_OP_COUNT] = {
	[X86_OP_NONE] = "none", [X86_OP_MOV] = "mov", [X86_OP_MOVZX] = "movzx",
	[X86_OP_MOVSX] = "movsx", [X86_OP_MOVSXD] = "movsxd",
	[X86_OP_MOVNTI] = "movnti", [X86_OP_ADD] = "add", [X86_OP_OR] = "or",
	[X86_OP_ADC] = "adc", [X86_OP_SBB] = "sbb", [X86_OP_AND] = "and",
	[X86_OP_SUB] = "sub", [X86_OP_XOR] = "xor", [X86_OP_CMP] = "cmp",
	[X86_OP_TEST] = "test", [X86_OP_NOT] = "not", [X86_OP_NEG] = "neg",
	[X86_OP_INC] = "inc", [X86_OP_DEC] = "dec", [X86_OP_XCHG] = "xchg",
	[X86_OP_BT] = "bt", [X86_OP_BTS] = "bts", [X86_OP_BTR] = "btr",
	[X86_OP_BTC] = "btc", [X86_OP_MOVS] = "movs", [X86_OP_CMPS] = "cmps",
	[X86_OP_STOS] = "stos", [X86_OP_LODS] = "lods", [X86_OP_SCAS] = "scas",
	[X86_OP_CLFLUSH] = "clflush", [X86_OP_IN] = "in", [X86_OP_OUT] = "out",
	[X86_OP_INS] = "ins", [X86_OP_OUTS] = "outs",
	[X86_OP_SSE_MOV] = "sse-mov",
};

const char *
x86_op_name(unsigned op)
{
	if (op >= X86_OP_COUNT || x86_op_names[op] == NULL)
		return "?";
	return x86_op_names[op];
}

/* ------------------------------------------------------------------------ */
/* Bounds-checked cursor                                                     */

struct x86_cursor {
	const uint8_t *bytes;
	size_t len;             /* bytes available */
	size_t pos;
};

/* Take the next byte: OK, NEED_MORE, or TOOLONG past 15 bytes. */
static int
x86_decode_next(struct x86_cursor *c, uint8_t *b)
{
	if (c->pos >= X86_INSN_MAX_LEN)
		return X86_DECODE_TOOLONG;
	if (c->pos >= c->len)
		return X86_DECODE_NEED_MORE;
	*b = c->bytes[c->pos++];
	return X86_DECODE_OK;
}

/*
 * Read an n-byte little-endian value (n = 1, 2, 4 or 8), sign-extended to
 * 64 bits. Like n calls of x86_decode_next: when it cannot have all n
 * bytes, the first byte missing decides (past the bytes given and below
 * 15: NEED_MORE; at byte 15: TOOLONG).
 */
static int
x86_decode_sval(struct x86_cursor *c, unsigned n, int64_t *val)
{
	uint64_t v;

	if (c->pos + n > c->len || c->pos + n > X86_INSN_MAX_LEN)
		return c->len < X86_INSN_MAX_LEN ? X86_DECODE_NEED_MORE :
		    X86_DECODE_TOOLONG;
	v = x86_le_load(c->bytes + c->pos, n);
	c->pos += n;
	if (n < 8 && (v & BIT(8 * n - 1)))
		v |= ~0ULL << (8 * n);
	*val = (int64_t)v;
	return X86_DECODE_OK;
}

/* ------------------------------------------------------------------------ */
/* Decoding steps                                                            */

/*
 * Legacy prefixes and REX. SDM Vol.2 2.1.1: the last prefix of a group
 * wins; 2.2.1: a REX prefix counts only immediately before the opcode, so
 * a legacy prefix after it cancels it.
 */
static int
x86_decode_prefixes(struct x86_cursor *c, struct x86_insn *insn)
{
	static const int8_t segpfx[8] = {
		/* 0x26 ES, 0x2e CS, 0x36 SS, 0x3e DS by bits 4:3 */
		X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS,
	};
	uint8_t b;
	int ret;

	for (;;) {
		if (c->pos >= c->len)
			return c->pos >= X86_INSN_MAX_LEN ?
			    X86_DECODE_TOOLONG : X86_DECODE_NEED_MORE;
		b = c->bytes[c->pos];
		switch (b) {
		case 0xf0:
			insn->prefixes |= X86_PFX_LOCK;
			break;
		case 0xf2:
			insn->prefixes = (insn->prefixes & ~X86_PFX_REP) | X86_PFX_REPNE;
			break;
		case 0xf3:
			insn->prefixes = (insn->prefixes & ~X86_PFX_REPNE) | X86_PFX_REP;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			/*
			 * APM Vol.3 1.2.4: in 64-bit mode these are null
			 * prefixes; they do not cancel an FS/GS override.
			 */
			if (insn->mode != X86_MODE_LONG64)
				insn->seg_override = (uint8_t)segpfx[(b >> 3) & 3];
			break;
		case 0x64:
			insn->seg_override = X86_SEG_FS;
			break;
		case 0x65:
			insn->seg_override = X86_SEG_GS;
			break;
		case 0x66:
			insn->prefixes |= X86_PFX_OPSIZE;
			break;
		case 0x67:
			insn->prefixes |= X86_PFX_ADSIZE;
			break;
		default:
			if (insn->mode == X86_MODE_LONG64 && (b & 0xf0) == 0x40) {
				insn->rex = b;
				break;
			}
			return X86_DECODE_OK;
		}
		if (b < 0x40 || b > 0x4f)
			insn->rex = 0;
		if ((ret = x86_decode_next(c, &b)) != X86_DECODE_OK)
			return ret;
	}
}

/* Default and effective operand and address sizes (SDM Vol.2 Table 3-4). */
static void
x86_decode_sizes(struct x86_insn *insn, uint16_t flags)
{
	bool o16 = insn->prefixes & X86_PFX_OPSIZE;
	bool a16 = insn->prefixes & X86_PFX_ADSIZE;

	switch (insn->mode) {
	case X86_MODE_LONG64:
		insn->addrsize = a16 ? 4 : 8;
		insn->opsize = (insn->rex & X86_REX_W) ? 8 : o16 ? 2 : 4;
		break;
	case X86_MODE_PROT32:
		insn->addrsize = a16 ? 2 : 4;
		insn->opsize = o16 ? 2 : 4;
		break;
	default:
		insn->addrsize = a16 ? 4 : 2;
		insn->opsize = o16 ? 4 : 2;
		break;
	}
	if ((flags & X86_F_IO) && insn->opsize == 8)
		insn->opsize = 4;       /* REX.W has no effect on port I/O */
	if (flags & X86_F_BYTE)
		insn->opsize = 1;
}

/* 16-bit ModRM memory forms (SDM Vol.2 Table 2-1). */
static const int8_t x86_modrm16_base[8] = {
	X86_GPR_RBX, X86_GPR_RBX, X86_GPR_RBP, X86_GPR_RBP,
	X86_GPR_RSI, X86_GPR_RDI, X86_GPR_RBP, X86_GPR_RBX,
};
static const int8_t x86_modrm16_index[8] = {
	X86_GPR_RSI, X86_GPR_RDI, X86_GPR_RSI, X86_GPR_RDI,
	X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
};

/*
 * ModRM, SIB and displacement (SDM Vol.2 2.1.5, Tables 2-1..2-3; 2.2.1.6
 * for RIP-relative). Fills the register operand and the memory operand,
 * including its default segment: SS for rBP/rSP bases (and BP in 16-bit
 * forms), DS otherwise.
 */
static int
x86_decode_modrm(struct x86_cursor *c, struct x86_insn *insn)
{
	unsigned mod, reg, rm;
	uint8_t sib;
	int64_t disp = 0;
	unsigned dispsize = 0;
	bool ss = false;
	int ret;

	if ((ret = x86_decode_next(c, &insn->modrm)) != X86_DECODE_OK)
		return ret;
	mod = (unsigned)SHIFTOUT(insn->modrm, X86_MODRM_MOD);
	reg = (unsigned)SHIFTOUT(insn->modrm, X86_MODRM_REG);
	rm = (unsigned)SHIFTOUT(insn->modrm, X86_MODRM_RM);

	insn->reg = (int8_t)(reg | ((insn->rex & X86_REX_R) ? 8 : 0));
	insn->reg_high8 = insn->rex == 0 && reg >= 4;

	insn->mem.base = X86_REG_NONE;
	insn->mem.index = X86_REG_NONE;
	insn->mem.scale = 1;

	if (mod == 3) {
		insn->rm_reg = (int8_t)(rm | ((insn->rex & X86_REX_B) ? 8 : 0));
		insn->rm_high8 = insn->rex == 0 && rm >= 4;
		return X86_DECODE_OK;
	}
	insn->has_mem = true;

	if (insn->addrsize == 2) {
		if (mod == 0 && rm == 6) {
			dispsize = 2;
		} else {
			insn->mem.base = x86_modrm16_base[rm];
			insn->mem.index = x86_modrm16_index[rm];
			ss = insn->mem.base == X86_GPR_RBP;
			dispsize = mod == 1 ? 1 : mod == 2 ? 2 : 0;
		}
	} else {
		if (rm == 4) {
			unsigned idx, base;

			if ((ret = x86_decode_next(c, &sib)) != X86_DECODE_OK)
				return ret;
			idx = (unsigned)SHIFTOUT(sib, X86_SIB_INDEX) |
			    ((insn->rex & X86_REX_X) ? 8 : 0);
			base = (unsigned)SHIFTOUT(sib, X86_SIB_BASE) |
			    ((insn->rex & X86_REX_B) ? 8 : 0);
			if (idx != 4) {
				insn->mem.index = (int8_t)idx;
				insn->mem.scale =
				    (uint8_t)(1u << SHIFTOUT(sib, X86_SIB_SCALE));
			}
			if (SHIFTOUT(sib, X86_SIB_BASE) == 5 && mod == 0) {
				dispsize = 4;   /* no base, disp32 */
			} else {
				insn->mem.base = (int8_t)base;
			}
		} else if (rm == 5 && mod == 0) {
			dispsize = 4;
			if (insn->mode == X86_MODE_LONG64)
				insn->mem.base = X86_REG_RIP;
		} else {
			insn->mem.base = (int8_t)(rm | ((insn->rex & X86_REX_B) ? 8 : 0));
		}
		if (mod == 1)
			dispsize = 1;
		else if (mod == 2)
			dispsize = 4;
		ss = insn->mem.base == X86_GPR_RSP || insn->mem.base == X86_GPR_RBP;
	}
	if (dispsize && (ret = x86_decode_sval(c, dispsize, &disp)) != X86_DECODE_OK)
		return ret;
	insn->mem.disp = disp;
	insn->mem.seg = ss ? X86_SEG_SS : X86_SEG_DS;
	return X86_DECODE_OK;
}

/* Immediate per the row flags (SDM Vol.2 2.1.6). */
static int
x86_decode_imm(struct x86_cursor *c, struct x86_insn *insn, uint16_t flags)
{
	int64_t v;
	int ret;

	if (flags & (X86_F_IMM8 | X86_F_IMM8U))
		insn->immsize = 1;
	else if (flags & X86_F_IMMZ)
		insn->immsize = insn->opsize == 2 ? 2 : insn->opsize == 1 ? 1 : 4;
	else
		return X86_DECODE_OK;
	if ((ret = x86_decode_sval(c, insn->immsize, &v)) != X86_DECODE_OK)
		return ret;
	if (flags & X86_F_IMM8U)
		v &= 0xff;
	insn->has_imm = true;
	insn->imm = (uint64_t)v;
	return X86_DECODE_OK;
}

/* Memory offset of A0-A3: addrsize bytes, no ModRM (SDM Vol.2 2.2.1.4). */
static int
x86_decode_moffs(struct x86_cursor *c, struct x86_insn *insn)
{
	int ret;

	insn->has_mem = true;
	insn->mem.base = X86_REG_NONE;
	insn->mem.index = X86_REG_NONE;
	insn->mem.scale = 1;
	insn->mem.seg = X86_SEG_DS;
	if ((ret = x86_decode_sval(c, insn->addrsize, &insn->mem.disp)) != X86_DECODE_OK)
		return ret;
	insn->reg = X86_GPR_RAX;
	return X86_DECODE_OK;
}

/* ------------------------------------------------------------------------ */

/*
 * The opcode: one byte, or 0F and a second byte; its row (the SSE moves
 * are a table of their own, x86_sse_rows) and, for a group, the member
 * chosen by ModRM.reg, peeked at without consuming it. Fills insn->op,
 * enc, opcode and two_byte, *flags and *sse (NULL unless an SSE move).
 */
static int
x86_decode_opcode(struct x86_cursor *c, struct x86_insn *insn,
    uint16_t *flags, const struct x86_sse_row **sse)
{
	const struct x86_opcode *row, *g;
	uint8_t b;
	int ret;

	*sse = NULL;
	if ((ret = x86_decode_next(c, &b)) != X86_DECODE_OK)
		return ret;
	if (b == 0x0f) {
		insn->two_byte = true;
		if ((ret = x86_decode_next(c, &b)) != X86_DECODE_OK)
			return ret;
		row = &x86_opcodes_0f[b];
	} else {
		row = &x86_opcodes_1b[b];
	}
	insn->opcode = b;
	*flags = row->flags;
	if (row->op == X86_OP_NONE && !(*flags & X86_F_GROUP)) {
		if (!insn->two_byte || (*sse = x86_decode_sse_row(insn, b)) == NULL)
			return X86_DECODE_UNSUPPORTED;
		*flags = X86_F_MODRM | X86_F_MEMONLY;
	}
	if ((*flags & X86_F_64ONLY) && insn->mode != X86_MODE_LONG64)
		return X86_DECODE_UNSUPPORTED;
	if ((*flags & X86_F_NOPFX) &&
	    (insn->prefixes & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE)))
		return X86_DECODE_UNSUPPORTED;
	insn->op = row->op;
	insn->enc = row->enc;
	if (*sse != NULL) {
		insn->op = X86_OP_SSE_MOV;
		insn->enc = (*sse)->store ? X86_ENC_MR : X86_ENC_RM;
	}
	if (!(*flags & X86_F_GROUP))
		return X86_DECODE_OK;

	/* The group member depends on ModRM.reg: peek at it before sizing. */
	if (c->pos >= c->len)
		return c->pos >= X86_INSN_MAX_LEN ?
		    X86_DECODE_TOOLONG : X86_DECODE_NEED_MORE;
	g = &x86_groups[row->group][SHIFTOUT(c->bytes[c->pos], X86_MODRM_REG)];
	if (g->flags & X86_F_INVALID)
		return X86_DECODE_INVALID;
	if (g->op == X86_OP_NONE)
		return X86_DECODE_UNSUPPORTED;
	insn->op = g->op;
	insn->enc = g->enc;
	*flags |= g->flags;
	if (row->group == X86_GRP_15 &&
	    (insn->prefixes & (X86_PFX_REP | X86_PFX_REPNE)))
		return X86_DECODE_UNSUPPORTED;
	return X86_DECODE_OK;
}

/* The operands: sizes, then ModRM (or moffs) and the immediate. */
static int
x86_decode_operands(struct x86_cursor *c, struct x86_insn *insn,
    uint16_t flags)
{
	int ret;

	x86_decode_sizes(insn, flags);
	if (flags & X86_F_MODRM) {
		if ((ret = x86_decode_modrm(c, insn)) != X86_DECODE_OK)
			return ret;
		if ((flags & X86_F_MEMONLY) && !insn->has_mem)
			return X86_DECODE_UNSUPPORTED;
	} else if (insn->enc == X86_ENC_FD || insn->enc == X86_ENC_TD) {
		if ((ret = x86_decode_moffs(c, insn)) != X86_DECODE_OK)
			return ret;
		insn->reg_high8 = false;
	}
	return x86_decode_imm(c, insn, flags);
}

/*
 * The access size at the memory operand where it differs from the
 * operand size, and the forms whose sizes follow their own rules.
 */
static int
x86_decode_memsize(struct x86_insn *insn, uint16_t flags,
    const struct x86_sse_row *sse)
{
	insn->memsize = insn->opsize;
	if (flags & X86_F_MX8)
		insn->memsize = 1;
	else if (flags & X86_F_MX16)
		insn->memsize = 2;
	else if (flags & X86_F_MX32)
		insn->memsize = 4;
	if (insn->op == X86_OP_MOVSXD && insn->opsize == 2) {
		/*
		 * 66 63: the SDM says r16, r/m16, decoders read m32; the
		 * access size is uncertain, so this form is left out.
		 */
		return X86_DECODE_UNSUPPORTED;
	}
	if (insn->op == X86_OP_MOVNTI) {
		/* MOVNTI m32/m64, r32/r64: no 16-bit form (SDM Vol.2 MOVNTI). */
		insn->memsize = (insn->rex & X86_REX_W) ? 8 : 4;
	}
	if (sse != NULL) {
		/* The register operand is an XMM register; sizes are access sizes. */
		insn->reg_high8 = false;
		insn->opsize = insn->memsize =
		    (sse->w8 && (insn->rex & X86_REX_W)) ? 8 : sse->size;
		insn->align16 = sse->align16;
	}
	if (insn->op == X86_OP_CLFLUSH) {
		/* m8; 66 is CLFLUSHOPT's mandatory prefix, not an opsize override. */
		insn->memsize = 1;
		if (insn->prefixes & X86_PFX_OPSIZE) {
			insn->prefixes &= (uint8_t)~X86_PFX_OPSIZE;
			x86_decode_sizes(insn, flags);
			insn->prefixes |= X86_PFX_OPSIZE;
		}
	}
	return X86_DECODE_OK;
}

/*
 * The MMIO instruction met most (a driver's readl/writel): MOV between a
 * general register and r/m (88-8B), with no prefix but, in 64-bit mode,
 * one REX. Decoded with the same steps as the table-driven path
 * (x86_decode_sizes, x86_decode_modrm) and to the same struct x86_insn,
 * without the prefix loop, the table rows and the checks that cannot
 * apply to it (no immediate, memsize = opsize, no LOCK, no segment
 * override). Returns -1, with insn untouched, for anything else.
 */
static int
x86_decode_mov(const uint8_t *bytes, size_t len, struct x86_insn *insn)
{
	struct x86_cursor c = { .bytes = bytes, .len = len, .pos = 0 };
	uint8_t rex = 0, b;
	int ret;

	if (len < 2)
		return -1;
	b = bytes[0];
	if (insn->mode == X86_MODE_LONG64 && (b & 0xf0) == 0x40) {
		rex = b;
		b = bytes[1];
		c.pos = 1;
	}
	if ((b & 0xfc) != 0x88)
		return -1;
	c.pos++;
	insn->rex = rex;
	insn->opcode = b;
	insn->op = X86_OP_MOV;
	insn->enc = (b & 2) ? X86_ENC_RM : X86_ENC_MR;
	x86_decode_sizes(insn, (b & 1) ? 0 : X86_F_BYTE);
	if ((ret = x86_decode_modrm(&c, insn)) != X86_DECODE_OK)
		return ret;
	insn->memsize = insn->opsize;
	insn->len = (uint8_t)c.pos;
	return X86_DECODE_OK;
}

/* The decoded instruction before the first byte (one assignment, no REP STOSB). */
static void
x86_decode_init(struct x86_insn *insn, unsigned cpu_mode)
{
	*insn = (struct x86_insn){
		.mode = (uint8_t)(cpu_mode <= X86_MODE_LONG64 ? cpu_mode : X86_MODE_LONG64),
		.seg_override = X86_SEG_COUNT,
		.reg = -1,
		.rm_reg = -1,
		.mem = { .base = X86_REG_NONE, .index = X86_REG_NONE, .scale = 1,
			 .seg = X86_SEG_DS },
	};
}

/* The table-driven decoder, on insn as x86_decode_init left it. */
static int
x86_decode_tables(const uint8_t *bytes, size_t len, struct x86_insn *insn)
{
	struct x86_cursor c = { .bytes = bytes, .len = len, .pos = 0 };
	const struct x86_sse_row *sse;
	uint16_t flags;
	int ret;

	if ((ret = x86_decode_prefixes(&c, insn)) != X86_DECODE_OK ||
	    (ret = x86_decode_opcode(&c, insn, &flags, &sse)) != X86_DECODE_OK ||
	    (ret = x86_decode_operands(&c, insn, flags)) != X86_DECODE_OK ||
	    (ret = x86_decode_memsize(insn, flags, sse)) != X86_DECODE_OK)
		return ret;

	/* SDM Vol.2 2.1.1: LOCK only on read-modify-write memory forms. */
	if ((insn->prefixes & X86_PFX_LOCK) &&
	    (!(flags & X86_F_LOCK) || !insn->has_mem ||
	     (insn->enc != X86_ENC_MR && insn->enc != X86_ENC_MI &&
	      insn->enc != X86_ENC_M)))
		return X86_DECODE_INVALID;

	/*
	 * Effective segment of the memory operand, or of the source of a
	 * string instruction. SDM Vol.1 3.3.7.1 / APM Vol.2 4.5.3: in 64-bit
	 * mode only FS and GS overrides take effect.
	 */
	if (insn->seg_override != X86_SEG_COUNT) {
		if (insn->mode != X86_MODE_LONG64 ||
		    insn->seg_override == X86_SEG_FS ||
		    insn->seg_override == X86_SEG_GS) {
			insn->prefixes |= X86_PFX_SEG;
			insn->mem.seg = insn->seg_override;
		}
	}
	insn->len = (uint8_t)c.pos;
	return X86_DECODE_OK;
}

int
x86_decode(const uint8_t *bytes, size_t len, unsigned cpu_mode,
    struct x86_insn *insn)
{
	int ret;

	x86_decode_init(insn, cpu_mode);
	ret = x86_decode_mov(bytes, len, insn);
	return ret >= 0 ? ret : x86_decode_tables(bytes, len, insn);
}

int
x86_decode_full(const uint8_t *bytes, size_t len, unsigned cpu_mode,
    struct x86_insn *insn)
{
	x86_decode_init(insn, cpu_mode);
	return x86_decode_tables(bytes, len, insn);
}
