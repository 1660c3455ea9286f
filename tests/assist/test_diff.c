/*
 * test_diff.c - differential test of the Mem Assist against the host CPU.
 *
 * Every form of diff_forms.c (ALU/MOV/BT/MOVZX/MOVSX/MOVNTI/XCHG with a
 * memory operand at every size, MOV moffs, the string instructions with
 * and without REP/REPE/REPNE, the SSE moves) runs with random registers,
 * memory and flags twice: natively on the host CPU on a buffer
 * (diff_native.c), and through x86_assist_mem on the fake MMIO device of
 * assist_harness.h. GPRs, XMM registers, arithmetic flags (not those the
 * SDM leaves undefined) and the buffer must come out the same.
 *
 * Each run draws how the operand is addressed:
 *  - CPU mode: 64-bit, or 32-bit in the process's 32-bit code segment
 *    (diff_native.h), for every form that exists there;
 *  - address size: 64-bit mode 64 or 32 (67); 32-bit mode 32 or 16 (67),
 *    with garbage above the address size in the registers;
 *  - ModRM forms: [base], [base+disp8/32], SIB [base+index*scale+disp],
 *    SIB without base [index*scale+disp32], RIP-relative (64-bit mode),
 *    [disp32], and all eight 16-bit forms; base and index from every
 *    register but rSP (r12/r13 and rBP included), with REX.B/REX.X;
 *  - segment override: FS/GS (their bases differ from DS), in 32-bit mode
 *    also ES, CS (reads), SS, DS; in 64-bit mode the null prefixes 26, 2E,
 *    36, 3E, which must be ignored;
 *  - REP counts up to past X86_EMUL_REP_BATCH, DF both ways; the emulated
 *    REP is re-run until RIP moves on, as the guest would.
 * The native and emulated addresses point into their buffers at the same
 * offset. In 32-bit mode every emulated segment base is the native one
 * plus (device - native buffer), so the registers are the same in both
 * runs; in 64-bit mode DS/ES/SS have no base and the registers (or the
 * displacement) that hold an address differ: a register whose input
 * differs is compared by how much it moved. In 32-bit mode only the low
 * 32 bits of eight registers are compared (the rest is undefined after a
 * return to 64-bit mode).
 *
 * Deterministic: the PRNG seed is printed and can be given as argv[1];
 * argv[2] scales the runs per form and mode. A failure prints the bytes,
 * the inputs and both outcomes.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "assist_harness.h"
#include "diff_forms.h"
#include "diff_native.h"
#include "x86_emul.h"         /* X86_EMUL_REP_BATCH */

#define DIFF_DEV   0x100        /* the buffer's offset inside the device */
#define DIFF_E     (AH_DEV_BASE + DIFF_DEV)
#define DIFF_TOFF  512          /* ModRM/moffs operands are accessed here */

#define ARITH X86_RFLAGS_ARITH

/* What the runs exercised, for the coverage checks at the end. */
enum {
	COV_M32, COV_A16, COV_A32IN64, COV_SIB, COV_NOBASE, COV_RIP,
	COV_FS, COV_GS, COV_NULLPFX, COV_SEG32, COV_REP, COV_REPBATCH,
	COV_HIGHREG, COV_COUNT
};
static const char *const diff_cov_name[COV_COUNT] = {
	"32-bit code segment", "16-bit addressing", "32-bit addressing in 64-bit mode",
	"SIB", "SIB without base", "RIP-relative", "FS override", "GS override",
	"null segment prefix in 64-bit mode", "ES/CS/SS/DS override in 32-bit mode",
	"REP with a count", "REP past one batch", "r8-r15 as base or index",
};
static unsigned long diff_cov[COV_COUNT];

/* ------------------------------------------------------------------------ */
/* PRNG: xorshift64* (deterministic, seed printed).                          */

static uint64_t diff_seed, diff_state;

static uint64_t
diff_rand(void)
{
	diff_state ^= diff_state >> 12;
	diff_state ^= diff_state << 25;
	diff_state ^= diff_state >> 27;
	return diff_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t
diff_rand_val(void)
{
	switch (diff_rand() % 8) {
	case 0: return 0;
	case 1: return ~0ULL;
	case 2: return 0x8000000000000000ULL >> (8 * (diff_rand() % 8));
	case 3: return (0x8000000000000000ULL >> (8 * (diff_rand() % 8))) - 1;
	case 4: return diff_rand() & 0xff;
	default: return diff_rand();
	}
}

/* ------------------------------------------------------------------------ */
/* One run: how the operand is addressed, in both worlds                    */

struct diff_run {
	const struct diff_form *f;
	enum diff_mode mode;
	unsigned as;            /* address size in bytes */
	uint8_t segpfx;         /* segment prefix byte, 0: none */
	unsigned seg;           /* effective segment of the operand / source */
	unsigned reg;           /* ModRM.reg register (GPR or XMM) */
	bool rex;               /* force a REX prefix (BPL instead of CH) */
	/* ModRM forms */
	uint8_t modrm, sib;
	bool has_sib;
	unsigned dispsize;
	int base, index;        /* GPR, -1 none; base -2: RIP */
	unsigned scale;
	int64_t disp[2];        /* native, emulated */
	uint64_t moffs[2];      /* MOFFS forms */
	uint64_t toff;          /* buffer offset of the ModRM operand */
	/* inputs: [0] native, [1] emulated */
	uint64_t gpr[2][16];
	uint64_t rflags;
	uint8_t xmm[16][16];
	uint8_t mem[DIFF_NBUF];
	uint8_t insn[2][16];
	size_t len;
};

static struct diff_native diff_nat;
static struct x86_machine diff_m;
static unsigned long diff_runs, diff_fails;

/* Base of segment seg for a run: [0] native, [1] emulated (see the top). */
static uint64_t
diff_segbase(const struct diff_run *r, unsigned seg, int side)
{
	uint64_t n = (uint64_t)(uintptr_t)diff_nat.buf, b = 0;
	int64_t off = 0;

	if (seg == X86_SEG_FS)
		off = DIFF_FS_OFF;
	else if (seg == X86_SEG_GS)
		off = DIFF_GS_OFF;
	else if (r->mode == DIFF_M32 && diff_nat.ldt && seg == X86_SEG_DS)
		off = DIFF_DS_OFF;
	else if (r->mode == DIFF_M32 && diff_nat.ldt && seg == X86_SEG_ES)
		off = DIFF_ES_OFF;
	else if (r->mode == DIFF_M32 && side)
		return (DIFF_E - n) & 0xffffffff;       /* flat natively */
	else
		return 0;
	b = (side ? DIFF_E : n) + (uint64_t)off;
	return r->mode == DIFF_M32 ? b & 0xffffffff : b;
}

/*
 * The effective address (offset in segment seg) that reaches buffer
 * offset off, on side 0 (native) or 1 (emulated), truncated to the
 * address size.
 */
static uint64_t
diff_ea(const struct diff_run *r, unsigned seg, uint64_t off, int side)
{
	uint64_t buf = side ? DIFF_E : (uint64_t)(uintptr_t)diff_nat.buf;

	return (buf + off - diff_segbase(r, seg, side)) & x86_size_mask(r->as);
}

/* A register value whose low as bytes are v, with garbage above them. */
static uint64_t
diff_reg_val(const struct diff_run *r, uint64_t v, uint64_t garbage)
{
	uint64_t m = x86_size_mask(r->as);

	return (v & m) | (garbage & ~m);
}

/*
 * Is GPR g (part of) the ModRM.reg register operand? A byte operand 4-7
 * is AH/CH/DH/BH (bits 15:8 of 0-3) without REX and SPL/BPL/SIL/DIL with
 * it; both are excluded, as REX depends on the registers still to pick.
 */
static bool
diff_is_regop(const struct diff_run *r, int g)
{
	bool byte = r->f->size == 1 && r->f->opc[0] != 0x0f;

	if (r->f->sub >= 0 || r->f->sse || r->f->kind != DIFF_MODRM)
		return false;
	return g == (int)r->reg || (byte && r->reg >= 4 && r->reg < 8 &&
	    g == (int)r->reg - 4);
}

/* Pick a register for an address: not rSP, not the ModRM.reg operand. */
static int
diff_pick_areg(const struct diff_run *r, int other)
{
	unsigned n = r->mode == DIFF_M64 ? 16 : 8;
	int g;

	do {
		g = (int)(diff_rand() % n);
	} while (g == X86_GPR_RSP || g == other || diff_is_regop(r, g));
	return g;
}

/* 16-bit forms (SDM Vol.2 Table 2-1): base and index of each rm. */
static const int8_t diff_rm16_base[8] = { 3, 3, 5, 5, 6, 7, 5, 3 };
static const int8_t diff_rm16_index[8] = { 6, 7, 6, 7, -1, -1, -1, -1 };

/* Choose a 16-bit ModRM form whose registers do not hold the reg operand. */
static void
diff_modrm16(struct diff_run *r)
{
	bool regop = true;
	unsigned mod, rm;

	do {
		mod = (unsigned)(diff_rand() % 3);
		rm = (unsigned)(diff_rand() % 8);
	} while (regop && (diff_is_regop(r, diff_rm16_base[rm]) ||
	    diff_is_regop(r, diff_rm16_index[rm])) && !(mod == 0 && rm == 6));
	r->modrm = (uint8_t)((mod << 6) | rm);
	if (mod == 0 && rm == 6) {
		r->base = r->index = -1;
		r->dispsize = 2;
	} else {
		r->base = diff_rm16_base[rm];
		r->index = diff_rm16_index[rm];
		r->dispsize = mod == 1 ? 1 : mod == 2 ? 2 : 0;
	}
	r->scale = 1;
	if (r->base == X86_GPR_RBP && r->seg == X86_SEG_DS && !r->segpfx)
		r->seg = X86_SEG_SS;
	diff_cov[COV_A16]++;
}

/* Choose a 32/64-bit ModRM form (SDM Vol.2 Tables 2-2, 2-3; 2.2.1.6). */
static void
diff_modrm3264(struct diff_run *r)
{
	unsigned kind = (unsigned)(diff_rand() % 8), mod;

	r->base = r->index = -1;
	r->scale = 1;
	r->has_sib = false;
	if (kind == 7 && r->mode != DIFF_M64)
		kind = 6;
	if (kind == 6) {                        /* [disp32] or RIP-relative */
		r->modrm = 0x05;
		r->dispsize = 4;
		if (r->mode == DIFF_M64) {
			r->base = -2;
			diff_cov[COV_RIP]++;
		}
		return;
	}
	if (kind == 5 || kind == 7) {           /* SIB, no base: [index*s + disp32] */
		r->has_sib = true;
		r->modrm = 0x04;
		r->dispsize = 4;
		r->index = diff_rand() % 4 ? diff_pick_areg(r, -1) : -1;
		r->scale = 1u << (diff_rand() % 4);
		r->sib = (uint8_t)(((r->scale == 1 ? 0 : r->scale == 2 ? 1 :
		    r->scale == 4 ? 2 : 3) << 6) |
		    ((r->index < 0 ? 4 : r->index & 7) << 3) | 5);
		diff_cov[COV_NOBASE]++;
		return;
	}
	mod = kind % 3;                         /* 0, disp8, disp32 */
	r->dispsize = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	do {
		r->base = diff_pick_areg(r, -1);
	} while (mod == 0 && (r->base & 7) == 5);       /* that is [disp32] */
	if (kind >= 3 || (r->base & 7) == 4) {  /* SIB (r12 needs one) */
		r->has_sib = true;
		r->index = diff_rand() % 4 ? diff_pick_areg(r, r->base) : -1;
		r->scale = 1u << (diff_rand() % 4);
		r->sib = (uint8_t)(((r->scale == 1 ? 0 : r->scale == 2 ? 1 :
		    r->scale == 4 ? 2 : 3) << 6) |
		    ((r->index < 0 ? 4 : r->index & 7) << 3) | (r->base & 7));
		r->modrm = (uint8_t)((mod << 6) | 4);
		diff_cov[COV_SIB]++;
	} else {
		r->modrm = (uint8_t)((mod << 6) | (r->base & 7));
	}
	if (r->base == X86_GPR_RBP && r->seg == X86_SEG_DS && !r->segpfx)
		r->seg = X86_SEG_SS;            /* SDM Vol.1 3.7.4: rBP base: SS */
	if (r->base >= 8 || r->index >= 8)
		diff_cov[COV_HIGHREG]++;
}

/*
 * Segment override of a run: 64-bit mode FS, GS or a null prefix (26,
 * 2E, 36, 3E: ignored); 32-bit mode any segment, but CS only for a read
 * and FS/GS only with the LDT segments. Sets segpfx and seg.
 */
static void
diff_pick_seg(struct diff_run *r)
{
	static const uint8_t pfx[X86_SEG_COUNT] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
	unsigned s;

	r->segpfx = 0;
	r->seg = X86_SEG_DS;
	if (diff_rand() % 2 || (r->f->kind == DIFF_STRING &&
	    (r->f->opc[0] & 0xfe) == 0xaa) || (r->f->opc[0] & 0xfe) == 0xae)
		return;         /* STOS/SCAS have no overridable operand */
	s = (unsigned)(diff_rand() % X86_SEG_COUNT);
	if (r->mode == DIFF_M64) {
		r->segpfx = pfx[s];
		if (s == X86_SEG_FS || s == X86_SEG_GS)
			r->seg = s;
		else
			diff_cov[COV_NULLPFX]++;
	} else {
		if ((s == X86_SEG_CS && r->f->writes) ||
		    ((s == X86_SEG_FS || s == X86_SEG_GS) && !diff_nat.ldt))
			return;
		r->segpfx = pfx[s];
		r->seg = s;
		if (s < X86_SEG_FS)
			diff_cov[COV_SEG32]++;
	}
	if (r->seg == X86_SEG_FS)
		diff_cov[COV_FS]++;
	if (r->seg == X86_SEG_GS)
		diff_cov[COV_GS]++;
}

/* Encode the run for side 0 (native) or 1 (emulated) into r->insn[side]. */
static size_t
diff_encode(struct diff_run *r, int side, const uint8_t *imm)
{
	const struct diff_form *f = r->f;
	uint8_t *p = r->insn[side];
	size_t n = 0;
	unsigned rex = 0;
	bool a67 = r->as != (r->mode == DIFF_M64 ? 8u : 4u);

	if (r->segpfx)
		p[n++] = r->segpfx;
	if (a67)
		p[n++] = 0x67;
	if (f->rep)
		p[n++] = f->rep;
	if (f->sse && f->mpfx)
		p[n++] = f->mpfx;
	else if (!f->sse && f->size == 2)
		p[n++] = 0x66;
	if (r->mode == DIFF_M64) {
		if ((f->size == 8 && !f->sse) || f->rexw)
			rex |= 8;
		if (f->kind == DIFF_MODRM && f->sub < 0 && r->reg >= 8)
			rex |= 4;
		if (r->index >= 8)
			rex |= 2;
		if (r->base >= 8)
			rex |= 1;
		if (rex || r->rex)
			p[n++] = (uint8_t)(0x40 | rex);
	}
	for (unsigned i = 0; i < f->nopc; i++)
		p[n++] = f->opc[i];
	if (f->kind == DIFF_MOFFS) {
		for (unsigned i = 0; i < r->as; i++)
			p[n++] = (uint8_t)(r->moffs[side] >> (8 * i));
	} else if (f->kind == DIFF_MODRM) {
		unsigned regf = f->sub >= 0 ? (unsigned)f->sub : r->reg;

		p[n++] = (uint8_t)(r->modrm | ((regf & 7) << 3));
		if (r->has_sib)
			p[n++] = r->sib;
		for (unsigned i = 0; i < r->dispsize; i++)
			p[n++] = (uint8_t)((uint64_t)r->disp[side] >> (8 * i));
	}
	for (unsigned i = 0; i < f->immsize; i++)
		p[n++] = imm[i];
	return n;
}

/*
 * Solve the memory operand for both sides: index and displacement drawn
 * at random, the base (or, without one, the displacement) set so that
 * the address is buffer offset off. RIP-relative displacements need the
 * instruction's address and length: native_ip is where the native stub
 * put it (0 before the stub exists).
 */
static void
diff_solve_modrm(struct diff_run *r, uint64_t off, uint64_t native_ip)
{
	uint64_t m = x86_size_mask(r->as), idx = 0, garbage = diff_rand();
	int64_t dmin, span;

	if (r->index >= 0) {
		idx = diff_rand() % 64;
		for (int s = 0; s < 2; s++)
			r->gpr[s][r->index] = diff_reg_val(r, idx, garbage);
		garbage = diff_rand();
	}
	span = r->dispsize == 1 ? 256 : 1 << 20;
	dmin = r->dispsize == 1 ? -128 : -(1 << 19);
	for (int s = 0; s < 2; s++) {
		uint64_t ea = diff_ea(r, r->seg, off, s);

		if (r->base == -2) {            /* RIP-relative */
			uint64_t next = s ? AH_CODE + r->len : native_ip + r->len;

			r->disp[s] = (int64_t)(ea - (next & m)) & (int64_t)m;
			r->disp[s] = (int32_t)r->disp[s];
		} else if (r->base < 0) {       /* no base: the displacement */
			r->disp[s] = (int64_t)((ea - idx * r->scale) & m);
			if (r->dispsize == 4)
				r->disp[s] = (int32_t)r->disp[s];
			else if (r->dispsize == 2)
				r->disp[s] = (int16_t)r->disp[s];
		} else {
			if (s == 0)
				r->disp[0] = r->dispsize ?
				    dmin + (int64_t)(diff_rand() % (uint64_t)span) : 0;
			r->disp[1] = r->disp[0];
			r->gpr[s][r->base] = diff_reg_val(r,
			    ea - idx * r->scale - (uint64_t)r->disp[s], garbage);
		}
	}
}

/*
 * String operands: rSI (source, seg) and rDI (ES) at buffer offsets
 * chosen so that cnt elements in direction DF stay inside their halves
 * of the buffer (source below DIFF_NBUF/2, destination above); rCX the
 * count. Registers keep garbage above the address size.
 */
static void
diff_solve_string(struct diff_run *r, bool down)
{
	unsigned sz = r->f->size, half = DIFF_NBUF / 2;
	uint64_t cnt = 1, soff, doff, g = diff_rand();

	if (r->f->rep) {
		uint64_t max = (half - 32) / sz;

		cnt = diff_rand() % 4 == 0 ? diff_rand() % 4 : diff_rand() % (max + 1);
		if (cnt > 0)
			diff_cov[COV_REP]++;
		if (cnt > X86_EMUL_REP_BATCH)
			diff_cov[COV_REPBATCH]++;
	}
	soff = down ? half - sz - diff_rand() % 16 : diff_rand() % 16;
	doff = down ? DIFF_NBUF - sz - diff_rand() % 16 : half + diff_rand() % 16;
	for (int s = 0; s < 2; s++) {
		r->gpr[s][X86_GPR_RSI] = diff_reg_val(r, diff_ea(r, r->seg, soff, s), g);
		r->gpr[s][X86_GPR_RDI] = diff_reg_val(r,
		    diff_ea(r, X86_SEG_ES, doff, s), g >> 3);
		if (r->f->rep)
			r->gpr[s][X86_GPR_RCX] = diff_reg_val(r, cnt, g << 7);
	}
}

/*
 * Draw a run of form f in mode: registers, flags, XMM, memory, how the
 * operand is addressed; encode it for both sides (the native RIP-relative
 * displacement is patched in once the stub exists).
 */
static void
diff_draw(struct diff_run *r, const struct diff_form *f, enum diff_mode mode,
    uint8_t imm[4])
{
	unsigned nregs = mode == DIFF_M64 ? 16 : 8;
	bool byte = f->size == 1 && f->opc[0] != 0x0f;

	memset(r, 0, sizeof(*r));
	r->f = f;
	r->mode = mode;
	r->as = mode == DIFF_M64 ? 8 : 4;
	if (diff_rand() % 4 == 0 && (mode == DIFF_M64 || diff_nat.low16))
		r->as = mode == DIFF_M64 ? 4 : 2;
	if (mode == DIFF_M64 && r->as == 4)
		diff_cov[COV_A32IN64]++;
	r->base = r->index = -1;
	for (unsigned i = 0; i < 16; i++)
		r->gpr[0][i] = r->gpr[1][i] = diff_rand_val();
	r->gpr[0][X86_GPR_RSP] = r->gpr[1][X86_GPR_RSP] = 0;
	for (unsigned i = 0; i < 4; i++)
		imm[i] = (uint8_t)diff_rand();
	for (unsigned i = 0; i < 16; i++)
		for (unsigned k = 0; k < 16; k++)
			r->xmm[i][k] = (uint8_t)diff_rand();
	r->rflags = 0x202 | (diff_rand() & ARITH);
	if (f->kind == DIFF_STRING && diff_rand() % 2)
		r->rflags |= X86_RFLAGS_DF;
	/* CMPS/SCAS with REP: few distinct bytes, so that runs of equal
	   (or unequal) elements are long */
	for (unsigned i = 0; i < DIFF_NBUF; i++)
		r->mem[i] = f->rep && diff_rand() % 2 ? (uint8_t)(diff_rand() % 8 == 0) :
		    (uint8_t)diff_rand();

	/*
	 * The register operand: any but rSP; code 4 only as AH (byte) in
	 * 32-bit mode (in 64-bit mode a REX prefix for r8-r15 in the address
	 * would make it SPL), code 5 as CH or, with a REX prefix, BPL.
	 */
	if (f->sse) {
		r->reg = (unsigned)(diff_rand() % nregs);
	} else if (f->sub < 0 && f->kind == DIFF_MODRM) {
		do {
			r->reg = (unsigned)(diff_rand() % nregs);
		} while (r->reg == X86_GPR_RSP && (!byte || mode == DIFF_M64));
		if (byte && r->reg == 5 && mode == DIFF_M64 && diff_rand() % 2)
			r->rex = true;
	}
	if (f->bitreg) {
		/* Bit offsets within two operands either side of the base. */
		int64_t bits = 8 * f->size;
		int64_t off = (int64_t)(diff_rand() % (uint64_t)(4 * bits)) - 2 * bits;
		uint64_t m = f->size == 8 ? ~0ULL : (1ULL << bits) - 1;

		r->gpr[0][r->reg] = (diff_rand() & ~m) | ((uint64_t)off & m);
		r->gpr[1][r->reg] = r->gpr[0][r->reg];
	}
	diff_pick_seg(r);
	if (f->kind == DIFF_STRING) {
		diff_solve_string(r, r->rflags & X86_RFLAGS_DF);
	} else if (f->kind == DIFF_MOFFS) {
		for (int s = 0; s < 2; s++)
			r->moffs[s] = diff_ea(r, r->seg, DIFF_TOFF, s);
	} else {
		if (r->as == 2)
			diff_modrm16(r);
		else
			diff_modrm3264(r);
		r->len = diff_encode(r, 0, imm);        /* for RIP-relative */
		r->toff = f->align16 ? DIFF_TOFF + 16 * (diff_rand() % 3) :
		    DIFF_TOFF + diff_rand() % 16;
		diff_solve_modrm(r, r->toff, 0);
	}
	r->len = diff_encode(r, 0, imm);
	diff_encode(r, 1, imm);
}

/* The native RIP-relative displacement, once the stub's address is known. */
static void
diff_fix_rip(struct diff_run *r, uint64_t ip)
{
	uint64_t m = x86_size_mask(r->as);

	r->disp[0] = (int32_t)(int64_t)((diff_ea(r, r->seg, r->toff, 0) -
	    (ip + r->len)) & m);
}

/* The emulated vCPU of a run: mode, segment bases (see the top), code. */
static void
diff_emul_state(const struct diff_run *r, struct x86_state *st)
{
	ah_state_init(st, r->mode == DIFF_M64 ? X86_MODE_LONG64 : X86_MODE_PROT32);
	for (unsigned s = 0; s < X86_SEG_COUNT; s++) {
		st->seg[s].base = diff_segbase(r, s, 1);
		if (r->mode == DIFF_M32) {
			st->seg[s].attr = 0x093 | X86_SEGATTR_DB | X86_SEGATTR_G;
			st->seg[s].limit = 0xffffffff;
		}
	}
	if (r->mode == DIFF_M32) {
		st->seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_DB | X86_SEGATTR_G;
		/* code at linear AH_CODE whatever the CS base */
		st->rip = (AH_CODE - st->seg[X86_SEG_CS].base) & 0xffffffff;
	}
	memcpy(st->gpr, r->gpr[1], sizeof(st->gpr));
	st->rflags = (r->rflags & (ARITH | X86_RFLAGS_DF)) | 0x2;
}

static void
diff_dump(const struct diff_run *r, const struct diff_ctx *nat,
    const struct x86_state *emu, const char *what)
{
	printf("# FAIL %s %s: %s (seed %" PRIu64 ", run %lu, address size %u)\n# bytes:",
	    r->mode == DIFF_M64 ? "m64" : "m32", r->f->name, what, diff_seed,
	    diff_runs, r->as * 8);
	for (size_t i = 0; i < r->len; i++)
		printf(" %02x", r->insn[1][i]);
	printf(" (native:");
	for (size_t i = 0; i < r->len; i++)
		printf(" %02x", r->insn[0][i]);
	printf(")\n# in rflags %#" PRIx64 "\n", r->rflags);
	for (unsigned g = 0; g < 16; g++)
		printf("#  r%-2u in %016" PRIx64 "/%016" PRIx64 " native %016" PRIx64
		    " emul %016" PRIx64 "\n", g, r->gpr[0][g], r->gpr[1][g],
		    nat->gpr[g], emu->gpr[g]);
	printf("#  rflags native %#" PRIx64 " emul %#" PRIx64 "\n", nat->rflags,
	    emu->rflags);
}

/*
 * Run the emulated side: x86_assist_mem until RIP moves on (a REP string
 * instruction does at most X86_EMUL_REP_BATCH iterations per call; the
 * guest would re-execute it). Returns the last status.
 */
static int
diff_emulate(const struct diff_run *r, struct x86_state *st, bool fetch)
{
	struct x86_assist_result res;
	uint64_t rip = st->rip;
	unsigned calls = 0;

	if (fetch)
		ah_put_code(st, r->insn[1], r->len);
	do {
		x86_assist_mem(&diff_m, st, fetch ? NULL : r->insn[1],
		    fetch ? 0 : r->len, &res);
	} while (res.status == X86_ASSIST_DONE && st->rip == rip && ++calls < 64);
	return res.status;
}

/* Compare the two outcomes; returns NULL or what differs. */
static const char *
diff_compare(const struct diff_run *r, const struct diff_ctx *nat,
    const struct x86_state *st, uint64_t rip0)
{
	const struct diff_form *f = r->f;
	unsigned nregs = r->mode == DIFF_M64 ? 16 : 8;
	uint64_t m = r->mode == DIFF_M64 ? ~0ULL : 0xffffffffULL, keep;

	if (st->rip != ((rip0 + r->len) & m))
		return "rip";
	for (unsigned g = 0; g < nregs; g++) {
		uint64_t dn = nat->gpr[g], de = st->gpr[g];

		if (g == X86_GPR_RSP)
			continue;
		/* an address register: compare how much it moved */
		if (r->gpr[0][g] != r->gpr[1][g]) {
			dn -= r->gpr[0][g];
			de -= r->gpr[1][g];
		}
		if (((dn ^ de) & m) != 0)
			return "register";
	}
	keep = f->noflags ? ARITH : ARITH & ~f->undef;
	if ((st->rflags & keep) != (nat->rflags & keep) ||
	    (f->noflags && (st->rflags & ARITH) != (r->rflags & ARITH)))
		return "flags";
	if (memcmp(diff_nat.buf, ah_dev + DIFF_DEV, DIFF_NBUF) != 0)
		return "memory";
	if (memcmp(nat->xmm, ah_xmm, sizeof(ah_xmm)) != 0)
		return "xmm registers";
	return NULL;
}

/* One random run of form f in mode. Returns true if both worlds agree. */
static bool
diff_one(const struct diff_form *f, enum diff_mode mode, bool fetch)
{
	static struct diff_run r;
	struct diff_ctx nat;
	struct x86_state st;
	const char *why;
	uint8_t imm[4];
	uint64_t ip, rip0;
	int status;

	diff_draw(&r, f, mode, imm);
	diff_runs++;
	if (mode == DIFF_M32)
		diff_cov[COV_M32]++;

	/* Native. */
	ip = diff_native_emit(&diff_nat, mode, r.insn[0], r.len,
	    r.seg == X86_SEG_FS);
	if (r.base == -2) {
		diff_fix_rip(&r, ip);
		diff_encode(&r, 0, imm);
		diff_native_patch(&diff_nat, r.insn[0], r.len);
	}
	memcpy(diff_nat.buf, r.mem, DIFF_NBUF);
	memset(&nat, 0, sizeof(nat));
	memcpy(nat.gpr, r.gpr[0], sizeof(nat.gpr));
	memcpy(nat.xmm, r.xmm, sizeof(nat.xmm));
	nat.rflags = r.rflags;
	nat.fs_run = (uint64_t)(uintptr_t)(diff_nat.buf + DIFF_FS_OFF);
	diff_native_run(&diff_nat, &nat);

	/* Emulated, on the device. */
	diff_emul_state(&r, &st);
	rip0 = st.rip;
	memcpy(ah_dev + DIFF_DEV, r.mem, DIFF_NBUF);
	memcpy(ah_xmm, r.xmm, sizeof(ah_xmm));
	status = diff_emulate(&r, &st, fetch);

	why = status != X86_ASSIST_DONE ? "not done" : diff_compare(&r, &nat, &st, rip0);
	if (why != NULL)
		diff_dump(&r, &nat, &st, why);
	return why == NULL;
}

int
main(int argc, char **argv)
{
	unsigned long per_form = 400;

	diff_seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5eed2026112601ULL;
	if (argc > 2)
		per_form = strtoul(argv[2], NULL, 0);
	diff_state = diff_seed ? diff_seed : 1;
	printf("# seed %" PRIu64 " (rerun: %s %" PRIu64 " %lu)\n", diff_seed, argv[0],
	    diff_seed, per_form);

	if (diff_native_init(&diff_nat) != 0) {
		printf("Bail out! cannot map the native code and data\n");
		return 1;
	}
	printf("# native buffer at %p: 16-bit addressing %s, 32-bit code segment %s, "
	    "LDT %s\n", (void *)diff_nat.buf, diff_nat.low16 ? "yes" : "no",
	    diff_nat.compat ? "yes" : "no", diff_nat.ldt ? "yes" : "no");
	ah_machine_init(&diff_m);
	ah_quiet = true;
	diff_build_forms();

	for (unsigned i = 0; i < diff_nforms; i++) {
		for (int mode = DIFF_M64; mode <= DIFF_M32; mode++) {
			const struct diff_form *f = &diff_forms[i];
			unsigned long fails = 0;

			if (mode == DIFF_M32 && f->only64)
				continue;
			if (mode == DIFF_M32 && !diff_nat.compat) {
				printf("ok %u - diff m32 %s # SKIP no 32-bit code segment\n",
				    ++ah_ntests, f->name);
				continue;
			}
			for (unsigned long k = 0; k < per_form; k++) {
				if (!diff_one(f, (enum diff_mode)mode, k % 16 == 15)) {
					fails++;
					if (fails >= 3)
						break;
				}
			}
			diff_fails += fails;
			ah_ok(fails == 0, "diff %s %s: %lu runs native == emulated",
			    mode == DIFF_M64 ? "m64" : "m32", f->name, per_form);
		}
	}
	printf("# %lu random runs over %u forms, %lu failed\n", diff_runs, diff_nforms,
	    diff_fails);
	for (unsigned c = 0; c < COV_COUNT; c++) {
		bool off = (c == COV_A16 && !diff_nat.low16) ||
		    ((c == COV_M32 || c == COV_SEG32) && !diff_nat.compat);

		if (off)
			printf("ok %u - coverage: %s # SKIP not available on this host\n",
			    ++ah_ntests, diff_cov_name[c]);
		else
			ah_ok(diff_cov[c] >= 500, "coverage: %s in %lu runs",
			    diff_cov_name[c], diff_cov[c]);
	}
	ah_ok(diff_runs >= 100000, "at least 100000 random inputs (%lu)", diff_runs);
	return ah_done();
}
