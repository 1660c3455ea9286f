/*
 * x86_seg.c - segmentation of the guest MMU: logical -> linear address
 * (see x86_seg.h for the rules of each mode).
 *
 * Intel SDM Vol.3 3.2.4, 3.4.2, 5.3, 5.4.1, 20.1.1; AMD APM Vol.2 4.11,
 * 4.12.
 */
#include "x86_seg.h"

/*
 * Protected and compatibility mode (SDM Vol.3 5.3 limit checking, 5.4.1
 * type checking; APM Vol.2 4.11): is an access of kind acc to offsets
 * off .. last of segment s allowed? A null or not-present segment (P=0)
 * and a system segment (S=0) are unusable.
 */
static bool
x86_seg_prot_ok(const struct x86_segment *s, uint64_t off, uint64_t last,
		unsigned acc)
{
	uint64_t type = SHIFTOUT(s->attr, X86_SEGATTR_TYPE);

	if (!(s->attr & X86_SEGATTR_P) || !(s->attr & X86_SEGATTR_S))
		return false;
	if (type & 0x8) {
		/* code: never writable, readable only with R (bit 1) */
		if ((acc & X86_ACC_WRITE) ||
		    (!(acc & X86_ACC_EXEC) && !(type & 0x2)))
			return false;
	} else {
		/* data: not executable, writable only with W (bit 1) */
		if ((acc & X86_ACC_EXEC) ||
		    ((acc & X86_ACC_WRITE) && !(type & 0x2)))
			return false;
	}
	if (!(type & 0x8) && (type & 0x4)) {
		/* expand-down: valid offsets limit+1 .. 0xffff/0xffffffff */
		uint64_t upper = (s->attr & X86_SEGATTR_DB) ? 0xffffffff :
		    0xffff;

		return off > s->limit && last <= upper;
	}
	return last <= s->limit;
}

int
x86_seg_linear(const struct x86_state *st, enum x86_seg seg, uint64_t off,
	       unsigned size, unsigned acc, unsigned addrsize, gva_t *la,
	       struct x86_exception *exc)
{
	const struct x86_segment *s;
	uint8_t vec = (seg == X86_SEG_SS) ? X86_EXC_SS : X86_EXC_GP;
	enum x86_cpu_mode mode = x86_cpu_mode(st);

	if ((unsigned)seg >= X86_SEG_COUNT)
		goto fault;
	s = &st->seg[seg];
	if (size == 0)
		size = 1;
	if (addrsize == 2)
		off &= 0xffff;
	else if (addrsize == 4)
		off &= 0xffffffff;

	/*
	 * Real mode and virtual-8086 mode: base + offset (SDM Vol.3 20.1.1),
	 * a 32-bit linear address. Every byte must lie within the hidden
	 * limit (each instruction's "Real-Address Mode Exceptions" and
	 * "Virtual-8086 Mode Exceptions": #GP(0), #SS(0) for SS): a word at
	 * offset 0xffff of a 64 KiB segment faults. The limit is whatever
	 * the hidden part holds (4 GiB in "unreal" mode); no type checks.
	 */
	if (mode == X86_MODE_REAL16) {
		if (off + (size - 1) > s->limit)
			goto fault;
		*la = (s->base + off) & 0xffffffff;
		return 0;
	}

	/*
	 * 64-bit mode: CS, DS, ES and SS have base 0 and no limit; FS and GS
	 * keep their base; every byte must be canonical (SDM Vol.3 3.2.4,
	 * 5.3.1; APM Vol.2 4.12.2), else #SS(0) for SS, #GP(0) otherwise.
	 */
	if (mode == X86_MODE_LONG64) {
		unsigned vb = x86_va_bits(st->cr4);
		gva_t first = off;

		if (seg == X86_SEG_FS || seg == X86_SEG_GS)
			first += s->base;
		if (!x86_canonical(first, vb) ||
		    !x86_canonical(first + (size - 1), vb))
			goto fault;
		*la = first;
		return 0;
	}

	/* Protected and compatibility mode. */
	if (!x86_seg_prot_ok(s, off, off + (size - 1), acc))
		goto fault;
	*la = (s->base + off) & 0xffffffff;
	return 0;

fault:
	x86_mmu_exc(exc, vec, 0, 0);
	return X86_MMU_FAULT;
}
