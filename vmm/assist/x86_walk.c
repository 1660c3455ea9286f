/*
 * x86_walk.c - the guest page walk: linear -> guest-physical address,
 * protection checks, accessed and dirty bits (see x86_walk.h).
 *
 * Intel SDM Vol.3 chapter 4 (4.3 32-bit, 4.4 PAE, 4.5 4/5-level paging,
 * 4.6 access rights, 4.7 page-fault error code, 4.8 A/D bits); AMD APM
 * Vol.2 chapter 5. What is and is not modelled is listed in x86_mmu.h.
 */
#include "x86_walk.h"
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
x86_walk_mode(const struct x86_state *st)
{
	if (!(st->cr0 & X86_CR0_PG))
		return X86_PG_NONE;
	if (!(st->cr4 & X86_CR4_PAE))
		return X86_PG_32;
	if (!(st->efer & X86_EFER_LMA))
		return X86_PG_PAE;
	return (st->cr4 & X86_CR4_LA57) ? X86_PG_5L : X86_PG_4L;
}

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
 * What a walk in entry format mode starts from (SDM Vol.3 4.3, 4.4.1-
 * 4.4.2, 4.5.2): the top table, the levels where PS=1 maps a page
 * (*large, BIT(level)) and the bits reserved in every entry (*rsvd).
 */
static inline __attribute__((always_inline)) gpa_t
x86_walk_start(const struct x86_machine *m, const struct x86_state *st,
	       enum x86_pgmode mode, unsigned *large, uint64_t *rsvd)
{
	if (mode == X86_PG_32) {
		*large = (st->cr4 & X86_CR4_PSE) ? BIT(1) : 0;  /* 4 MiB */
		*rsvd = 0;
		return st->cr3 & X86_CR3_32_BASE;
	}
	*rsvd = BITS(51, x86_walk_maxphy(m));   /* 0 if MAXPHYADDR is 52 */
	if (!(st->efer & X86_EFER_NXE))
		*rsvd |= X86_PTE_XD;
	if (mode == X86_PG_PAE) {
		/* Tables 4-9..4-11: 62:52 reserved too (ignored in 4-level) */
		*rsvd |= BITS(62, 52);
		*large = BIT(1);                        /* 2 MiB */
		return st->cr3 & X86_CR3_PAE_BASE;
	}
	*large = BIT(1) | BIT(2);                       /* 2 MiB, 1 GiB */
	return st->cr3 & X86_CR3_64_BASE;
}

/*
 * The reserved bits of an entry at level lvl (SDM Vol.3 4.7, APM Vol.2
 * 5.3 "MBZ"); big: it maps a large page; rsvd: from x86_walk_start.
 */
static inline __attribute__((always_inline)) uint64_t
x86_walk_rsvd(const struct x86_machine *m, enum x86_pgmode mode,
	      unsigned lvl, bool big, uint64_t rsvd)
{
	if (mode == X86_PG_32) {
		/*
		 * Only a 4 MiB PDE has some (Table 4-4): bit 21 and the PSE-36
		 * bits above min(MAXPHYADDR, 40).
		 */
		unsigned mp = x86_walk_maxphy(m);

		return big ? BITS(21, (mp < 40 ? mp : 40) - 19) : 0;
	}
	if (mode == X86_PG_PAE) {
		/*
		 * PAE PDPTEs are checked once, when the CPU loads its four
		 * PDPTE registers on MOV to CR3/CR0/CR4 (#GP there, SDM Vol.3
		 * 4.4.1), never during a walk: the walk-time reserved bits of
		 * 4.4.2 name PDEs and PTEs only. A guest that runs has passed
		 * that check, and the CPU may set bits the load check forbids
		 * afterwards (QEMU TCG sets the A bit of PDPTEs). So a PDPTE
		 * has no reserved bits here.
		 */
		if (lvl == 2)
			return 0;
		return big ? (rsvd | BITS(20, 13)) : rsvd;
	}
	/* 4-level / 5-level, Tables 4-14..4-20 */
	if (lvl >= 3)
		return rsvd | X86_PTE_PS;
	if (!big)
		return rsvd;
	return rsvd | (lvl == 2 ? BITS(29, 13) : BITS(20, 13));
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
	uint64_t rsvd, pte, rights = ~0ULL, xd = 0;
	unsigned lvl, shift, large, ad = 0, ro = 0, n = 0;
	gpa_t table = x86_walk_start(m, st, mode, &large, &rsvd);

	w->size = size;
	for (lvl = top, shift = 12 + ibits * top;; lvl--, shift -= ibits) {
		/*
		 * PAE's top level has 4 entries (la bits 31:30); la is cut to
		 * 32 bits outside long mode, so the 9-bit mask gives the same
		 * index there.
		 */
		gpa_t pa = table + ((la >> shift) & (BIT(ibits) - 1)) * size;
		const struct x86_memrange *r = x86_memmap_find(m, pa);
		uint8_t *p;
		bool big;

		if (r == NULL || r->size - (pa - r->gpa) < size)
			return X86_MMU_PTE_NOT_RAM;
		p = r->hva + (pa - r->gpa);
		pte = x86_le_load(p, size);     /* one load: size is constant */
		w->pte[n] = pte;
		w->pte_hva[n] = p;
		/* An A/D update to a read-only view is dropped, as x86_gpa_write does. */
		if (!(r->prot & X86_PROT_WRITE))
			ro |= BIT(n);
		n++;

		if (!(pte & X86_PTE_P))
			goto fault;
		big = (pte & X86_PTE_PS) && (large & BIT(lvl));
		if (pte & x86_walk_rsvd(m, mode, lvl, big, rsvd)) {
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
	w->ro = ro;
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
 * rewritten, and not at all in a read-only view; w->pte[] follows, so
 * that it holds what memory holds.
 */
static void
x86_walk_set_ad(struct x86_walk *w, bool write)
{
	unsigned leaf = w->n - 1, ad = w->ad;

	if (write && !(w->pte[leaf] & X86_PTE_D))
		ad |= BIT(leaf);
	for (unsigned i = 0; ad != 0; i++, ad >>= 1) {
		uint64_t want = X86_PTE_A;

		if (!(ad & 1) || (w->ro & BIT(i)))
			continue;
		if (i == leaf && write)
			want |= X86_PTE_D;
		w->pte[i] |= want;
		*w->pte_hva[i] = (uint8_t)w->pte[i];
	}
}

/* The guest-physical address of la from the leaf of a successful walk. */
static gpa_t
x86_walk_leaf_gpa(const struct x86_walk *w, enum x86_pgmode mode, gva_t la)
{
	uint64_t pte = w->pte[w->n - 1], base;
	unsigned shift = 12 + (mode == X86_PG_32 ? 10 : 9) * w->lvl;

	if (mode == X86_PG_32 && w->lvl == 1)
		base = (pte & X86_PDE32_4M_FRAME) |
		    (SHIFTOUT(pte, X86_PDE32_4M_HI) << 32);
	else if (mode == X86_PG_32)
		base = pte & X86_PTE32_FRAME;
	else
		base = pte & X86_PTE64_FRAME & ~(BIT(shift) - 1);
	return base | (la & (BIT(shift) - 1));
}

int
x86_walk_gva(struct x86_machine *m, const struct x86_state *st, gva_t la,
	     unsigned acc, struct x86_walk *w, gpa_t *gpa,
	     struct x86_exception *exc)
{
	enum x86_pgmode mode = x86_walk_mode(st);
	bool user = st->cpl == 3 && !(acc & X86_ACC_IMPLICIT);
	int rc;

	w->n = 0;
	w->err = 0;
	switch (mode) {
	case X86_PG_NONE:
		*gpa = la & 0xffffffff;
		return 0;
	case X86_PG_32:
		la &= 0xffffffff;
		rc = x86_walk_tables(m, st, w, X86_PG_32, 1, la);
		break;
	case X86_PG_PAE:
		la &= 0xffffffff;
		rc = x86_walk_tables(m, st, w, X86_PG_PAE, 2, la);
		break;
	default:
		if (!x86_canonical(la, x86_va_bits(st->cr4))) {
			x86_mmu_exc(exc, X86_EXC_GP, 0, 0);
			return X86_MMU_FAULT;
		}
		rc = x86_walk_tables(m, st, w, X86_PG_4L,
		    mode == X86_PG_5L ? 4 : 3, la);
		break;
	}
	if (rc < 0)
		return rc;
	if (rc == 0 && !x86_walk_allowed(w, st, acc, user)) {
		w->err = X86_PFERR_P;
		rc = 1;
	}
	if (rc == 0) {
		*gpa = x86_walk_leaf_gpa(w, mode, la);
		x86_walk_set_ad(w, (acc & X86_ACC_WRITE) != 0);
		return 0;
	}

	/* A #PF; the bits that describe the access (SDM Vol.3 4.7). */
	if (acc & X86_ACC_WRITE)
		w->err |= X86_PFERR_W;
	if (user)
		w->err |= X86_PFERR_U;
	if ((acc & X86_ACC_EXEC) && ((st->cr4 & X86_CR4_SMEP) ||
	    (mode != X86_PG_32 && (st->efer & X86_EFER_NXE))))
		w->err |= X86_PFERR_I;
	x86_mmu_exc(exc, X86_EXC_PF, w->err, la);
	return X86_MMU_FAULT;
}

/* ------------------------------------------------------------------------ */
/*
 * The translation cache (struct x86_xlat in x86_machine.h): the walk of
 * one linear 4 KiB page per access kind, read or write (an MMIO exit
 * translates the same operand page each time; the walk is most of the
 * cost of the access). An entry answers only what a new walk would
 * answer, with the same side effects:
 *  - keyed by the linear page, the access kind (which entry), and by
 *    whole registers, a superset of what the walk and its checks read
 *    (x86_walk_mode, x86_walk_start, x86_walk_rsvd, x86_walk_allowed):
 *    CR0 (PG, WP), CR3, CR4 (PAE, PSE, LA57, SMAP, SMEP), EFER (LMA,
 *    NXE), the CPL, RFLAGS.AC and MAXPHYADDR. In long mode the page also
 *    fixes whether la is canonical (bits 63:47 or 63:56 are in it);
 *  - filled only after a successful walk, with the entries as memory
 *    holds them after its A/D updates (A everywhere, D in the leaf of a
 *    write), and used only while every entry still holds that value,
 *    re-read through the monitor's pointers kept from the walk: equal
 *    entries make a new walk take the same path, pass the same checks,
 *    find the same page, and set no A or D bit (an entry in a read-only
 *    view, whose update a walk drops, is compared as it is). A guest
 *    that changes its tables behind our back is seen on the next access;
 *  - never for an instruction fetch or an implicit access (those walk),
 *    nor without paging (no walk to save).
 * The pointers stay good because views are never removed; the map
 * functions empty the cache anyway when they change it.
 */

/* Is x, for the linear page page, what a walk under st would give? */
static inline bool
x86_xlat_hit(const struct x86_xlat *x, const struct x86_machine *m,
	     const struct x86_state *st, gva_t page)
{
	if (!x->valid || x->page != page || x->cr3 != st->cr3 ||
	    x->cr0 != st->cr0 || x->cr4 != st->cr4 || x->efer != st->efer ||
	    x->cpl != st->cpl || x->maxphyaddr != m->maxphyaddr ||
	    x->ac != ((st->rflags & X86_RFLAGS_AC) != 0))
		return false;
	return x86_walk_memo_fresh(&x->walk);
}

/* Remember the successful walk w of the linear page page to gpa. */
static void
x86_xlat_fill(struct x86_xlat *x, const struct x86_machine *m,
	      const struct x86_state *st, gva_t page, const struct x86_walk *w,
	      gpa_t gpa)
{
	x->valid = w->n > 0;
	x86_walk_memo_save(&x->walk, w);
	x->cpl = st->cpl;
	x->maxphyaddr = m->maxphyaddr;
	x->ac = (st->rflags & X86_RFLAGS_AC) != 0;
	x->cr0 = st->cr0;
	x->cr3 = st->cr3;
	x->cr4 = st->cr4;
	x->efer = st->efer;
	x->page = page;
	x->gpa = gpa & ~(gpa_t)PAGE_MASK;
}

/*
 * x86_mmu_gva_to_gpa without a cache hit: walk, and refill x (if not
 * NULL) after a successful walk. Apart, so that the hit path needs no
 * room for a struct x86_walk.
 */
static __attribute__((noinline)) int
x86_xlat_walk(struct x86_machine *m, const struct x86_state *st, gva_t la,
	      unsigned acc, struct x86_xlat *x, gpa_t *gpa,
	      struct x86_exception *exc)
{
	struct x86_walk w;
	int rc;

	rc = x86_walk_gva(m, st, la, acc, &w, gpa, exc);
	if (rc == 0 && x != NULL)
		x86_xlat_fill(x, m, st, la & ~(gva_t)PAGE_MASK, &w, *gpa);
	return rc;
}

int
x86_mmu_gva_to_gpa(struct x86_machine *m, const struct x86_state *st,
		   gva_t la, unsigned acc, gpa_t *gpa,
		   struct x86_exception *exc)
{
	struct x86_xlat *x;

	if ((acc & ~(unsigned)X86_ACC_WRITE) != 0 || !(st->cr0 & X86_CR0_PG))
		return x86_xlat_walk(m, st, la, acc, NULL, gpa, exc);
	x = &m->xlat[(acc & X86_ACC_WRITE) ? 1 : 0];
	if (x86_xlat_hit(x, m, st, la & ~(gva_t)PAGE_MASK)) {
		m->xlat_hits++;
		*gpa = x->gpa | (la & PAGE_MASK);
		return 0;
	}
	m->xlat_misses++;
	x->valid = false;
	return x86_xlat_walk(m, st, la, acc, x, gpa, exc);
}
