/*
 * x86_assist_fast.c - the Mem Assist's fast path: the plain MOV loads
 * and stores a driver's readl/writel compile to, decoded and executed in
 * one pass, without struct x86_insn, the emulator and its callbacks.
 *
 * Forms (SDM Vol.2 MOV, MOVZX, MOVSX), memory operand only (ModRM mod
 * != 3), in 64-bit mode with at most one REX prefix and in 32-bit
 * protected mode without prefixes:
 *   88/89  MOV r/m, r          8A/8B  MOV r, r/m
 *   C6/C7 /0  MOV r/m, imm     0F B6/B7  MOVZX    0F BE/BF  MOVSX
 * The operand size is 1 (88, 8A, C6), 8 with REX.W, else 4; the address
 * size is that of the mode (no 67 prefix).
 *
 * It only ever completes the common case, and takes any other one back
 * (returns -1) before it has changed anything, so that the generic path
 * (x86_assist_mem.c) handles it from the start: any legacy prefix, any
 * other opcode, 16-bit modes, too few bytes, an access that crosses a
 * page, any segmentation or paging fault (the generic path finds it again
 * and reports it), MOV r/m, imm with ModRM.reg != 0. The checks are the
 * generic path's own: x86_seg_linear outside 64-bit mode, the canonical
 * check of x86_seg_linear in 64-bit mode (written out: DS and SS have
 * base 0 and no limit there, SDM Vol.3 3.2.4), x86_mmu_gva_to_gpa (with
 * its translation cache) for paging, x86_gpa_read/x86_gpa_write for the
 * access. tests/assist/test_assist_fast.c holds the two paths equal.
 */
#include "x86_assist_priv.h"
#include "x86_emul.h"
#include "x86_le.h"
#include "x86_seg.h"
#include "x86_walk.h"

/* What the decode found: the operand, the access and the register. */
struct x86_fast_insn {
	uint64_t ea;            /* effective address (offset in the segment) */
	uint64_t imm;           /* immediate of C6/C7, sign-extended */
	uint8_t len;            /* instruction length */
	uint8_t seg;            /* X86_SEG_DS or X86_SEG_SS */
	uint8_t memsize;        /* bytes at the memory operand */
	uint8_t opsize;         /* bytes of the register operand */
	uint8_t reg;            /* ModRM.reg with REX.R */
	bool high8;             /* reg names AH/CH/DH/BH */
	bool store;             /* memory is the destination */
	bool has_imm;           /* C6/C7: the source is imm */
	bool sext;              /* MOVSX: sign-extend the loaded value */
};

/* Bytes[*i..] as an n-byte (1 or 4) signed number; false: too few bytes. */
static inline bool
x86_fast_sval(const uint8_t *b, size_t nb, unsigned *i, unsigned n, int64_t *v)
{
	if (*i + n > nb)
		return false;
	*v = n == 1 ? (int8_t)b[*i] : (int32_t)x86_le_load32(b + *i);
	*i += n;
	return true;
}

/*
 * The opcode (after the REX byte, if any) at b[*i]: fills store, has_imm,
 * sext, opsize and memsize. False for anything but the forms above.
 */
static inline bool
x86_fast_opcode(const uint8_t *b, size_t nb, unsigned *i, uint8_t rex,
    struct x86_fast_insn *f)
{
	uint8_t op = b[(*i)++];
	unsigned wide = (rex & X86_REX_W) ? 8 : 4;

	f->opsize = (uint8_t)wide;
	if ((op & 0xfc) == 0x88) {              /* 88-8B */
		f->store = !(op & 2);
		if (!(op & 1))
			f->opsize = 1;
		f->memsize = f->opsize;
		return true;
	}
	if ((op & 0xfe) == 0xc6) {              /* C6/C7, /0 checked later */
		f->store = f->has_imm = true;
		if (!(op & 1))
			f->opsize = 1;
		f->memsize = f->opsize;
		return true;
	}
	if (op != 0x0f || *i >= nb)
		return false;
	op = b[(*i)++];
	if ((op & 0xf6) != 0xb6)                /* 0F B6/B7/BE/BF */
		return false;
	f->memsize = (op & 1) ? 2 : 1;
	f->sext = (op & 8) != 0;
	return true;
}

/*
 * ModRM, SIB and displacement in 32/64-bit addressing (SDM Vol.2 2.1.5
 * Tables 2-2, 2-3; 2.2.1.6 RIP-relative, from the end of the
 * instruction, so the immediate is read first). Fills ea, seg, reg,
 * high8, imm and len. False for mod = 3, C6/C7 with ModRM.reg != 0, or
 * too few bytes.
 */
static inline bool
x86_fast_modrm(const uint8_t *b, size_t nb, unsigned i, uint8_t rex,
    const struct x86_state *st, unsigned addrsize, struct x86_fast_insn *f)
{
	unsigned mod, rm, base = 0;
	bool has_base = true, rip = false;
	int64_t disp = 0;
	uint64_t ea = 0;

	if (i >= nb)
		return false;
	mod = b[i] >> 6;
	rm = b[i] & 7;
	f->reg = (uint8_t)(((b[i] >> 3) & 7) | ((rex & X86_REX_R) ? 8 : 0));
	f->high8 = rex == 0 && (f->reg & 7) >= 4;
	i++;
	if (mod == 3 || (f->has_imm && (f->reg & 7) != 0))
		return false;
	if (rm == 4) {
		unsigned sib, idx;

		if (i >= nb)
			return false;
		sib = b[i++];
		idx = ((sib >> 3) & 7) | ((rex & X86_REX_X) ? 8 : 0);
		if (idx != 4)
			ea = st->gpr[idx] << (sib >> 6);
		base = (sib & 7) | ((rex & X86_REX_B) ? 8 : 0);
		if ((sib & 7) == 5 && mod == 0) {
			has_base = false;
			mod = 2;                /* disp32 */
		}
	} else if (rm == 5 && mod == 0) {
		has_base = false;
		rip = addrsize == 8;
		mod = 2;
	} else {
		base = rm | ((rex & X86_REX_B) ? 8 : 0);
	}
	if (mod != 0 && !x86_fast_sval(b, nb, &i, mod == 1 ? 1 : 4, &disp))
		return false;
	if (f->has_imm) {
		int64_t imm;

		if (!x86_fast_sval(b, nb, &i, f->opsize == 1 ? 1 : 4, &imm))
			return false;
		f->imm = (uint64_t)imm;
	}
	f->len = (uint8_t)i;
	/* SS for an rSP or rBP base (not r12/r13), DS otherwise (SDM Vol.1 3.7.5). */
	f->seg = has_base && (base == X86_GPR_RSP || base == X86_GPR_RBP) ?
	    X86_SEG_SS : X86_SEG_DS;
	if (has_base)
		ea += st->gpr[base];
	if (rip)
		ea += st->rip + f->len;
	f->ea = (ea + (uint64_t)disp) & x86_size_mask(addrsize);
	return true;
}

/*
 * Logical -> linear address of the operand (x86_seg.h): in 64-bit mode DS
 * and SS have base 0 and no limit, and every byte must be canonical; in
 * protected mode the segment's checks. False for a fault.
 */
static inline bool
x86_fast_linear(const struct x86_state *st, unsigned mode,
    const struct x86_fast_insn *f, gva_t *la)
{
	struct x86_exception exc;

	if (mode == X86_MODE_LONG64) {
		*la = f->ea;
		/*
		 * The first byte only: the canonical ranges begin and end at
		 * page boundaries, and an access that leaves the page of its
		 * first byte is the generic path's (x86_assist_mem_fast).
		 */
		return x86_canonical(f->ea, x86_va_bits(st->cr4));
	}
	return x86_seg_linear(st, (enum x86_seg)f->seg, f->ea, f->memsize,
	    f->store ? X86_ACC_WRITE : 0, 4, la, &exc) == 0;
}

/* Decode bytes[0..nb) as one of the forms; false if it is none of them. */
static bool
x86_fast_decode(const uint8_t *b, size_t nb, unsigned mode,
    const struct x86_state *st, struct x86_fast_insn *f)
{
	unsigned i = 0;
	uint8_t rex = 0;

	if (nb < 2)
		return false;
	if (mode == X86_MODE_LONG64 && (b[0] & 0xf0) == 0x40)
		rex = b[i++];
	if (!x86_fast_opcode(b, nb, &i, rex, f))
		return false;
	return x86_fast_modrm(b, nb, i, rex, st, mode == X86_MODE_LONG64 ? 8 : 4, f);
}

int
x86_assist_mem_fast(struct x86_machine *m, struct x86_state *st,
    const uint8_t *bytes, size_t nbytes, struct x86_assist_result *res)
{
	struct x86_fast_insn f = { .seg = X86_SEG_DS };
	unsigned mode = x86_cpu_mode(st);
	struct x86_exception exc;
	uint8_t buf[8];
	gva_t la;
	gpa_t gpa;
	uint64_t v;
	int rc;

	if (bytes == NULL || (mode != X86_MODE_LONG64 && mode != X86_MODE_PROT32))
		return -1;
	if (nbytes > X86_INSN_MAX_LEN)
		nbytes = X86_INSN_MAX_LEN;
	if (!x86_fast_decode(bytes, nbytes, mode, st, &f) || !x86_fast_linear(st, mode, &f, &la))
		return -1;
	/* One page: a crossing access translates two, the generic path does that. */
	if ((la & PAGE_MASK) + f.memsize > PAGE_SIZE ||
	    x86_mmu_gva_to_gpa(m, st, la, f.store ? X86_ACC_WRITE : 0, &gpa, &exc) != 0)
		return -1;

	/* From here on it is the generic path's result (x86_assist_mem). */
	*res = (struct x86_assist_result){ .status = X86_ASSIST_DONE, .nbytes = f.len };
	memcpy(res->bytes, bytes, f.len);
	m->mem_fast++;
	if (f.store) {
		v = f.has_imm ? f.imm : x86_emul_reg_read(st, f.reg, f.high8, f.memsize);
		x86_le_store(buf, f.memsize, v);
		rc = x86_gpa_write(m, gpa, buf, f.memsize);
	} else {
		rc = x86_gpa_read(m, gpa, buf, f.memsize);
		v = x86_le_load(buf, f.memsize);
		if (f.sext)
			v = (uint64_t)(f.memsize == 1 ? (int64_t)(int8_t)v : (int64_t)(int16_t)v);
	}
	if (rc != 0) {
		/* MMIO without a Mem callback: as x86_emul reports it. */
		res->status = X86_ASSIST_ERROR;
		res->reason = "guest memory access failed";
		return res->status;
	}
	if (!f.store)
		x86_emul_reg_write(st, f.reg, f.high8, f.opsize, v);
	st->rip = (st->rip + f.len) & x86_size_mask(x86_mode_size(mode));
	return X86_ASSIST_DONE;
}
