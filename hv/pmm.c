/*
 * pmm.c - physical page allocator (pmm.h).
 *
 * Two bitmaps with one bit per 4 KiB page below PMM_LIMIT:
 *   pmm_free_map  1 = free (can be handed out)
 *   pmm_owned_map 1 = page belongs to the allocator (was free at init);
 *                 freeing a page we never owned is a hypervisor bug.
 * 2 x 128 KiB of .bss for 4 GiB. Allocation is first fit over
 * [pmm_lo, pmm_hi), skipping whole 64-page words where possible.
 * Allocated pages are zeroed (guest RAM, VMCBs and page tables all want
 * zeroed memory, and a single policy is harder to get wrong).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "panic.h"
#include "pmm.h"
#include "string.h"

#define PMM_WORDS (PMM_MAX_PAGES / 64)

static uint64_t pmm_free_map[PMM_WORDS];
static uint64_t pmm_owned_map[PMM_WORDS];
static uint64_t pmm_lo, pmm_hi;          /* page-number bounds of owned pages */
static uint64_t pmm_nfree;

static bool pmm_test(const uint64_t *map, uint64_t pn)
{
	return (map[pn / 64] & BIT(pn % 64)) != 0;
}

static void pmm_set(uint64_t *map, uint64_t pn)
{
	map[pn / 64] |= BIT(pn % 64);
}

static void pmm_clear(uint64_t *map, uint64_t pn)
{
	map[pn / 64] &= ~BIT(pn % 64);
}

/*
 * Bits set in v. Not __builtin_popcountll: without -mpopcnt gcc calls
 * libgcc's __popcountdi2, and hv.elf links no libgcc (its code is not
 * built for a no-red-zone kernel).
 */
static unsigned pmm_popcount64(uint64_t v)
{
	unsigned n = 0;

	while (v != 0) {
		v &= v - 1;
		n++;
	}
	return n;
}

void pmm_init(const struct pmm_range *avail, unsigned navail,
	      const struct pmm_range *reserved, unsigned nreserved)
{
	memset(pmm_free_map, 0, sizeof(pmm_free_map));
	pmm_lo = PMM_MAX_PAGES;
	pmm_hi = 0;
	pmm_nfree = 0;

	/* Available ranges, shrunk to whole pages inside them. */
	for (unsigned i = 0; i < navail; i++) {
		uint64_t s = ALIGN_UP(avail[i].start, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(avail[i].end, PAGE_SIZE);

		if (s < PMM_LOW_LIMIT)
			s = PMM_LOW_LIMIT;
		if (e > PMM_LIMIT)
			e = PMM_LIMIT;
		for (uint64_t pn = s / PAGE_SIZE; pn < e / PAGE_SIZE; pn++)
			pmm_set(pmm_free_map, pn);
	}
	/* Reserved ranges, grown to every page they touch. */
	for (unsigned i = 0; i < nreserved; i++) {
		uint64_t s = ALIGN_DOWN(reserved[i].start, PAGE_SIZE);
		uint64_t e = ALIGN_UP(reserved[i].end, PAGE_SIZE);

		if (reserved[i].end <= reserved[i].start)
			continue;
		if (e > PMM_LIMIT)
			e = PMM_LIMIT;
		for (uint64_t pn = s / PAGE_SIZE; pn < e / PAGE_SIZE; pn++)
			pmm_clear(pmm_free_map, pn);
	}
	for (uint64_t w = 0; w < PMM_WORDS; w++) {
		uint64_t bits = pmm_free_map[w];

		pmm_owned_map[w] = bits;
		if (bits == 0)
			continue;
		pmm_nfree += pmm_popcount64(bits);
		if (w * 64 + (uint64_t)__builtin_ctzll(bits) < pmm_lo)
			pmm_lo = w * 64 + (uint64_t)__builtin_ctzll(bits);
		pmm_hi = w * 64 + 64 - (uint64_t)__builtin_clzll(bits);
	}
}

/* First page in [pn, end) whose free bit equals want, or end. */
static uint64_t pmm_find(uint64_t pn, uint64_t end, bool want)
{
	while (pn < end) {
		uint64_t word = pmm_free_map[pn / 64];

		if (!want)
			word = ~word;
		word &= ~(BIT(pn % 64) - 1);   /* ignore bits below pn */
		if (word != 0) {
			uint64_t hit = (pn & ~63ULL) + (uint64_t)__builtin_ctzll(word);

			return hit < end ? hit : end;
		}
		pn = (pn & ~63ULL) + 64;
	}
	return end;
}

hpa_t pmm_alloc_pages(size_t npages, size_t align_pages)
{
	uint64_t cand;

	if (npages == 0 || npages > pmm_nfree)
		return 0;
	if (align_pages == 0)
		align_pages = 1;
	if ((align_pages & (align_pages - 1)) != 0)
		panic("%s: alignment %zu pages is not a power of two", __func__, align_pages);

	cand = ALIGN_UP(pmm_lo, align_pages);
	while (cand < pmm_hi && npages <= pmm_hi - cand) {
		uint64_t used = pmm_find(cand, cand + npages, false);

		if (used == cand + npages) {
			hpa_t pa = cand * PAGE_SIZE;

			for (uint64_t pn = cand; pn < cand + npages; pn++)
				pmm_clear(pmm_free_map, pn);
			pmm_nfree -= npages;
			memset(hpa_to_hva(pa), 0, npages * PAGE_SIZE);
			return pa;
		}
		/* Restart at the next free page after the obstacle. */
		cand = pmm_find(used + 1, pmm_hi, true);
		cand = ALIGN_UP(cand, align_pages);
	}
	return 0;
}

hpa_t pmm_alloc_page(void)
{
	return pmm_alloc_pages(1, 1);
}

void pmm_free_pages(hpa_t pa, size_t npages)
{
	uint64_t pn0 = pa / PAGE_SIZE;

	if ((pa & PAGE_MASK) != 0 || pn0 >= PMM_MAX_PAGES || npages > PMM_MAX_PAGES - pn0)
		panic("%s: bad range 0x%llx + %zu pages", __func__, (unsigned long long)pa, npages);
	for (uint64_t pn = pn0; pn < pn0 + npages; pn++) {
		if (!pmm_test(pmm_owned_map, pn))
			panic("%s: page 0x%llx is not the allocator's", __func__,
			      (unsigned long long)(pn * PAGE_SIZE));
		if (pmm_test(pmm_free_map, pn))
			panic("%s: page 0x%llx freed twice", __func__,
			      (unsigned long long)(pn * PAGE_SIZE));
	}
	for (uint64_t pn = pn0; pn < pn0 + npages; pn++)
		pmm_set(pmm_free_map, pn);
	pmm_nfree += npages;
}

uint64_t pmm_free_page_count(void)
{
	return pmm_nfree;
}

bool pmm_page_is_free(hpa_t pa)
{
	uint64_t pn = pa / PAGE_SIZE;

	return pn < PMM_MAX_PAGES && pmm_test(pmm_free_map, pn);
}
