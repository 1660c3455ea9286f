/*
 * x86_fetch.h - instruction fetch of the guest MMU: the bytes at CS:RIP
 * through segmentation (x86_seg.h) and the page walk (x86_walk.h), and a
 * fetch cache for callers that fetch on every exit (hv/insn_fetch.c on a
 * CPU without NRIP-save). Return values: x86_mmu.h.
 *
 * Intel SDM Vol.3 5.3 (the CS limit applies to every byte fetched), 4.6
 * (instruction fetches: XD, SMEP); APM Vol.2 5.6.
 */
#ifndef X86_FETCH_H
#define X86_FETCH_H

#include "x86_le.h"
#include "x86_mmu.h"
#include "x86_walk.h"

/*
 * The fetch cache: the translation of one linear code page, kept by its
 * owner (one per vCPU; zero-filled or x86_fetch_cache_flush()ed it is
 * empty). It is used only while it is exactly what a new walk would
 * give:
 *  - keyed by the linear page and by whole registers, a superset of what
 *    decides the translation and its checks: CR3, CR0 (PG, PE), CR4 (PAE,
 *    PSE, LA57, SMEP), EFER (LMA, NXE), the CPL (user or supervisor),
 *    RFLAGS.VM and the CS attributes (CS.L, CS.D, type). A change of any
 *    of their bits misses, which costs a walk and nothing else. The
 *    linear address is computed anew from CS base and RIP, and the CS
 *    limit checked anew, on every fetch;
 *  - valid only while every paging-structure entry the walk read still
 *    holds the value it had when the walk ended (A bits set): they are
 *    re-read through the monitor's pointers kept from the walk on every
 *    use, so a guest that changes its tables behind our back, without an
 *    exit or INVLPG, is seen at once. Equal entries mean the walk would
 *    take the same path, find the same leaf and rights, and set no A bit
 *    (an entry in a read-only view, where the walk drops its A update,
 *    is compared as it is);
 *  - only for a page that lies wholly in one readable RAM view; the code
 *    bytes themselves are always read fresh from there.
 * The owner flushes it when the memory map or MAXPHYADDR of the machine
 * changes (neither does after set-up today).
 */
struct x86_fetch_cache {
	bool valid;
	/* the key */
	uint8_t cpl;
	bool vm;                        /* RFLAGS.VM */
	uint16_t cs_attr;
	uint64_t cr0, cr3, cr4, efer;
	gva_t page;                     /* linear address of the page */
	/* what the key fixes, for the short path */
	uint8_t cpu_mode;               /* enum x86_cpu_mode */
	uint64_t ip_mask;               /* IP, EIP or RIP */
	struct x86_walk_memo walk;      /* its entries, re-read on each hit */
	const uint8_t *code;            /* monitor's view of the page */
	uint64_t hits, misses;          /* for statistics and tests */
};

/* Empty the cache (the counters stay). */
static inline void
x86_fetch_cache_flush(struct x86_fetch_cache *fc)
{
	fc->valid = false;
}

/*
 * x86_fetch_insn - fetch up to 15 instruction bytes at CS:RIP (segment
 * checks and paging, EXEC access; RIP truncated to the code size).
 * *n receives the number of bytes obtained. Fetching stops early at the
 * CS limit or at a page that faults: whenever *n < 15, *exc holds that
 * fault (#GP(0) or #PF) and the function still returns 0, so that the
 * caller can inject it only if the instruction needs the missing bytes.
 * Returns 0 (*n >= 1), X86_MMU_FAULT if not even one byte could be
 * fetched (*n = 0, *exc filled), X86_MMU_PTE_NOT_RAM or X86_MMU_EMEM.
 * Of st it reads only RIP, RFLAGS, CS, CR0, CR3, CR4, EFER and CPL (a
 * caller on a hot path may fill just those).
 */
int x86_fetch_insn(struct x86_machine *m, const struct x86_state *st,
		   uint8_t buf[X86_INSN_MAX_LEN], size_t *n,
		   struct x86_exception *exc);

/*
 * x86_fetch_insn_page - x86_fetch_insn limited to the page that holds
 * CS:RIP, translated through the fetch cache fc when fc is not NULL (a
 * hit re-reads the cached entries instead of walking; a miss walks and
 * refills fc). A short *n can then also mean that the instruction goes on
 * in the next page, so a caller whose decoder wants more than *n bytes
 * calls x86_fetch_insn for all of them. The next page is neither walked
 * nor touched (no A bits set there). Same return values, and same fields
 * of st read, as x86_fetch_insn.
 */
int x86_fetch_insn_page(struct x86_machine *m, const struct x86_state *st,
			struct x86_fetch_cache *fc,
			uint8_t buf[X86_INSN_MAX_LEN], size_t *n,
			struct x86_exception *exc);

/* ------------------------------------------------------------------------ */
/*
 * The short path of the fetch cache, inline so that the exit path of a
 * CPU without NRIP-save (hv/insn_fetch.c) runs it without a call.
 */

/* Is the key of fc that of st (see struct x86_fetch_cache)? */
static inline bool
x86_fetch_cache_key_ok(const struct x86_fetch_cache *fc,
		       const struct x86_state *st)
{
	return fc->valid && st->cr3 == fc->cr3 && st->cr0 == fc->cr0 &&
	    st->cr4 == fc->cr4 && st->efer == fc->efer && st->cpl == fc->cpl &&
	    ((st->rflags & X86_RFLAGS_VM) != 0) == fc->vm &&
	    st->seg[X86_SEG_CS].attr == fc->cs_attr;
}

/*
 * x86_fetch_cache_lookup - the monitor's pointer to the 15 bytes at CS:RIP
 * of st in the cached page, when fc holds that page under the key of st,
 * its entries are unchanged and all 15 bytes lie within the page and,
 * outside 64-bit mode, within the CS limit; else NULL (then fetch with
 * x86_fetch_insn_page and fc). The pointer is good until the guest runs
 * again. With the key unchanged, CS passed the type and presence checks
 * of x86_seg_linear when the cache was filled, and the only check that
 * depends on RIP is the limit (SDM Vol.3 5.3), made here; in 64-bit mode
 * the bytes are canonical because their page is. fc->cpu_mode then
 * holds the CPU mode of st.
 */
static inline const uint8_t *
x86_fetch_cache_lookup(struct x86_fetch_cache *fc, const struct x86_state *st)
{
	const struct x86_segment *cs = &st->seg[X86_SEG_CS];
	uint64_t off = st->rip & fc->ip_mask;
	gva_t la = off;

	if (!x86_fetch_cache_key_ok(fc, st))
		return NULL;
	if (fc->cpu_mode != X86_MODE_LONG64) {
		if (off + (X86_INSN_MAX_LEN - 1) > cs->limit)
			return NULL;
		la = (cs->base + off) & 0xffffffff;
	}
	/* the same page, 15 bytes before its end (one unsigned compare) */
	if (la - fc->page > PAGE_SIZE - X86_INSN_MAX_LEN ||
	    !x86_walk_memo_fresh(&fc->walk))
		return NULL;
	fc->hits++;
	return fc->code + (la - fc->page);
}

#endif /* X86_FETCH_H */
