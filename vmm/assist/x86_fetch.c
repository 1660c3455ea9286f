/*
 * x86_fetch.c - instruction fetch at CS:RIP, and the fetch cache (see
 * x86_fetch.h).
 *
 * Intel SDM Vol.3 5.3 (limit checking covers every byte fetched), 4.6
 * and 4.8 (access rights and A bits of a fetch); AMD APM Vol.2 5.6.
 */
#include "x86_fetch.h"
#include "x86_seg.h"

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

/* ------------------------------------------------------------------------ */
/* Fetch cache */

/*
 * Remember the walk w that translated linear page page to guest-physical
 * page gpa, if that page lies wholly in one readable RAM view.
 */
static void
x86_fetch_cache_fill(struct x86_fetch_cache *fc, struct x86_machine *m,
		     const struct x86_state *st, gva_t page,
		     const struct x86_walk *w, gpa_t gpa)
{
	const struct x86_memrange *r = x86_memmap_find(m, gpa);

	if (w->n == 0 || r == NULL || !(r->prot & X86_PROT_READ) ||
	    r->size - (gpa - r->gpa) < PAGE_SIZE)
		return;
	x86_walk_memo_save(&fc->walk, w);
	fc->code = r->hva + (gpa - r->gpa);
	fc->cr0 = st->cr0;
	fc->cr3 = st->cr3;
	fc->cr4 = st->cr4;
	fc->efer = st->efer;
	fc->cpl = st->cpl;
	fc->vm = (st->rflags & X86_RFLAGS_VM) != 0;
	fc->cs_attr = st->seg[X86_SEG_CS].attr;
	fc->cpu_mode = (uint8_t)x86_cpu_mode(st);
	fc->ip_mask = x86_size_mask(x86_mode_size(x86_cpu_mode(st)));
	fc->page = page;
	fc->valid = true;
}

/*
 * Fetch len bytes at linear address la (all in one page) through the
 * cache: from the cached page if the key matches and the entries are
 * unchanged, else by a walk that refills the cache. Returns as
 * x86_mmu_gva_to_gpa, or X86_MMU_EMEM.
 */
static int
x86_fetch_cached(struct x86_machine *m, const struct x86_state *st,
		 struct x86_fetch_cache *fc, gva_t la, uint8_t *buf,
		 size_t len, struct x86_exception *exc)
{
	gva_t page = la & ~PAGE_MASK;
	struct x86_walk w;
	gpa_t gpa;
	int rc;

	if (x86_fetch_cache_key_ok(fc, st) && fc->page == page &&
	    x86_walk_memo_fresh(&fc->walk)) {
		fc->hits++;
		memcpy(buf, fc->code + (la & PAGE_MASK), len);
		return 0;
	}
	fc->misses++;
	fc->valid = false;
	rc = x86_walk_gva(m, st, la, X86_ACC_EXEC, &w, &gpa, exc);
	if (rc != 0)
		return rc;
	rc = x86_fetch_bytes(m, gpa, buf, len);
	if (rc == 0)
		x86_fetch_cache_fill(fc, m, st, page, &w, gpa & ~PAGE_MASK);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Fetch */

/*
 * The linear address of CS:RIP and how many of the 15 bytes from there
 * lie within the CS limit (SDM Vol.3 5.3: every byte fetched must).
 * Returns 0 with *la and *want (1-15; when below 15, *exc holds the
 * #GP(0) of the byte after), or X86_MMU_FAULT if even the first byte is
 * outside the limit.
 */
static int
x86_fetch_limit(const struct x86_state *st, gva_t *la, size_t *want,
		struct x86_exception *exc)
{
	unsigned csize = x86_mode_size(x86_cpu_mode(st));
	struct x86_exception tmp;
	size_t n;

	*want = X86_INSN_MAX_LEN;
	if (x86_seg_linear(st, X86_SEG_CS, st->rip, X86_INSN_MAX_LEN,
	    X86_ACC_EXEC, csize, la, exc) == 0)
		return 0;
	for (n = X86_INSN_MAX_LEN - 1; n > 0; n--) {
		if (x86_seg_linear(st, X86_SEG_CS, st->rip, (unsigned)n,
		    X86_ACC_EXEC, csize, la, &tmp) == 0)
			break;
	}
	*want = n;
	return n == 0 ? X86_MMU_FAULT : 0;
}

/*
 * Common part of x86_fetch_insn and x86_fetch_insn_page: with one_page,
 * stop at the end of the page that holds CS:RIP; with fc, translate that
 * page through the fetch cache.
 */
static int
x86_fetch(struct x86_machine *m, const struct x86_state *st,
	  struct x86_fetch_cache *fc, uint8_t buf[X86_INSN_MAX_LEN],
	  size_t *n, struct x86_exception *exc, bool one_page)
{
	struct x86_exception tmp;
	size_t want, got = 0, chunk;
	gva_t la;
	gpa_t gpa;
	int rc;

	*n = 0;
	if (x86_fetch_limit(st, &la, &want, exc) != 0)
		return X86_MMU_FAULT;
	if (one_page)
		want = x86_page_chunk(la, want);

	while (got < want) {
		chunk = x86_page_chunk(la + got, want - got);
		if (fc != NULL && got == 0 && (st->cr0 & X86_CR0_PG)) {
			rc = x86_fetch_cached(m, st, fc, la, buf, chunk, &tmp);
		} else {
			rc = x86_mmu_gva_to_gpa(m, st, la + got, X86_ACC_EXEC,
			    &gpa, &tmp);
			if (rc == 0)
				rc = x86_fetch_bytes(m, gpa, buf + got, chunk);
		}
		if (rc == X86_MMU_FAULT) {
			*exc = tmp;
			if (got == 0)
				return X86_MMU_FAULT;
			break;
		}
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
	return x86_fetch(m, st, NULL, buf, n, exc, false);
}

int
x86_fetch_insn_page(struct x86_machine *m, const struct x86_state *st,
		    struct x86_fetch_cache *fc, uint8_t buf[X86_INSN_MAX_LEN],
		    size_t *n, struct x86_exception *exc)
{
	const uint8_t *p = fc != NULL ? x86_fetch_cache_lookup(fc, st) : NULL;

	if (p != NULL) {
		memcpy(buf, p, X86_INSN_MAX_LEN);
		*n = X86_INSN_MAX_LEN;
		return 0;
	}
	return x86_fetch(m, st, fc, buf, n, exc, true);
}
