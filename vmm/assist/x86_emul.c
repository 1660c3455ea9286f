/*
 * x86_emul.c - execute one decoded instruction through memory callbacks.
 *
 * Covers the memory forms of MOV, MOVZX, MOVSX, MOVSXD, MOVNTI, the ALU
 * ops of Group 1 and 00-3B, TEST, NOT, NEG, INC, DEC, XCHG, BT/BTS/BTR/BTC
 * (register and imm8 bit offsets), CLFLUSH(OPT), and the string
 * instructions MOVS, STOS, LODS, CMPS, SCAS with and without REP, and the
 * SSE moves (through the optional XMM callback). Flags come from the host
 * CPU (x86_alu.c).
 *
 * Limits:
 *  - a REP string instruction runs at most X86_EMUL_REP_BATCH iterations
 *    per call; RIP stays on the instruction until the count (or the
 *    REPE/REPNE condition) ends it, so the guest re-executes it and the
 *    next batch exits again (interrupts get in between batches); with
 *    RFLAGS.TF set, one iteration per call, since the single-step trap
 *    comes after each iteration (SDM Vol.3 17.3.1.4);
 *  - read-modify-write forms are not atomic towards other vCPUs (there is
 *    one vCPU; devices see a read, then a write);
 *  - register-only forms (ModRM mod = 3) and port I/O are not emulated
 *    here: they never reach the Mem Assist (I/O has x86_assist_io);
 *  - alignment checks (#AC) are not modelled.
 */
#include "x86_emul.h"
#include "x86_alu.h"
#include "x86_le.h"
#include "x86_mmu.h"          /* X86_ACC_WRITE */

/* ------------------------------------------------------------------------ */
/* Registers                                                                 */

uint64_t
x86_emul_reg_read(const struct x86_state *st, unsigned reg, bool high8,
    unsigned size)
{
	if (size == 1 && high8)
		return (st->gpr[(reg - 4) & 3] >> 8) & 0xff;
	return st->gpr[reg & 15] & x86_size_mask(size);
}

void
x86_emul_reg_write(struct x86_state *st, unsigned reg, bool high8,
    unsigned size, uint64_t val)
{
	uint64_t *r;

	if (size == 1 && high8) {
		r = &st->gpr[(reg - 4) & 3];
		*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
		return;
	}
	r = &st->gpr[reg & 15];
	switch (size) {
	case 1:
		*r = (*r & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*r = (*r & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		*r = val & 0xffffffffULL;       /* SDM Vol.1 3.4.1.1 */
		break;
	default:
		*r = val;
		break;
	}
}

void
x86_emul_addr_reg_write(struct x86_state *st, unsigned reg,
    unsigned addrsize, uint64_t val)
{
	x86_emul_reg_write(st, reg, false, addrsize, val);
}

/* Sign-extend the low size bytes of v. */
static uint64_t
x86_emul_sext(uint64_t v, unsigned size)
{
	unsigned sh = 64 - 8 * size;

	if (size >= 8)
		return v;
	return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* ------------------------------------------------------------------------ */
/* Memory operand                                                            */

struct x86_emul {
	const struct x86_insn *insn;
	struct x86_state *st;
	const struct x86_emul_ops *ops;
	void *ctx;
	struct x86_exception *exc;
	uint64_t ea;            /* offset of the explicit memory operand */
	unsigned racc;          /* X86_ACC_WRITE for a read-modify-write */
};

/*
 * Effective address of the ModRM/moffs operand (SDM Vol.1 3.7.5):
 * base + index * scale + disp, RIP-relative from the next instruction,
 * truncated to the address size.
 */
static uint64_t
x86_emul_ea(const struct x86_insn *insn, const struct x86_state *st)
{
	uint64_t ea = (uint64_t)insn->mem.disp;

	if (insn->mem.base == X86_REG_RIP)
		ea += st->rip + insn->len;
	else if (insn->mem.base >= 0)
		ea += st->gpr[insn->mem.base & 15];
	if (insn->mem.index >= 0)
		ea += st->gpr[insn->mem.index & 15] * insn->mem.scale;
	return ea & x86_size_mask(insn->addrsize);
}

static int
x86_emul_mread(struct x86_emul *e, unsigned seg, uint64_t off, unsigned size,
    uint64_t *val)
{
	uint8_t buf[8];
	int ret;

	ret = e->ops->read(e->ctx, seg, off, e->insn->addrsize, buf, size,
	    e->racc, e->exc);
	if (ret == X86_EMUL_DONE)
		*val = x86_le_load(buf, size);
	return ret;
}

static int
x86_emul_mwrite(struct x86_emul *e, unsigned seg, uint64_t off, unsigned size,
    uint64_t val)
{
	uint8_t buf[8];

	x86_le_store(buf, size, val);
	return e->ops->write(e->ctx, seg, off, e->insn->addrsize, buf, size, e->exc);
}

/* The register operand (ModRM.reg, or rAX for moffs) at size. */
static uint64_t
x86_emul_regop(const struct x86_emul *e, unsigned size)
{
	return x86_emul_reg_read(e->st, (unsigned)e->insn->reg,
	    e->insn->reg_high8, size);
}

static void
x86_emul_set_regop(struct x86_emul *e, unsigned size, uint64_t val)
{
	x86_emul_reg_write(e->st, (unsigned)e->insn->reg, e->insn->reg_high8,
	    size, val);
}

/* ------------------------------------------------------------------------ */
/* Instructions with an explicit memory operand                              */

/*
 * MOV, MOVNTI (SDM Vol.2 MOV, MOVNTI). MOVNTI is 32-bit even in 16-bit
 * code: its size is memsize.
 */
static int
x86_emul_mov(struct x86_emul *e)
{
	const struct x86_insn *insn = e->insn;
	unsigned sz = insn->memsize;
	uint64_t v;
	int ret;

	switch (insn->enc) {
	case X86_ENC_MR:
	case X86_ENC_TD:
		return x86_emul_mwrite(e, insn->mem.seg, e->ea, sz, x86_emul_regop(e, sz));
	case X86_ENC_MI:
		return x86_emul_mwrite(e, insn->mem.seg, e->ea, sz, insn->imm);
	case X86_ENC_RM:
	case X86_ENC_FD:
		if ((ret = x86_emul_mread(e, insn->mem.seg, e->ea, sz, &v)) != X86_EMUL_DONE)
			return ret;
		x86_emul_set_regop(e, sz, v);
		return X86_EMUL_DONE;
	default:
		return X86_EMUL_UNSUPPORTED;
	}
}

/*
 * MOVZX, MOVSX, MOVSXD: read memsize bytes, extend, write at opsize. With
 * opsize 4 the register write zero-extends to 64 bits on top of the
 * instruction's own extension (the MOVZX rule from the NVMM history).
 */
static int
x86_emul_movx(struct x86_emul *e)
{
	const struct x86_insn *insn = e->insn;
	uint64_t v;
	int ret;

	ret = x86_emul_mread(e, insn->mem.seg, e->ea, insn->memsize, &v);
	if (ret != X86_EMUL_DONE)
		return ret;
	if (insn->op != X86_OP_MOVZX)
		v = x86_emul_sext(v, insn->memsize);
	x86_emul_set_regop(e, insn->opsize, v);
	return X86_EMUL_DONE;
}

/*
 * Two-operand ALU ops and TEST. The register operand is always read
 * before the write-back, so "or (%rbx),%rax" combines the old rAX with
 * memory (seed rule).
 */
static int
x86_emul_alu2(struct x86_emul *e)
{
	const struct x86_insn *insn = e->insn;
	unsigned sz = insn->opsize;
	bool writes = insn->op != X86_OP_CMP && insn->op != X86_OP_TEST;
	uint64_t m, r;
	int ret;

	if ((ret = x86_emul_mread(e, insn->mem.seg, e->ea, sz, &m)) != X86_EMUL_DONE)
		return ret;
	switch (insn->enc) {
	case X86_ENC_RM:        /* reg = reg op mem */
		r = x86_alu(insn->op, sz, x86_emul_regop(e, sz), m, &e->st->rflags);
		if (writes)
			x86_emul_set_regop(e, sz, r);
		return X86_EMUL_DONE;
	case X86_ENC_MR:        /* mem = mem op reg */
		r = x86_alu(insn->op, sz, m, x86_emul_regop(e, sz), &e->st->rflags);
		break;
	case X86_ENC_MI:        /* mem = mem op imm */
		r = x86_alu(insn->op, sz, m, insn->imm & x86_size_mask(sz),
		    &e->st->rflags);
		break;
	default:
		return X86_EMUL_UNSUPPORTED;
	}
	if (!writes)
		return X86_EMUL_DONE;
	/* If the write faults, x86_emul restores the flags with the rest. */
	return x86_emul_mwrite(e, insn->mem.seg, e->ea, sz, r);
}

/* NOT, NEG, INC, DEC on memory. */
static int
x86_emul_alu1(struct x86_emul *e)
{
	const struct x86_insn *insn = e->insn;
	unsigned sz = insn->opsize;
	uint64_t m, r;
	int ret;

	if ((ret = x86_emul_mread(e, insn->mem.seg, e->ea, sz, &m)) != X86_EMUL_DONE)
		return ret;
	r = x86_alu(insn->op, sz, m, 0, &e->st->rflags);
	return x86_emul_mwrite(e, insn->mem.seg, e->ea, sz, r);
}

/* XCHG mem, reg: memory is written first, so a fault leaves reg alone. */
static int
x86_emul_xchg(struct x86_emul *e)
{
	const struct x86_insn *insn = e->insn;
	unsigned sz = insn->opsize;
	uint64_t m;
	int ret;

	if ((ret = x86_emul_mread(e, insn->mem.seg, e->ea, sz, &m)) != X86_EMUL_DONE)
		return ret;
	ret = x86_emul_mwrite(e, insn->mem.seg, e->ea, sz, x86_emul_regop(e, sz));
	if (ret != X86_EMUL_DONE)
		return ret;
	x86_emul_set_regop(e, sz, m);
	return X86_EMUL_DONE;
}

/*
 * BT, BTS, BTR, BTC on memory (SDM Vol.2 BT, "bit base" addressing): with
 * a register bit offset the offset is signed at the operand size and
 * selects the operand-sized word at ea + (offset >> log2(bits)) * size;
 * an imm8 offset is taken modulo the operand width.
 */
static int
x86_emul_bt(struct x86_emul *e)
{
	const struct x86_insn *insn = e->insn;
	unsigned sz = insn->opsize;
	unsigned lg = sz == 2 ? 4 : sz == 4 ? 5 : 6;
	uint64_t off = e->ea, bit, m, r;
	int ret;

	if (insn->enc == X86_ENC_MR) {
		int64_t s = (int64_t)x86_emul_sext(x86_emul_regop(e, sz), sz);

		off = (off + (uint64_t)((s >> lg) * (int64_t)sz)) &
		    x86_size_mask(insn->addrsize);
		bit = (uint64_t)s & ((1u << lg) - 1);
	} else {
		bit = insn->imm & ((1u << lg) - 1);
	}
	if ((ret = x86_emul_mread(e, insn->mem.seg, off, sz, &m)) != X86_EMUL_DONE)
		return ret;
	r = x86_alu(insn->op, sz, m, bit, &e->st->rflags);
	if (insn->op == X86_OP_BT)
		return X86_EMUL_DONE;
	return x86_emul_mwrite(e, insn->mem.seg, off, sz, r);
}

/*
 * SSE moves between an XMM register and memory (SDM Vol.2 MOVUPS, MOVAPS,
 * MOVDQU, MOVDQA, MOVNTDQ, MOVD/MOVQ). Loads of 4 or 8 bytes zero the
 * rest of the register. The aligned forms raise #GP(0) on a linear
 * address that is not 16-byte aligned, before any access.
 */
static int
x86_emul_sse(struct x86_emul *e)
{
	const struct x86_insn *insn = e->insn;
	uint8_t x[16];
	uint64_t base = e->st->seg[insn->mem.seg % X86_SEG_COUNT].base;
	int ret;

	if (e->ops->xmm == NULL)
		return X86_EMUL_UNSUPPORTED;
	if (insn->mode == X86_MODE_LONG64 &&
	    insn->mem.seg != X86_SEG_FS && insn->mem.seg != X86_SEG_GS)
		base = 0;
	if (insn->align16 && ((base + e->ea) & 15) != 0) {
		e->exc->vector = X86_EXC_GP;
		e->exc->has_error = true;
		e->exc->error = 0;
		e->exc->cr2 = 0;
		return X86_EMUL_EXCEPTION;
	}
	if (insn->enc == X86_ENC_RM) {
		memset(x, 0, sizeof(x));
		ret = e->ops->read(e->ctx, insn->mem.seg, e->ea, insn->addrsize, x,
		    insn->memsize, 0, e->exc);
		if (ret == X86_EMUL_DONE)
			e->ops->xmm(e->ctx, (unsigned)insn->reg & 15, true, x);
		return ret;
	}
	e->ops->xmm(e->ctx, (unsigned)insn->reg & 15, false, x);
	return e->ops->write(e->ctx, insn->mem.seg, e->ea, insn->addrsize, x,
	    insn->memsize, e->exc);
}

/* ------------------------------------------------------------------------ */
/* String instructions (SDM Vol.2 MOVS/STOS/LODS/CMPS/SCAS, REP)             */

/* Advance rSI or rDI by one element, backwards when RFLAGS.DF. */
static void
x86_emul_str_step(struct x86_emul *e, unsigned reg)
{
	uint64_t v = e->st->gpr[reg];

	if (e->st->rflags & X86_RFLAGS_DF)
		v -= e->insn->opsize;
	else
		v += e->insn->opsize;
	x86_emul_addr_reg_write(e->st, reg, e->insn->addrsize, v);
}

/*
 * One iteration. *more is set when a REP prefix asks for another one.
 * Source: seg:rSI (DS unless overridden); destination: ES:rDI, never
 * overridden.
 */
static int
x86_emul_string(struct x86_emul *e, bool *more)
{
	const struct x86_insn *insn = e->insn;
	struct x86_state *st = e->st;
	unsigned sz = insn->opsize, as = insn->addrsize;
	uint64_t amask = x86_size_mask(as);
	uint64_t si = st->gpr[X86_GPR_RSI] & amask, di = st->gpr[X86_GPR_RDI] & amask;
	bool rep = insn->prefixes & (X86_PFX_REP | X86_PFX_REPNE);
	uint64_t cnt = st->gpr[X86_GPR_RCX] & amask;
	uint64_t a = 0, b = 0;
	int ret;

	*more = false;
	if (rep && cnt == 0)
		return X86_EMUL_DONE;

	switch (insn->op) {
	case X86_OP_MOVS:
		if ((ret = x86_emul_mread(e, insn->mem.seg, si, sz, &a)) != X86_EMUL_DONE)
			return ret;
		if ((ret = x86_emul_mwrite(e, X86_SEG_ES, di, sz, a)) != X86_EMUL_DONE)
			return ret;
		x86_emul_str_step(e, X86_GPR_RSI);
		x86_emul_str_step(e, X86_GPR_RDI);
		break;
	case X86_OP_STOS:
		a = x86_emul_reg_read(st, X86_GPR_RAX, false, sz);
		if ((ret = x86_emul_mwrite(e, X86_SEG_ES, di, sz, a)) != X86_EMUL_DONE)
			return ret;
		x86_emul_str_step(e, X86_GPR_RDI);
		break;
	case X86_OP_LODS:
		if ((ret = x86_emul_mread(e, insn->mem.seg, si, sz, &a)) != X86_EMUL_DONE)
			return ret;
		x86_emul_reg_write(st, X86_GPR_RAX, false, sz, a);
		x86_emul_str_step(e, X86_GPR_RSI);
		break;
	case X86_OP_CMPS:       /* flags of seg:[rSI] - ES:[rDI] */
		if ((ret = x86_emul_mread(e, insn->mem.seg, si, sz, &a)) != X86_EMUL_DONE)
			return ret;
		if ((ret = x86_emul_mread(e, X86_SEG_ES, di, sz, &b)) != X86_EMUL_DONE)
			return ret;
		x86_alu(X86_OP_CMP, sz, a, b, &st->rflags);
		x86_emul_str_step(e, X86_GPR_RSI);
		x86_emul_str_step(e, X86_GPR_RDI);
		break;
	case X86_OP_SCAS:       /* flags of rAX - ES:[rDI] */
		if ((ret = x86_emul_mread(e, X86_SEG_ES, di, sz, &b)) != X86_EMUL_DONE)
			return ret;
		a = x86_emul_reg_read(st, X86_GPR_RAX, false, sz);
		x86_alu(X86_OP_CMP, sz, a, b, &st->rflags);
		x86_emul_str_step(e, X86_GPR_RDI);
		break;
	default:
		return X86_EMUL_UNSUPPORTED;
	}
	if (!rep)
		return X86_EMUL_DONE;

	cnt--;
	x86_emul_addr_reg_write(st, X86_GPR_RCX, as, cnt);
	*more = cnt != 0;
	if (insn->op == X86_OP_CMPS || insn->op == X86_OP_SCAS) {
		bool zf = st->rflags & X86_RFLAGS_ZF;

		/* REPE stops on ZF = 0, REPNE on ZF = 1. */
		if ((insn->prefixes & X86_PFX_REP) ? !zf : zf)
			*more = false;
	}
	return X86_EMUL_DONE;
}

/* ------------------------------------------------------------------------ */

/*
 * Does insn change the state only after its one memory access has
 * succeeded (a register written last, or nothing)? Then a fault leaves
 * the state as it was, and x86_emul need not save and restore it.
 */
static bool
x86_emul_is_move(const struct x86_insn *insn)
{
	switch (insn->op) {
	case X86_OP_MOV: case X86_OP_MOVNTI:
	case X86_OP_MOVZX: case X86_OP_MOVSX: case X86_OP_MOVSXD:
		return true;
	default:
		return false;
	}
}

/* Does insn read its memory operand and then write it back? */
static bool
x86_emul_is_rmw(const struct x86_insn *insn)
{
	switch (insn->op) {
	case X86_OP_ADD: case X86_OP_OR: case X86_OP_ADC: case X86_OP_SBB:
	case X86_OP_AND: case X86_OP_SUB: case X86_OP_XOR:
		return insn->enc == X86_ENC_MR || insn->enc == X86_ENC_MI;
	case X86_OP_NOT: case X86_OP_NEG: case X86_OP_INC: case X86_OP_DEC:
	case X86_OP_XCHG: case X86_OP_BTS: case X86_OP_BTR: case X86_OP_BTC:
		return true;
	default:
		return false;
	}
}

/*
 * A string instruction: up to X86_EMUL_REP_BATCH iterations. Each one
 * commits on its own: a fault in iteration k leaves the registers of
 * iterations 0..k-1, as on hardware (SDM Vol.2 REP), so *saved (the
 * state to restore on a fault) is the state before the iteration that
 * faulted. *more: a REP prefix asks for further iterations. With
 * RFLAGS.TF, one iteration: the caller raises the single-step trap.
 */
static int
x86_emul_rep(struct x86_emul *e, struct x86_state *saved, bool *more)
{
	unsigned batch = (e->st->rflags & X86_RFLAGS_TF) ? 1 : X86_EMUL_REP_BATCH;
	int ret;

	for (unsigned i = 0; ; i++) {
		*saved = *e->st;
		ret = x86_emul_string(e, more);
		if (ret != X86_EMUL_DONE || !*more || i + 1 >= batch)
			return ret;
	}
}

/*
 * Run insn->op: one switch, one function per kind of instruction (the
 * string instructions through x86_emul_rep). *reason is set for an op
 * that is not emulated here.
 */
static int
x86_emul_op(struct x86_emul *e, struct x86_state *saved, bool *more,
    const char **reason)
{
	int ret;

	switch (e->insn->op) {
	case X86_OP_MOV:
	case X86_OP_MOVNTI:
		return x86_emul_mov(e);
	case X86_OP_MOVZX:
	case X86_OP_MOVSX:
	case X86_OP_MOVSXD:
		return x86_emul_movx(e);
	case X86_OP_ADD: case X86_OP_OR: case X86_OP_ADC: case X86_OP_SBB:
	case X86_OP_AND: case X86_OP_SUB: case X86_OP_XOR: case X86_OP_CMP:
	case X86_OP_TEST:
		return x86_emul_alu2(e);
	case X86_OP_NOT: case X86_OP_NEG: case X86_OP_INC: case X86_OP_DEC:
		return x86_emul_alu1(e);
	case X86_OP_XCHG:
		return x86_emul_xchg(e);
	case X86_OP_BT: case X86_OP_BTS: case X86_OP_BTR: case X86_OP_BTC:
		return x86_emul_bt(e);
	case X86_OP_MOVS: case X86_OP_STOS: case X86_OP_LODS:
	case X86_OP_CMPS: case X86_OP_SCAS:
		return x86_emul_rep(e, saved, more);
	case X86_OP_CLFLUSH:
		return X86_EMUL_DONE;   /* flushing MMIO: no data access */
	case X86_OP_SSE_MOV:
		ret = x86_emul_sse(e);
		if (ret == X86_EMUL_UNSUPPORTED)
			*reason = "SSE move on MMIO: no XMM callback registered";
		return ret;
	default:
		*reason = "port I/O or unknown op in the Mem Assist";
		return X86_EMUL_UNSUPPORTED;
	}
}

int
x86_emul(const struct x86_insn *insn, struct x86_state *st,
    const struct x86_emul_ops *ops, void *ctx, struct x86_exception *exc,
    const char **reason)
{
	struct x86_emul e = {
		.insn = insn, .st = st, .ops = ops, .ctx = ctx, .exc = exc,
	};
	bool keep = !x86_emul_is_move(insn);
	struct x86_state saved;
	bool more = false;
	int ret;

	/* the state to restore on a fault (SDM Vol.3 6.5), 288 bytes */
	if (keep)
		saved = *st;

	*reason = NULL;
	if (insn->enc != X86_ENC_ZO && !insn->has_mem) {
		*reason = "register-only form";
		return X86_EMUL_UNSUPPORTED;
	}
	if (insn->has_mem)
		e.ea = x86_emul_ea(insn, st);
	if (x86_emul_is_rmw(insn))
		e.racc = X86_ACC_WRITE;

	ret = x86_emul_op(&e, &saved, &more, reason);
	if (ret != X86_EMUL_DONE) {
		/* An instruction that faults commits nothing (SDM Vol.3 6.5). */
		if (keep)
			*st = saved;
		if (ret == X86_EMUL_UNSUPPORTED && *reason == NULL)
			*reason = "form not emulated";
		if (ret == X86_EMUL_ERROR && *reason == NULL)
			*reason = "guest memory access failed";
		return ret;
	}
	/* IP and EIP wrap at the code size (SDM Vol.1 3.6). */
	if (!more)
		st->rip = (st->rip + insn->len) & x86_size_mask(x86_mode_size(insn->mode));
	return X86_EMUL_DONE;
}
