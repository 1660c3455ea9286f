/*
 * x86_decode_tables.c - the decoder's opcode tables: the one-byte and
 * two-byte (0F xx) opcode maps indexed by the opcode byte, the group
 * members by ModRM.reg, the SSE moves by opcode and mandatory prefix, and
 * the operation names for logs. Only data and lookups: the decoding
 * steps that read them are in x86_decode.c (the limits of what is listed
 * are in its header comment).
 *
 * References: Intel SDM Vol.2 Appendix A (Tables) and the
 * instruction pages cited at the rows; AMD APM Vol.3 Appendix A.
 */
#include "x86_decode_priv.h"

#define X86_ALU_ROWS(base, o)                                                  \
	[(base) + 0] = { o, X86_ENC_MR, 0, X86_F_MODRM | X86_F_BYTE | X86_F_LOCK }, \
	[(base) + 1] = { o, X86_ENC_MR, 0, X86_F_MODRM | X86_F_LOCK },             \
	[(base) + 2] = { o, X86_ENC_RM, 0, X86_F_MODRM | X86_F_BYTE },             \
	[(base) + 3] = { o, X86_ENC_RM, 0, X86_F_MODRM }

/* One-byte opcode map (SDM Vol.2 Table A-2). */
const struct x86_opcode x86_opcodes_1b[256] = {
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
const struct x86_opcode x86_opcodes_0f[256] = {
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
const struct x86_opcode x86_groups[X86_GRP_COUNT][8] = {
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

/* The SSE moves (struct x86_sse_row in x86_decode_priv.h says why). */
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
const struct x86_sse_row *
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
