/*
 * x86_decode.c - table-driven decoder for the instructions the assist
 * library emulates (SDM Vol.2 chapter 2, APM Vol.3 chapter 1).
 *
 * Limits (each is reported as X86_DECODE_UNSUPPORTED, never guessed):
 *  - only the opcodes in x86_opcodes_1b / x86_opcodes_0f and the SSE moves
 *    of x86_sse_rows (all in x86_decode_tables.c); anything else is
 *    unsupported. No VEX/EVEX/XOP, no x87, no MMX.
 *  - 82 (the 32-bit-only alias of 80), F6/F7 /1 (TEST alias) and 0F BA
 *    with a mandatory-looking F2/F3 are left out.
 *  - 63 outside 64-bit mode is ARPL: unsupported; 66 63 (MOVSXD with a
 *    16-bit operand) too, as manuals and decoders disagree on its size.
 * Returns X86_DECODE_INVALID (#UD) for LOCK on a form that does not allow
 * it and for undefined group members (FE /2-7, FF /7, 0F BA /0-3), and
 * X86_DECODE_TOOLONG (#GP(0)) for instructions longer than 15 bytes.
 */
#include "x86_decode_priv.h"
#include "x86_le.h"

/* ModRM and SIB fields (SDM Vol.2 2.1.5, Figure 2-1). */
#define X86_MODRM_MOD BITS(7, 6)
#define X86_MODRM_REG BITS(5, 3)
#define X86_MODRM_RM  BITS(2, 0)
#define X86_SIB_SCALE BITS(7, 6)
#define X86_SIB_INDEX BITS(5, 3)
#define X86_SIB_BASE  BITS(2, 0)

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
