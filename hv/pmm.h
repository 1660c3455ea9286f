/*
 * pmm.h - physical page allocator: one bit per 4 KiB page below
 * PMM_LIMIT (the identity-mapped range), first fit.
 *
 * Pages handed out are ZEROED. Allocations may be contiguous and aligned
 * (pmm_alloc_pages(512, 512) gives a 2 MiB-aligned 2 MiB chunk). Page 0
 * and everything below 1 MiB are never handed out, nor are the reserved
 * ranges given to pmm_init() (the image with its BSS, page tables and
 * stack, the multiboot information, the modules).
 *
 * The core is host-testable: compiled with -DPMM_HOSTED, hpa_to_hva() is
 * provided by the test (it points into a host buffer).
 */
#ifndef HV_PMM_H
#define HV_PMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define PMM_LIMIT      0x100000000ULL            /* 4 GiB: end of the identity map */
#define PMM_LOW_LIMIT  0x100000ULL               /* nothing below 1 MiB */
#define PMM_MAX_PAGES  (PMM_LIMIT / PAGE_SIZE)

struct pmm_range {
	hpa_t start, end;       /* end exclusive; need not be page-aligned */
};

/*
 * Make the pages fully inside the avail ranges free, minus the pages that
 * touch a reserved range, minus anything below PMM_LOW_LIMIT or at/above
 * PMM_LIMIT. May be called again (the test does) to start over.
 */
void pmm_init(const struct pmm_range *avail, unsigned navail,
	      const struct pmm_range *reserved, unsigned nreserved);

/*
 * npages contiguous zeroed pages whose first page number is a multiple of
 * align_pages (0 or 1: no alignment). Returns the physical address, or 0
 * on failure (0 is never a valid result).
 */
hpa_t pmm_alloc_pages(size_t npages, size_t align_pages);
hpa_t pmm_alloc_page(void);
/* Return npages pages starting at pa. Freeing a free page panics (hv bug). */
void pmm_free_pages(hpa_t pa, size_t npages);
uint64_t pmm_free_page_count(void);
/* True if the page containing pa is currently allocated-able (free). */
bool pmm_page_is_free(hpa_t pa);

#ifdef PMM_HOSTED
void *hpa_to_hva(hpa_t pa);
#else
/* Host physical -> hypervisor virtual: identity below 4 GiB. */
static inline void *hpa_to_hva(hpa_t pa)
{
	return (void *)(uintptr_t)pa;
}
#endif

#endif /* HV_PMM_H */
