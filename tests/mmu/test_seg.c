/*
 * test_seg.c - table-driven tests of x86_seg_linear: real and virtual-8086
 * mode, protected-mode type and limit checks (expand-up and expand-down,
 * #GP vs #SS), compatibility mode and 64-bit mode (FS/GS base, canonical
 * checks with and without LA57, address size).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mmu_test.h"

enum { S_REAL, S_V86, S_PROT, S_PROT_L, S_COMPAT, S_LONG, S_LONG57 };
enum { E_OK, E_GP, E_SS };

/* Segment attributes in VMCB format (x86_state.h): P S DPL type, DB, L. */
#define A_DATA_RW   0x093       /* P S type 3: read/write, accessed */
#define A_DATA_RO   0x091       /* type 1: read-only */
#define A_DATA_DN   0x097       /* type 7: expand-down, read/write */
#define A_DATA_DN32 0x497       /* expand-down with B=1 */
#define A_CODE_R    0x09b       /* type b: execute/read */
#define A_CODE_X    0x099       /* type 9: execute-only */
#define A_LDT       0x082       /* system segment */

#define R 0
#define W X86_ACC_WRITE
#define X X86_ACC_EXEC

struct seg_case {
	const char *name;
	int mode;
	enum x86_seg seg;
	uint16_t attr;
	uint32_t limit;
	uint64_t base;
	uint64_t off;
	unsigned size, acc, asz;
	int res;
	gva_t want;
};

static const struct seg_case seg_cases[] = {
	{ "real: base + offset", S_REAL, X86_SEG_DS, 0, 0xffff, 0x12340, 0x5,
	  1, R, 2, E_OK, 0x12345 },
	{ "real: offset truncated to 16 bits", S_REAL, X86_SEG_ES, 0, 0xffff,
	  0x12340, 0x10005, 2, W, 2, E_OK, 0x12345 },
	{ "real: 32-bit address size, 4 GiB limit (unreal mode)", S_REAL,
	  X86_SEG_DS, 0x093, 0xffffffff, 0x1000, 0x123456, 4, R, 4, E_OK,
	  0x124456 },
	/* SDM Vol.3 20.1.1 and each instruction's "Real-Address Mode
	   Exceptions": the hidden limit applies, #GP(0), #SS(0) for SS */
	{ "real: 32-bit address size past a 64 KiB limit", S_REAL, X86_SEG_DS,
	  0x093, 0xffff, 0x1000, 0x10000, 1, R, 4, E_GP, 0 },
	{ "real: word at offset 0xffff crosses the limit", S_REAL, X86_SEG_DS,
	  0x093, 0xffff, 0x20000, 0xffff, 2, R, 2, E_GP, 0 },
	{ "real: byte at offset 0xffff is within the limit", S_REAL,
	  X86_SEG_ES, 0x093, 0xffff, 0x20000, 0xffff, 1, W, 2, E_OK, 0x2ffff },
	{ "real: SS past the limit gives #SS", S_REAL, X86_SEG_SS, 0x093,
	  0xffff, 0x20000, 0xfff0, 0x11, W, 2, E_SS, 0 },
	{ "real: zero limit leaves offset 0 only", S_REAL, X86_SEG_SS, 0x093,
	  0, 0x20000, 0x1, 1, R, 2, E_SS, 0 },
	{ "real: no type checks (write to read-only attributes)", S_REAL,
	  X86_SEG_DS, A_DATA_RO, 0xffff, 0x1000, 0x10, 4, W, 2, E_OK, 0x1010 },
	{ "real: linear address wraps at 4G", S_REAL, X86_SEG_FS, 0, 0xffff,
	  0xffffff00, 0x200, 1, R, 4, E_OK, 0x100 },
	{ "v8086: base + offset", S_V86, X86_SEG_DS, 0x0f3, 0xffff, 0xb8000,
	  0x10, 2, W, 2, E_OK, 0xb8010 },
	{ "v8086: dword at offset 0xfffe crosses the limit", S_V86, X86_SEG_GS,
	  0x0f3, 0xffff, 0xb8000, 0xfffe, 4, R, 2, E_GP, 0 },
	{ "v8086: SS past the limit gives #SS", S_V86, X86_SEG_SS, 0x0f3,
	  0xffff, 0x30000, 0x10000, 2, W, 4, E_SS, 0 },
	{ "v8086: fetch within the CS limit", S_V86, X86_SEG_CS, 0x0fb, 0xffff,
	  0x40000, 0xfff0, 15, X, 2, E_OK, 0x4fff0 },
	{ "v8086: fetch past the CS limit", S_V86, X86_SEG_CS, 0x0fb, 0xffff,
	  0x40000, 0xfff8, 15, X, 2, E_GP, 0 },
	{ "prot: flat data read", S_PROT, X86_SEG_DS, A_DATA_RW, 0xffffffff, 0,
	  0x1000, 4, R, 4, E_OK, 0x1000 },
	{ "prot: base + offset wraps at 4G", S_PROT, X86_SEG_DS, A_DATA_RW,
	  0xffffffff, 0x10000, 0xfffff000, 4, R, 4, E_OK, 0xf000 },
	{ "prot: last byte at the limit", S_PROT, X86_SEG_DS, A_DATA_RW, 0xfff,
	  0x100000, 0xffc, 4, W, 4, E_OK, 0x100ffc },
	{ "prot: last byte past the limit", S_PROT, X86_SEG_DS, A_DATA_RW,
	  0xfff, 0x100000, 0xffd, 4, R, 4, E_GP, 0 },
	{ "prot: first byte past the limit", S_PROT, X86_SEG_ES, A_DATA_RW,
	  0xfff, 0, 0x1000, 1, W, 4, E_GP, 0 },
	{ "prot: SS past the limit gives #SS", S_PROT, X86_SEG_SS, A_DATA_RW,
	  0xfff, 0, 0xffe, 4, W, 4, E_SS, 0 },
	{ "prot: write to read-only data", S_PROT, X86_SEG_DS, A_DATA_RO,
	  0xffffffff, 0, 0x10, 4, W, 4, E_GP, 0 },
	{ "prot: read of read-only data", S_PROT, X86_SEG_DS, A_DATA_RO,
	  0xffffffff, 0, 0x10, 4, R, 4, E_OK, 0x10 },
	{ "prot: write to read-only SS gives #SS", S_PROT, X86_SEG_SS,
	  A_DATA_RO, 0xffffffff, 0, 0x10, 4, W, 4, E_SS, 0 },
	{ "prot: write to a code segment", S_PROT, X86_SEG_CS, A_CODE_R,
	  0xffffffff, 0, 0x10, 4, W, 4, E_GP, 0 },
	{ "prot: read of readable code", S_PROT, X86_SEG_CS, A_CODE_R,
	  0xffffffff, 0x400, 0x10, 4, R, 4, E_OK, 0x410 },
	{ "prot: read of execute-only code", S_PROT, X86_SEG_CS, A_CODE_X,
	  0xffffffff, 0, 0x10, 4, R, 4, E_GP, 0 },
	{ "prot: fetch from execute-only code", S_PROT, X86_SEG_CS, A_CODE_X,
	  0xffffffff, 0x400, 0x10, 15, X, 4, E_OK, 0x410 },
	{ "prot: fetch from a data segment", S_PROT, X86_SEG_CS, A_DATA_RW,
	  0xffffffff, 0, 0x10, 1, X, 4, E_GP, 0 },
	{ "prot: null segment", S_PROT, X86_SEG_GS, 0, 0, 0, 0x10, 1, R, 4,
	  E_GP, 0 },
	{ "prot: null SS gives #SS", S_PROT, X86_SEG_SS, 0, 0xffffffff, 0, 0x10,
	  4, R, 4, E_SS, 0 },
	{ "prot: not-present segment", S_PROT, X86_SEG_DS, A_DATA_RW & ~0x80,
	  0xffffffff, 0, 0x10, 1, R, 4, E_GP, 0 },
	{ "prot: system segment", S_PROT, X86_SEG_DS, A_LDT, 0xffffffff, 0,
	  0x10, 1, R, 4, E_GP, 0 },
	{ "prot: expand-down, just above the limit", S_PROT, X86_SEG_DS,
	  A_DATA_DN32, 0xfff, 0x10000, 0x1000, 4, W, 4, E_OK, 0x11000 },
	{ "prot: expand-down, at the limit", S_PROT, X86_SEG_DS, A_DATA_DN32,
	  0xfff, 0x10000, 0xfff, 4, R, 4, E_GP, 0 },
	{ "prot: expand-down B=1, top of 4G", S_PROT, X86_SEG_DS, A_DATA_DN32,
	  0xfff, 0, 0xfffffffc, 4, R, 4, E_OK, 0xfffffffc },
	{ "prot: expand-down B=1, past 4G", S_PROT, X86_SEG_DS, A_DATA_DN32,
	  0xfff, 0, 0xfffffffd, 4, R, 4, E_GP, 0 },
	{ "prot: expand-down B=0, top of 64K", S_PROT, X86_SEG_DS, A_DATA_DN,
	  0x0fff, 0x20000, 0xfffe, 2, R, 4, E_OK, 0x2fffe },
	{ "prot: expand-down B=0, past 64K", S_PROT, X86_SEG_DS, A_DATA_DN,
	  0x0fff, 0x20000, 0xffff, 2, R, 4, E_GP, 0 },
	{ "prot: expand-down SS gives #SS", S_PROT, X86_SEG_SS, A_DATA_DN32,
	  0xffff, 0, 0x8000, 4, W, 4, E_SS, 0 },
	{ "prot: 16-bit address wraps into limit", S_PROT, X86_SEG_DS,
	  A_DATA_RW, 0xffff, 0x30000, 0x1fffe, 4, R, 2, E_GP, 0 },
	{ "prot: 16-bit address truncated", S_PROT, X86_SEG_DS, A_DATA_RW,
	  0xffff, 0x30000, 0x10010, 2, R, 2, E_OK, 0x30010 },
	{ "compat: limit applies", S_COMPAT, X86_SEG_DS, A_DATA_RW, 0xffff, 0,
	  0x10000, 1, R, 4, E_GP, 0 },
	{ "compat: base applies", S_COMPAT, X86_SEG_DS, A_DATA_RW, 0xffff,
	  0x5000, 0x10, 1, R, 4, E_OK, 0x5010 },
	{ "long: DS base ignored", S_LONG, X86_SEG_DS, A_DATA_RW, 0, 0x1000,
	  0x2000, 8, R, 8, E_OK, 0x2000 },
	{ "long: limit and type ignored", S_LONG, X86_SEG_ES, A_DATA_RO, 0, 0,
	  0x1234, 8, W, 8, E_OK, 0x1234 },
	{ "long: null DS usable", S_LONG, X86_SEG_DS, 0, 0, 0, 0x1234, 8, W, 8,
	  E_OK, 0x1234 },
	{ "long: FS base used", S_LONG, X86_SEG_FS, A_DATA_RW, 0,
	  0x7fff00000000ULL, 0x10, 8, R, 8, E_OK, 0x7fff00000010ULL },
	{ "long: GS base high half", S_LONG, X86_SEG_GS, A_DATA_RW, 0,
	  0xffff800000000000ULL, 0x8, 8, W, 8, E_OK, 0xffff800000000008ULL },
	{ "long: non-canonical DS gives #GP", S_LONG, X86_SEG_DS, A_DATA_RW, 0,
	  0, 0x0000800000000000ULL, 1, R, 8, E_GP, 0 },
	{ "long: non-canonical SS gives #SS", S_LONG, X86_SEG_SS, A_DATA_RW, 0,
	  0, 0xfff0000000000000ULL, 8, W, 8, E_SS, 0 },
	{ "long: last byte non-canonical", S_LONG, X86_SEG_DS, A_DATA_RW, 0, 0,
	  0x00007ffffffffffeULL, 4, R, 8, E_GP, 0 },
	{ "long: FS base + offset non-canonical", S_LONG, X86_SEG_FS,
	  A_DATA_RW, 0, 0x00007ffffffff000ULL, 0x1000, 1, R, 8, E_GP, 0 },
	{ "long: 32-bit address size truncates offset", S_LONG, X86_SEG_DS,
	  A_DATA_RW, 0, 0, 0xffffffff00001234ULL, 4, R, 4, E_OK, 0x1234 },
	{ "long: FS base + 32-bit offset", S_LONG, X86_SEG_FS, A_DATA_RW, 0,
	  0x10000, 0x100000010ULL, 4, R, 4, E_OK, 0x10010 },
	{ "long: word at the last canonical byte", S_LONG, X86_SEG_DS, A_DATA_RW,
	  0, 0, 0x00007fffffffffffULL, 2, R, 8, E_GP, 0 },
	{ "long: byte at the last canonical byte", S_LONG, X86_SEG_DS, A_DATA_RW,
	  0, 0, 0x00007fffffffffffULL, 1, R, 8, E_OK, 0x00007fffffffffffULL },
	{ "prot: size 0 counts as 1 at the limit", S_PROT, X86_SEG_DS,
	  A_DATA_RW, 0xfff, 0x100000, 0xfff, 0, R, 4, E_OK, 0x100fff },
	{ "prot with CS.L but no EFER.LMA: the limit applies", S_PROT_L,
	  X86_SEG_DS, A_DATA_RW, 0xfff, 0, 0x1000, 1, R, 4, E_GP, 0 },
	{ "long57: 57-bit canonical", S_LONG57, X86_SEG_DS, A_DATA_RW, 0, 0,
	  0x0000800000000000ULL, 8, R, 8, E_OK, 0x0000800000000000ULL },
	{ "long57: non-canonical", S_LONG57, X86_SEG_DS, A_DATA_RW, 0, 0,
	  0x0100000000000000ULL, 8, R, 8, E_GP, 0 },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

static void
seg_state(const struct seg_case *c, struct x86_state *st)
{
	memset(st, 0, sizeof(*st));
	st->rflags = 0x2;
	switch (c->mode) {
	case S_REAL:
		break;
	case S_V86:
		st->cr0 = X86_CR0_PE;
		st->rflags |= X86_RFLAGS_VM;
		break;
	case S_PROT:
		st->cr0 = X86_CR0_PE;
		st->seg[X86_SEG_CS].attr = A_CODE_R | X86_SEGATTR_DB;
		break;
	case S_PROT_L:          /* CS.L means nothing without EFER.LMA */
		st->cr0 = X86_CR0_PE;
		st->seg[X86_SEG_CS].attr = A_CODE_R | X86_SEGATTR_L;
		break;
	case S_COMPAT:
		st->cr0 = X86_CR0_PE | X86_CR0_PG;
		st->cr4 = X86_CR4_PAE;
		st->efer = X86_EFER_LME | X86_EFER_LMA;
		st->seg[X86_SEG_CS].attr = A_CODE_R | X86_SEGATTR_DB;
		break;
	case S_LONG:
	case S_LONG57:
		st->cr0 = X86_CR0_PE | X86_CR0_PG;
		st->cr4 = X86_CR4_PAE |
		    (c->mode == S_LONG57 ? X86_CR4_LA57 : 0);
		st->efer = X86_EFER_LME | X86_EFER_LMA;
		st->seg[X86_SEG_CS].attr = A_CODE_R | X86_SEGATTR_L;
		break;
	}
	st->seg[X86_SEG_CS].limit = 0xffffffff;
	/* the segment under test (may be CS itself) */
	st->seg[c->seg].attr = c->attr;
	st->seg[c->seg].limit = c->limit;
	st->seg[c->seg].base = c->base;
	if (c->seg == X86_SEG_CS && (c->mode == S_LONG || c->mode == S_LONG57))
		st->seg[c->seg].attr |= X86_SEGATTR_L;
}

/* x86_cpu_mode and x86_mode_size: the one decision of the CPU mode. */
static void
mode_cases(void)
{
	static const struct {
		const char *name;
		uint64_t cr0, efer, rflags;
		uint16_t csattr;
		enum x86_cpu_mode mode;
		unsigned size;
	} c[] = {
		{ "real mode", 0, 0, 0, 0x09b, X86_MODE_REAL16, 2 },
		{ "real mode, CS.D set (ignored)", 0, 0, 0, 0x49b, X86_MODE_REAL16, 2 },
		{ "16-bit protected mode", X86_CR0_PE, 0, 0, 0x09b, X86_MODE_PROT16, 2 },
		{ "32-bit protected mode", X86_CR0_PE, 0, 0, 0x49b, X86_MODE_PROT32, 4 },
		{ "virtual-8086 mode, CS.D set (ignored)", X86_CR0_PE, 0,
		  X86_RFLAGS_VM, 0x4fb, X86_MODE_REAL16, 2 },
		{ "compatibility mode, CS.D set", X86_CR0_PE | X86_CR0_PG,
		  X86_EFER_LMA, 0, 0x49b, X86_MODE_PROT32, 4 },
		{ "compatibility mode, CS.D clear", X86_CR0_PE | X86_CR0_PG,
		  X86_EFER_LMA, 0, 0x09b, X86_MODE_PROT16, 2 },
		{ "64-bit mode", X86_CR0_PE | X86_CR0_PG, X86_EFER_LMA, 0, 0x29b,
		  X86_MODE_LONG64, 8 },
		{ "CS.L without EFER.LMA is not 64-bit", X86_CR0_PE, 0, 0, 0x29b,
		  X86_MODE_PROT16, 2 },
	};
	struct x86_state st;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		enum x86_cpu_mode m;

		memset(&st, 0, sizeof(st));
		st.cr0 = c[i].cr0;
		st.efer = c[i].efer;
		st.rflags = 0x2 | c[i].rflags;
		st.seg[X86_SEG_CS].attr = c[i].csattr;
		m = x86_cpu_mode(&st);
		mt_diag("mode %u size %u", m, x86_mode_size(m));
		mt_check(m == c[i].mode && x86_mode_size(m) == c[i].size,
		    "cpu mode: %s", c[i].name);
	}
}

void
mt_suite_seg(void)
{
	struct x86_state st;
	struct x86_exception exc;
	gva_t la;
	int rc;

	mode_cases();
	/*
	 * A segment number out of range is refused, not read past the array
	 * (where CR0 follows: here it would look like a flat data segment).
	 */
	memset(&st, 0, sizeof(st));
	memset(&exc, 0, sizeof(exc));
	_Static_assert(offsetof(struct x86_state, cr0) ==
	    offsetof(struct x86_state, seg) + X86_SEG_COUNT * sizeof(st.seg[0]),
	    "CR0 right after the segments");
	st.cr0 = X86_CR0_PE | 0x0093ULL << 16 | 0xffffffffULL << 32;
	rc = x86_seg_linear(&st, X86_SEG_COUNT, 0, 1, R, 4, &la, &exc);
	mt_check(rc == X86_MMU_FAULT && exc.vector == X86_EXC_GP,
	    "seg: segment number X86_SEG_COUNT gives #GP");
	for (const struct seg_case *c = seg_cases; c->name; c++) {
		seg_state(c, &st);
		memset(&exc, 0, sizeof(exc));
		la = 0xdeadbeef;
		rc = x86_seg_linear(&st, c->seg, c->off, c->size, c->acc,
		    c->asz, &la, &exc);
		if (c->res == E_OK) {
			mt_diag("rc %d la %#llx want %#llx vector %u", rc,
			    (unsigned long long)la, (unsigned long long)c->want,
			    exc.vector);
			mt_check(rc == 0 && la == c->want, "seg: %s", c->name);
		} else {
			uint8_t vec = c->res == E_SS ? X86_EXC_SS : X86_EXC_GP;

			mt_diag("rc %d vector %u error %#x has_error %d", rc,
			    exc.vector, exc.error, exc.has_error);
			mt_check(rc == X86_MMU_FAULT && exc.vector == vec &&
			    exc.has_error && exc.error == 0, "seg: %s", c->name);
		}
	}
}
