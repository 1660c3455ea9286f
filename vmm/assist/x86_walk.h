/*
 * x86_walk.h - the guest page walk of the guest MMU: linear ->
 * guest-physical address in every paging mode, with the protection checks
 * and the accessed/dirty updates of hardware (modes and limits listed in
 * x86_mmu.h; return values there too).
 *
 * Intel SDM Vol.3 chapter 4 (paging), APM Vol.2 chapter 5.
 */
#ifndef X86_WALK_H
#define X86_WALK_H

#include "x86_mmu.h"
#include "x86_walk_memo.h"

#define X86_WALK_MAXLEVELS 5

/*
 * One walk: the entries read, and what the levels add up to. Each entry
 * is read through the monitor's pointer into the view that holds its
 * table (one map lookup per level); the pointer is kept for the A/D
 * update and for the fetch cache (x86_fetch.h), which re-reads the
 * entries through it to see whether the translation still holds.
 */
struct x86_walk {
	unsigned n;                             /* entries read */
	unsigned size;                          /* of an entry: 4 or 8 */
	uint64_t pte[X86_WALK_MAXLEVELS];       /* after a successful walk:
						   the value in memory now,
						   A/D updates included */
	uint8_t *pte_hva[X86_WALK_MAXLEVELS];
	unsigned ro;                            /* BIT(i): entry i lies in a
						   read-only view (no A/D) */
	unsigned ad;                            /* BIT(i): entry i lacks A */
	unsigned lvl;                           /* level of the last entry */
	uint64_t rights;                        /* R/W, U/S ANDed over levels */
	uint64_t xd;                            /* entries ORed: XD anywhere */
	uint32_t err;                           /* #PF bits found by the walk */
};

_Static_assert(X86_WALK_MAXLEVELS == X86_WALK_MEMO_LEVELS, "a memo holds a whole walk");

/* Remember the entries of the successful walk w (x86_walk_memo.h). */
static inline void
x86_walk_memo_save(struct x86_walk_memo *wm, const struct x86_walk *w)
{
	wm->n = (uint8_t)w->n;
	wm->size = (uint8_t)w->size;
	for (unsigned i = 0; i < w->n; i++) {
		wm->pte[i] = w->pte[i];
		wm->pte_hva[i] = w->pte_hva[i];
	}
}

/*
 * x86_mmu_gva_to_gpa - translate the linear address la for an access of
 * kind acc under the paging mode of st (CR0.PG, CR4.PAE/PSE/LA57,
 * EFER.LMA/NXE, CR0.WP, CR4.SMEP/SMAP, RFLAGS.AC, CPL).
 * la need not be page-aligned; *gpa receives the full address.
 * A data access (acc 0 or X86_ACC_WRITE) with paging on goes through the
 * machine's translation cache (m->xlat, see x86_walk.c): the same result,
 * side effects and faults as a walk, for a re-read of the entries of the
 * last walk of the same page and kind instead of a walk.
 * In long mode a non-canonical la gives #GP(0); outside long mode la is
 * truncated to 32 bits.
 * Returns 0, X86_MMU_FAULT (#PF: error code in exc->error, la in
 * exc->cr2) or X86_MMU_PTE_NOT_RAM.
 */
int x86_mmu_gva_to_gpa(struct x86_machine *m, const struct x86_state *st,
		       gva_t la, unsigned acc, gpa_t *gpa,
		       struct x86_exception *exc);

/*
 * x86_walk_gva - x86_mmu_gva_to_gpa that also hands back the walk in *w
 * (on success: w->n entries, 0 without paging, with their values and
 * host pointers), for the fetch cache.
 */
int x86_walk_gva(struct x86_machine *m, const struct x86_state *st,
		 gva_t la, unsigned acc, struct x86_walk *w, gpa_t *gpa,
		 struct x86_exception *exc);

#endif /* X86_WALK_H */
