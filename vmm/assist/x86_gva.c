/*
 * x86_gva.c - guest-virtual memory access: copies between a buffer and
 * guest linear memory (see x86_gva.h).
 */
#include "x86_gva.h"
#include "x86_walk.h"

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

	/* The usual case, one page: one translation, one access. */
	if (len > 0 && x86_page_chunk(la, len) == len) {
		rc = x86_mmu_gva_to_gpa(m, st, la, acc, &gpa, exc);
		if (rc != 0)
			return rc;
		rc = write ? x86_gpa_write(m, gpa, buf, len) :
		    x86_gpa_read(m, gpa, buf, len);
		return rc != 0 ? X86_MMU_EMEM : 0;
	}
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
