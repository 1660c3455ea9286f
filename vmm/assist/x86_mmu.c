/*
 * x86_mmu.c - guest MMU: segmentation (logical -> linear), the guest page
 * walk (linear -> guest-physical), guest virtual memory access and
 * instruction fetch.
 *
 * Intel SDM Vol.3 chapters 3-5 (segmentation, paging, protection), AMD APM
 * Vol.2 chapters 4-5. What is and is not modelled is listed in x86_mmu.h.
 */
#include "x86_mmu.h"
#include "x86_le.h"

/* ------------------------------------------------------------------------ */
/* Paging-structure entries (SDM Vol.3 4.3 Table 4-4..4-6, 4.4 Tables
 * 4-8..4-11, 4.5 Tables 4-14..4-20; APM Vol.2 5.3-5.4). 32-bit entries
 * use the low half of the same masks. */

#define X86_PTE_P    BIT(0)
#define X86_PTE_RW   BIT(1)
#define X86_PTE_US   BIT(2)
#define X86_PTE_A    BIT(5)
#define X86_PTE_D    BIT(6)
#define X86_PTE_PS   BIT(7)     /* PDE/PDPTE: maps a large page */
#define X86_PTE_XD   BIT(63)    /* execute disable, with EFER.NXE */

#define X86_PTE32_FRAME     BITS(31, 12)
#define X86_PDE32_4M_FRAME  BITS(31, 22)
#define X86_PDE32_4M_HI     BITS(20, 13)   /* PSE-36: PA bits 39:32 */
#define X86_PTE64_FRAME     BITS(51, 12)

/* CR3 table base (SDM Vol.3 4.3, 4.4.1, 4.5.2; APM Vol.2 5.2.1). */
#define X86_CR3_32_BASE     BITS(31, 12)
#define X86_CR3_PAE_BASE    BITS(31, 5)    /* PDPT is 32-byte aligned */
#define X86_CR3_64_BASE     BITS(51, 12)

#define X86_MAXPHYADDR_DEFAULT 52

enum x86_pgmode {
	X86_PG_NONE,            /* CR0.PG = 0: linear == physical */
	X86_PG_32,              /* 32-bit paging: 2 levels of 1024 */
	X86_PG_PAE,             /* PAE: 4 PDPTEs + 2 levels of 512 */
	X86_PG_4L,              /* 4-level: 4 levels of 512 */
	X86_PG_5L,              /* 5-level (CR4.LA57): 5 levels of 512 */
};

static enum x86_pgmode
x86_mmu_mode(const struct x86_state *st)
{
	if (!(st->cr0 & X86_CR0_PG))
		return X86_PG_NONE;
	if (!(st->cr4 & X86_CR4_PAE))
		return X86_PG_32;
	if (!(st->efer & X86_EFER_LMA))
		return X86_PG_PAE;
	return (st->cr4 & X86_CR4_LA57) ? X86_PG_5L : X86_PG_4L;
}

static void
x86_mmu_exc(struct x86_exception *exc, uint8_t vector, uint32_t error,
	    gva_t cr2)
{
	exc->vector = vector;
	exc->has_error = true;
	exc->error = error;
	exc->cr2 = cr2;
}

/* ------------------------------------------------------------------------ */
/* Segmentation */

int
x86_seg_linear(const struct x86_state *st, enum x86_seg seg, uint64_t off,
	       unsigned size, unsigned acc, unsigned addrsize, gva_t *la,
	       struct x86_exception *exc)
{
	const struct x86_segment *s;
	uint8_t vec = (seg == X86_SEG_SS) ? X86_EXC_SS : X86_EXC_GP;
	uint64_t last, type;

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
	if (!(st->cr0 & X86_CR0_PE) || (st->rflags & X86_RFLAGS_VM)) {
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
	if ((st->efer & X86_EFER_LMA) &&
	    (st->seg[X86_SEG_CS].attr & X86_SEGATTR_L)) {
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

	/*
	 * Protected and compatibility mode (SDM Vol.3 5.3 limit checking,
	 * 5.4.1 type checking; APM Vol.2 4.11). A null or not-present
	 * segment (P=0) and a system segment (S=0) are unusable.
	 */
	if (!(s->attr & X86_SEGATTR_P) || !(s->attr & X86_SEGATTR_S))
		goto fault;
	type = SHIFTOUT(s->attr, X86_SEGATTR_TYPE);
	if (type & 0x8) {
		/* code: never writable, readable only with R (bit 1) */
		if ((acc & X86_ACC_WRITE) ||
		    (!(acc & X86_ACC_EXEC) && !(type & 0x2)))
			goto fault;
	} else {
		/* data: not executable, writable only with W (bit 1) */
		if ((acc & X86_ACC_EXEC) ||
		    ((acc & X86_ACC_WRITE) && !(type & 0x2)))
			goto fault;
	}

	last = off + (size - 1);
	if (!(type & 0x8) && (type & 0x4)) {
		/* expand-down: valid offsets limit+1 .. 0xffff/0xffffffff */
		uint64_t upper = (s->attr & X86_SEGATTR_DB) ? 0xffffffff :
		    0xffff;

		if (off <= s->limit || last > upper)
			goto fault;
	} else if (last > s->limit) {
		goto fault;
	}
	*la = (s->base + off) & 0xffffffff;
	return 0;

fault:
	x86_mmu_exc(exc, vec, 0, 0);
	return X86_MMU_FAULT;
}

/* ------------------------------------------------------------------------ */
/* The page walker */

/*
 * A linear address is cut into table indexes and a page offset. The walk
 * starts at the table CR3 points to and uses one index per level; an
 * entry with PS=1 at the PD level (4/5-level: also the PDPT level) ends
 * the walk early and the remaining index bits join the offset.
 *
 * 32-bit paging (SDM Vol.3 4.3):
 *   31      22 21      12 11          0
 *  +----------+----------+-------------+
 *  |  PD (10) |  PT (10) | offset (12) |    4 KiB page
 *  +----------+----------+-------------+
 *  |  PD (10) |     offset (22)        |    4 MiB page (CR4.PSE, PDE.PS)
 *  +----------+------------------------+
 *
 * PAE paging (SDM Vol.3 4.4), CR3[31:5] -> 4 PDPTEs:
 *   31 30 29     21 20     12 11          0
 *  +-----+---------+---------+-------------+
 *  |PDPT |  PD (9) |  PT (9) | offset (12) |  4 KiB page
 *  +-----+---------+---------+-------------+
 *  |PDPT |  PD (9) |    offset (21)        |  2 MiB page (PDE.PS)
 *  +-----+---------+-----------------------+
 *
 * 4-level and 5-level paging (SDM Vol.3 4.5), CR3[51:12]:
 *   63  57 56   48 47   39 38   30 29   21 20   12 11          0
 *  +------+-------+-------+-------+-------+-------+-------------+
 *  | sign | PML5  | PML4  | PDPT  |  PD   |  PT   | offset (12) |
 *  +------+-------+-------+-------+-------+-------+-------------+
 *   sign: copies of bit 47 (bit 56 with LA57); PML5 only with LA57.
 *   2 MiB page: PDE.PS=1, offset = bits 20:0;
 *   1 GiB page: PDPTE.PS=1, offset = bits 29:0.
 *   CR4.PSE does not matter in these modes.
 *
 * Levels are numbered from the bottom: 0 = PT, 1 = PD, 2 = PDPT,
 * 3 = PML4, 4 = PML5.
 */
#define X86_WALK_MAXLEVELS 5

/*
 * One walk: the entries read, kept for the A/D update, and what the
 * levels add up to. Each entry is read through the monitor's pointer
 * into the view that holds its table (one map lookup per level), and
 * that pointer is kept for the update.
 */
struct x86_walk {
	unsigned n;                             /* entries read */
	unsigned ad;                            /* BIT(i): entry i lacks A */
	uint64_t pte[X86_WALK_MAXLEVELS];
	uint8_t *pte_hva[X86_WALK_MAXLEVELS];   /* NULL: read-only view */
	unsigned lvl;                           /* level of the last entry */
	uint64_t rights;                        /* R/W, U/S ANDed over levels */
	uint64_t xd;                            /* entries ORed: XD anywhere */
	uint32_t err;                           /* #PF bits found by the walk */
};

/* MAXPHYADDR for the reserved-bit checks: 52 unless the machine says. */
static unsigned
x86_walk_maxphy(const struct x86_machine *m)
{
	unsigned maxphy = m->maxphyaddr ? m->maxphyaddr :
	    X86_MAXPHYADDR_DEFAULT;

	if (maxphy < 32)
		maxphy = 32;
	if (maxphy > 52)
		maxphy = 52;
	return maxphy;
}

/*
 * The table walk proper, for entries of format mode (X86_PG_32,
 * X86_PG_PAE, or X86_PG_4L for both 4- and 5-level paging), starting at
 * level top. Inlined into each of its three call sites with a constant
 * mode, so that the entry size, index width and per-mode tests fold away
 * in each copy: the walk runs on every instruction fetch of the exit
 * path (hv/insn_fetch.c) that the fetch cache cannot answer.
 * Returns 0 with w->pte[w->n - 1] the leaf at level w->lvl, 1 for a #PF
 * (w->err holds P and RSVD as found), or X86_MMU_PTE_NOT_RAM.
 */
static inline __attribute__((always_inline)) int
x86_walk_tables(const struct x86_machine *m, const struct x86_state *st,
		struct x86_walk *w, enum x86_pgmode mode, unsigned top,
		gva_t la)
{
	const unsigned ibits = (mode == X86_PG_32) ? 10 : 9;
	const unsigned size = (mode == X86_PG_32) ? 4 : 8;
	const uint64_t frame = (mode == X86_PG_32) ? X86_PTE32_FRAME :
	    X86_PTE64_FRAME;
	uint64_t table, rsvd = 0, pte, rights = ~0ULL, xd = 0;
	unsigned lvl, shift, large, ad = 0, n = 0;

	/*
	 * Levels where PS=1 maps a page, the bits reserved in every entry
	 * and the top table (SDM Vol.3 4.3, 4.4.1-4.4.2, 4.5.2).
	 */
	if (mode == X86_PG_32) {
		large = (st->cr4 & X86_CR4_PSE) ? BIT(1) : 0;   /* 4 MiB */
		table = st->cr3 & X86_CR3_32_BASE;
	} else {
		rsvd = BITS(51, x86_walk_maxphy(m));   /* 0 if MAXPHYADDR 52 */
		if (!(st->efer & X86_EFER_NXE))
			rsvd |= X86_PTE_XD;
		if (mode == X86_PG_PAE) {
			/* Tables 4-9..4-11: 62:52 reserved too (ignored in 4-level) */
			rsvd |= BITS(62, 52);
			large = BIT(1);                         /* 2 MiB */
			table = st->cr3 & X86_CR3_PAE_BASE;
		} else {
			large = BIT(1) | BIT(2);                /* 2 MiB, 1 GiB */
			table = st->cr3 & X86_CR3_64_BASE;
		}
	}

	for (lvl = top, shift = 12 + ibits * top;; lvl--, shift -= ibits) {
		/*
		 * PAE's top level has 4 entries (la bits 31:30); la is cut to
		 * 32 bits outside long mode, so the 9-bit mask gives the same
		 * index there.
		 */
		gpa_t pa = table + ((la >> shift) & (BIT(ibits) - 1)) * size;
		const struct x86_memrange *r = x86_memmap_find(m, pa);
		uint64_t bad;
		uint8_t *p;
		bool big;

		if (r == NULL || r->size - (pa - r->gpa) < size)
			return X86_MMU_PTE_NOT_RAM;
		p = r->hva + (pa - r->gpa);
		pte = x86_le_load(p, size);     /* one load: size is constant */
		w->pte[n] = pte;
		/* An A/D update to a read-only view is dropped, as x86_gpa_write does. */
		w->pte_hva[n] = (r->prot & X86_PROT_WRITE) ? p : NULL;
		n++;

		if (!(pte & X86_PTE_P))
			goto fault;
		big = (pte & X86_PTE_PS) && (large & BIT(lvl));
		/* Reserved bits (SDM Vol.3 4.7, APM Vol.2 5.3 "MBZ"). */
		if (mode == X86_PG_32) {
			/*
			 * Only a 4 MiB PDE has some (Table 4-4): bit 21 and the
			 * PSE-36 bits above min(MAXPHYADDR, 40).
			 */
			if (big) {
				unsigned mp = x86_walk_maxphy(m);

				bad = BITS(21, (mp < 40 ? mp : 40) - 19);
			} else {
				bad = 0;
			}
		} else if (mode == X86_PG_PAE) {
			/*
			 * PAE PDPTEs are checked once, when the CPU loads its
			 * four PDPTE registers on MOV to CR3/CR0/CR4 (#GP there,
			 * SDM Vol.3 4.4.1), never during a walk: the walk-time
			 * reserved bits of 4.4.2 name PDEs and PTEs only. A
			 * guest that runs has passed that check, and the CPU may
			 * set bits the load check forbids afterwards (QEMU TCG
			 * sets the A bit of PDPTEs). So a PDPTE has no reserved
			 * bits here.
			 */
			if (lvl == 2)
				bad = 0;
			else
				bad = big ? (rsvd | BITS(20, 13)) : rsvd;
		} else {
			/* 4-level / 5-level, Tables 4-14..4-20 */
			if (lvl >= 3)
				bad = rsvd | X86_PTE_PS;
			else if (!big)
				bad = rsvd;
			else
				bad = rsvd | (lvl == 2 ? BITS(29, 13) :
				    BITS(20, 13));
		}
		if (pte & bad) {
			w->err = X86_PFERR_P | X86_PFERR_RSVD;
			goto fault;
		}
		/*
		 * PAE PDPTEs carry no rights (their R/W, U/S are reserved) and
		 * no A bit. XD only counts with NXE (else it is reserved, and
		 * a 32-bit entry has no bit 63).
		 */
		if (!(mode == X86_PG_PAE && lvl == 2)) {
			rights &= pte;
			if (!(pte & X86_PTE_A))
				ad |= BIT(n - 1);
		}
		xd |= pte;

		if (lvl == 0 || big)
			break;
		table = pte & frame;
	}
	w->n = n;
	w->ad = ad;
	w->lvl = lvl;
	w->rights = rights;
	w->xd = xd;
	return 0;

fault:
	w->n = n;
	return 1;
}

/*
 * Access rights of the combined walk (SDM Vol.3 4.6, APM Vol.2 5.6).
 * Returns true if the access is allowed.
 */
static bool
x86_walk_allowed(const struct x86_walk *w, const struct x86_state *st,
		 unsigned acc, bool user)
{
	bool rw = (w->rights & X86_PTE_RW) != 0;
	bool us = (w->rights & X86_PTE_US) != 0;
	bool smap_blocks;

	if (acc & X86_ACC_EXEC) {
		if (w->xd & X86_PTE_XD)
			return false;
		if (user && !us)
			return false;
		/* SMEP: supervisor fetch from a user page */
		if (!user && us && (st->cr4 & X86_CR4_SMEP))
			return false;
	} else {
		if (user && !us)
			return false;
		/*
		 * SMAP (SDM Vol.3 4.6.1): a supervisor data access to a user
		 * page faults, except an explicit one (CPL < 3) with
		 * RFLAGS.AC = 1; AC never exempts an implicit access.
		 */
		smap_blocks = !(st->rflags & X86_RFLAGS_AC) ||
		    (acc & X86_ACC_IMPLICIT);
		if (!user && us && (st->cr4 & X86_CR4_SMAP) && smap_blocks)
			return false;
	}
	if (acc & X86_ACC_WRITE) {
		/* supervisor writes ignore R/W unless CR0.WP */
		if ((user || (st->cr0 & X86_CR0_WP)) && !rw)
			return false;
	}
	return true;
}

/*
 * Set A in every entry of a successful walk that has no A yet and D in the
 * leaf on a write (SDM Vol.3 4.8; APM Vol.2 5.4.1-5.4.2). PAE PDPTEs have
 * no A bit (the walk does not mark them in w->ad). Only the low byte is
 * rewritten, and not at all in a read-only view.
 */
static void
x86_walk_set_ad(struct x86_walk *w, bool write)
{
	unsigned leaf = w->n - 1;

	if (write && !(w->pte[leaf] & X86_PTE_D))
		w->ad |= BIT(leaf);
	for (unsigned i = 0; w->ad != 0; i++, w->ad >>= 1) {
		uint64_t want = X86_PTE_A;

		if (!(w->ad & 1) || w->pte_hva[i] == NULL)
			continue;
		if (i == leaf && write)
			want |= X86_PTE_D;
		*w->pte_hva[i] = (uint8_t)(w->pte[i] | want);
	}
}

int
x86_mmu_gva_to_gpa(struct x86_machine *m, const struct x86_state *st,
		   gva_t la, unsigned acc, gpa_t *gpa,
		   struct x86_exception *exc)
{
	struct x86_walk w;
	enum x86_pgmode mode = x86_mmu_mode(st);
	bool user = st->cpl == 3 && !(acc & X86_ACC_IMPLICIT);
	uint64_t pte, base;
	unsigned shift;
	int rc;

	w.err = 0;
	switch (mode) {
	case X86_PG_NONE:
		*gpa = la & 0xffffffff;
		return 0;
	case X86_PG_32:
		la &= 0xffffffff;
		rc = x86_walk_tables(m, st, &w, X86_PG_32, 1, la);
		break;
	case X86_PG_PAE:
		la &= 0xffffffff;
		rc = x86_walk_tables(m, st, &w, X86_PG_PAE, 2, la);
		break;
	default:
		if (!x86_canonical(la, x86_va_bits(st->cr4))) {
			x86_mmu_exc(exc, X86_EXC_GP, 0, 0);
			return X86_MMU_FAULT;
		}
		rc = x86_walk_tables(m, st, &w, X86_PG_4L,
		    mode == X86_PG_5L ? 4 : 3, la);
		break;
	}
	if (rc < 0)
		return rc;
	if (rc > 0)
		goto fault;

	if (!x86_walk_allowed(&w, st, acc, user)) {
		w.err = X86_PFERR_P;
		goto fault;
	}

	pte = w.pte[w.n - 1];
	shift = 12 + (mode == X86_PG_32 ? 10 : 9) * w.lvl;
	if (mode == X86_PG_32 && w.lvl == 1)
		base = (pte & X86_PDE32_4M_FRAME) |
		    (SHIFTOUT(pte, X86_PDE32_4M_HI) << 32);
	else if (mode == X86_PG_32)
		base = pte & X86_PTE32_FRAME;
	else
		base = pte & X86_PTE64_FRAME & ~(BIT(shift) - 1);
	*gpa = base | (la & (BIT(shift) - 1));
	x86_walk_set_ad(&w, (acc & X86_ACC_WRITE) != 0);
	return 0;

fault:
	/* The bits that describe the access (SDM Vol.3 4.7). */
	if (acc & X86_ACC_WRITE)
		w.err |= X86_PFERR_W;
	if (user)
		w.err |= X86_PFERR_U;
	if ((acc & X86_ACC_EXEC) && ((st->cr4 & X86_CR4_SMEP) ||
	    (mode != X86_PG_32 && (st->efer & X86_EFER_NXE))))
		w.err |= X86_PFERR_I;
	x86_mmu_exc(exc, X86_EXC_PF, w.err, la);
	return X86_MMU_FAULT;
}

/* ------------------------------------------------------------------------ */
/* Guest virtual memory access */

/* Bytes from la to the end of its page, at most len. */
static size_t
x86_page_chunk(gva_t la, size_t len)
{
	uint64_t room = PAGE_SIZE - (la & PAGE_MASK);

	return len < room ? len : (size_t)room;
}

/*
 * Translate every page of [la, la+len) first, then move the bytes, so a
 * fault on a later page has no side effect on devices or memory. The
 * first two translations are kept; longer accesses translate again.
 */
static int
x86_gva_access(struct x86_machine *m, const struct x86_state *st, gva_t la,
	       uint8_t *buf, size_t len, unsigned acc, bool write,
	       struct x86_exception *exc)
{
	gpa_t first[2], gpa;
	gva_t a = la;
	size_t left = len, n;
	unsigned i;
	int rc;

	for (i = 0; left > 0; i++) {
		rc = x86_mmu_gva_to_gpa(m, st, a, acc, &gpa, exc);
		if (rc != 0)
			return rc;
		if (i < 2)
			first[i] = gpa;
		n = x86_page_chunk(a, left);
		a += n;
		left -= n;
	}

	a = la;
	left = len;
	for (i = 0; left > 0; i++) {
		n = x86_page_chunk(a, left);
		if (i < 2) {
			gpa = first[i];
		} else {
			rc = x86_mmu_gva_to_gpa(m, st, a, acc, &gpa, exc);
			if (rc != 0)
				return rc;
		}
		rc = write ? x86_gpa_write(m, gpa, buf, n) :
		    x86_gpa_read(m, gpa, buf, n);
		if (rc != 0)
			return X86_MMU_EMEM;
		a += n;
		buf += n;
		left -= n;
	}
	return 0;
}

int
x86_gva_read(struct x86_machine *m, const struct x86_state *st, gva_t la,
	     void *buf, size_t len, unsigned acc, struct x86_exception *exc)
{
	return x86_gva_access(m, st, la, buf, len,
	    acc & ~(unsigned)X86_ACC_WRITE,
	    false, exc);
}

int
x86_gva_write(struct x86_machine *m, const struct x86_state *st, gva_t la,
	      const void *buf, size_t len, unsigned acc,
	      struct x86_exception *exc)
{
	/* buf is only read on the write path (see x86_gpa_write) */
	return x86_gva_access(m, st, la, (uint8_t *)(uintptr_t)buf, len,
	    acc | X86_ACC_WRITE, true, exc);
}

/*
 * Copy len bytes of guest-physical memory at gpa for an instruction
 * fetch: straight from the view when one RAM view holds them all (the
 * usual case), else through x86_gpa_read (MMIO, ROM without read
 * permission, a view boundary). Returns 0 or X86_MMU_EMEM.
 */
static int
x86_fetch_bytes(struct x86_machine *m, gpa_t gpa, uint8_t *buf, size_t len)
{
	const struct x86_memrange *r = x86_memmap_find(m, gpa);

	if (r != NULL && (r->prot & X86_PROT_READ) &&
	    r->size - (gpa - r->gpa) >= len) {
		memcpy(buf, r->hva + (gpa - r->gpa), len);
		return 0;
	}
	return x86_gpa_read(m, gpa, buf, len) != 0 ? X86_MMU_EMEM : 0;
}

/*
 * Common part of x86_fetch_insn and x86_fetch_insn_page: with one_page,
 * stop at the end of the page that holds CS:RIP.
 */
static int
x86_fetch(struct x86_machine *m, const struct x86_state *st,
	  uint8_t buf[X86_INSN_MAX_LEN], size_t *n, struct x86_exception *exc,
	  bool one_page)
{
	struct x86_exception limit_exc, tmp;
	unsigned csize = x86_mode_size(x86_cpu_mode(st));
	size_t want = X86_INSN_MAX_LEN, got = 0, chunk;
	gva_t la;
	gpa_t gpa;
	int rc;

	*n = 0;
	/* SDM Vol.3 5.3: every byte fetched must lie within the CS limit */
	rc = x86_seg_linear(st, X86_SEG_CS, st->rip, X86_INSN_MAX_LEN,
	    X86_ACC_EXEC, csize, &la, &limit_exc);
	if (rc != 0) {
		for (want = X86_INSN_MAX_LEN - 1; want > 0; want--) {
			if (x86_seg_linear(st, X86_SEG_CS, st->rip,
			    (unsigned)want, X86_ACC_EXEC, csize, &la,
			    &tmp) == 0)
				break;
		}
		*exc = limit_exc;
		if (want == 0)
			return X86_MMU_FAULT;
	}
	if (one_page)
		want = x86_page_chunk(la, want);

	while (got < want) {
		chunk = x86_page_chunk(la + got, want - got);
		rc = x86_mmu_gva_to_gpa(m, st, la + got, X86_ACC_EXEC, &gpa,
		    &tmp);
		if (rc == X86_MMU_FAULT) {
			*exc = tmp;
			if (got == 0)
				return X86_MMU_FAULT;
			break;
		}
		if (rc != 0)
			return rc;
		rc = x86_fetch_bytes(m, gpa, buf + got, chunk);
		if (rc != 0)
			return rc;
		got += chunk;
	}
	*n = got;
	return 0;
}

int
x86_fetch_insn(struct x86_machine *m, const struct x86_state *st,
	       uint8_t buf[X86_INSN_MAX_LEN], size_t *n,
	       struct x86_exception *exc)
{
	return x86_fetch(m, st, buf, n, exc, false);
}

int
x86_fetch_insn_page(struct x86_machine *m, const struct x86_state *st,
		    uint8_t buf[X86_INSN_MAX_LEN], size_t *n,
		    struct x86_exception *exc)
{
	return x86_fetch(m, st, buf, n, exc, true);
}
