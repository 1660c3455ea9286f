/*
 * test_pmm.c - host tests for hv/pmm.c over a fake physical memory map.
 *
 * Fake machine (physical addresses; the arena below backs 0..ARENA_END):
 *   available  0x00000000-0x0009fc00   (below 1 MiB: must never be used)
 *   available  0x00100000-0x02000000   31 MiB
 *   available  0x02000800-0x02100000   unaligned start: first page partial
 *   available  0x1_00000000-0x2_00000000 above 4 GiB: outside the identity map
 *   reserved   0x00100000-0x00168123   "image" (unaligned end)
 *   reserved   0x00180010-0x00180500   "multiboot info"
 *   reserved   0x00300000-0x00300006   "module 0" (6 bytes)
 *   reserved   0x00400ff0-0x00401010   "module 1" straddling two pages
 * hpa_to_hva() aborts on any address outside the arena, so a page handed
 * out above 4 GiB would be caught as well.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hv/pmm.h"
#include "utap.h"

#define ARENA_END 0x02100000ULL
#define NPAGES_ARENA (ARENA_END / PAGE_SIZE)

static uint8_t *arena;

void *hpa_to_hva(hpa_t pa)
{
	if (pa >= ARENA_END) {
		printf("Bail out! hpa_to_hva(0x%llx) outside the fake RAM\n", (unsigned long long)pa);
		exit(1);
	}
	return arena + pa;
}

/* panic() stand-in: jump back to the test that expects it. */
static jmp_buf panic_jmp;
static int panic_armed;
static char panic_msg[256];

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	if (panic_armed) {
		panic_armed = 0;
		longjmp(panic_jmp, 1);
	}
	printf("Bail out! unexpected panic: %s\n", panic_msg);
	exit(1);
}

static const struct pmm_range avail[] = {
	{ 0x0, 0x9fc00 },
	{ 0x100000, 0x2000000 },
	{ 0x2000800, 0x2100000 },
	{ 0x100000000ULL, 0x200000000ULL },
};
static const struct pmm_range resv[] = {
	{ 0x100000, 0x168123 },
	{ 0x180010, 0x180500 },
	{ 0x300000, 0x300006 },
	{ 0x400ff0, 0x401010 },
};

#define NA (sizeof(avail) / sizeof(avail[0]))
#define NR (sizeof(resv) / sizeof(resv[0]))

/* The reference answer, page by page: may page pn be handed out? */
static int page_ok(uint64_t pn)
{
	uint64_t s = pn * PAGE_SIZE, e = s + PAGE_SIZE;
	int in = 0;

	if (s < 0x100000 || e > 0x100000000ULL)
		return 0;
	for (size_t i = 0; i < NA; i++)
		if (s >= avail[i].start && e <= avail[i].end)
			in = 1;
	for (size_t i = 0; i < NR; i++)
		if (s < resv[i].end && resv[i].start < e)
			return 0;
	return in;
}

static uint64_t expected_free;
static uint8_t *taken;          /* per page: handed out and not freed */

static void reset(void)
{
	pmm_init(avail, NA, resv, NR);
	memset(taken, 0, NPAGES_ARENA);
}

static void test_init(void)
{
	uint64_t mismatch = 0, first_bad = 0;

	expected_free = 0;
	for (uint64_t pn = 0; pn < NPAGES_ARENA; pn++) {
		if (page_ok(pn))
			expected_free++;
		if (pmm_page_is_free(pn * PAGE_SIZE) != page_ok(pn) && mismatch++ == 0)
			first_bad = pn;
	}
	ut_ok(pmm_free_page_count() == expected_free, "free page count matches the map minus reservations",
	      "got %llu, wanted %llu", (unsigned long long)pmm_free_page_count(),
	      (unsigned long long)expected_free);
	ut_ok(mismatch == 0, "every page's free bit matches the reference", "%llu differ, first page 0x%llx",
	      (unsigned long long)mismatch, (unsigned long long)(first_bad * PAGE_SIZE));
	ut_ok(pmm_page_is_free(0x168000) == 0 && pmm_page_is_free(0x169000) == 1,
	      "the image's partial last page is reserved, the next one free", NULL);
	ut_ok(!pmm_page_is_free(0x400000) && !pmm_page_is_free(0x401000),
	      "a module straddling two pages reserves both", NULL);
	ut_ok(!pmm_page_is_free(0x2000000) && pmm_page_is_free(0x2001000),
	      "a partial first page of a range is not used", NULL);
}

/* Allocate single pages until empty; check each; then free them all. */
static void test_drain(void)
{
	uint64_t n = 0, bad_place = 0, dup = 0, not_zero = 0;
	hpa_t pa, first_bad = 0;

	reset();
	while ((pa = pmm_alloc_page()) != 0) {
		uint64_t pn = pa / PAGE_SIZE;
		const uint8_t *p = hpa_to_hva(pa);

		if ((pa & PAGE_MASK) != 0 || !page_ok(pn)) {
			if (bad_place++ == 0)
				first_bad = pa;
			continue;
		}
		if (taken[pn])
			dup++;
		taken[pn] = 1;
		for (size_t i = 0; i < PAGE_SIZE; i++)
			not_zero += p[i] != 0;
		memset(hpa_to_hva(pa), 0xa5, PAGE_SIZE);   /* dirty it for the reuse check */
		n++;
	}
	ut_ok(bad_place == 0, "no page outside the usable map, below 1 MiB or reserved is handed out",
	      "%llu bad, first 0x%llx", (unsigned long long)bad_place, (unsigned long long)first_bad);
	ut_ok(dup == 0, "no page is handed out twice", "%llu duplicates", (unsigned long long)dup);
	ut_ok(n == expected_free, "allocating until empty yields every free page", "got %llu of %llu",
	      (unsigned long long)n, (unsigned long long)expected_free);
	ut_ok(not_zero == 0, "fresh pages are zeroed", "%llu non-zero bytes", (unsigned long long)not_zero);
	ut_ok(pmm_free_page_count() == 0 && pmm_alloc_pages(1, 1) == 0, "empty allocator returns 0", NULL);

	/* Free everything, in two halves, and check the count. */
	for (uint64_t pn = 0; pn < NPAGES_ARENA; pn += 2)
		if (taken[pn]) {
			pmm_free_pages(pn * PAGE_SIZE, 1);
			taken[pn] = 0;
		}
	ut_ok(pmm_alloc_pages(2, 1) == 0, "with every other page free, 2 contiguous pages fail", NULL);
	pa = pmm_alloc_page();
	ut_ok(pa != 0 && pa / PAGE_SIZE % 2 == 0, "but a single page succeeds", "got 0x%llx", (unsigned long long)pa);
	if (pa != 0)
		pmm_free_pages(pa, 1);
	for (uint64_t pn = 1; pn < NPAGES_ARENA; pn += 2)
		if (taken[pn]) {
			pmm_free_pages(pn * PAGE_SIZE, 1);
			taken[pn] = 0;
		}
	ut_ok(pmm_free_page_count() == expected_free, "freeing everything restores the count", "got %llu",
	      (unsigned long long)pmm_free_page_count());

	/* Reuse: a freed (dirtied) page comes back zeroed. */
	pa = pmm_alloc_page();
	{
		const uint8_t *p = pa ? hpa_to_hva(pa) : NULL;
		uint64_t nz = 0;

		for (size_t i = 0; p && i < PAGE_SIZE; i++)
			nz += p[i] != 0;
		ut_ok(pa != 0 && nz == 0, "a reused page is zeroed again", "pa 0x%llx, %llu non-zero bytes",
		      (unsigned long long)pa, (unsigned long long)nz);
	}
}

static int range_ok(hpa_t pa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!page_ok(pa / PAGE_SIZE + i))
			return 0;
	return 1;
}

/* The SVM core's shapes: 12 KiB IOPM, 8 KiB MSRPM, 2 MiB-aligned 2 MiB chunks. */
static void test_contiguous(void)
{
	hpa_t iopm, msrpm, big[16];
	int nbig = 0, bad = 0;

	reset();
	iopm = pmm_alloc_pages(3, 1);
	msrpm = pmm_alloc_pages(2, 1);
	ut_ok(iopm != 0 && range_ok(iopm, 3), "3 contiguous pages (IOPM)", "got 0x%llx", (unsigned long long)iopm);
	ut_ok(msrpm != 0 && range_ok(msrpm, 2) && (msrpm + 2 * PAGE_SIZE <= iopm || iopm + 3 * PAGE_SIZE <= msrpm),
	      "2 contiguous pages (MSRPM), disjoint from the IOPM", "got 0x%llx", (unsigned long long)msrpm);
	while (nbig < 16 && (big[nbig] = pmm_alloc_pages(512, 512)) != 0) {
		if (big[nbig] % 0x200000 != 0 || !range_ok(big[nbig], 512))
			bad++;
		nbig++;
	}
	/*
	 * Whole free 2 MiB-aligned chunks in the map: 0-2 MiB holds the image,
	 * 2-4 MiB module 0, 4-6 MiB module 1; 32-34 MiB starts with a partial
	 * page. That leaves 6..32 MiB = 13 chunks.
	 */
	ut_ok(bad == 0, "2 MiB chunks are 2 MiB-aligned and usable", "%d bad", bad);
	ut_ok(nbig == 13, "every free aligned 2 MiB chunk is found", "got %d chunks", nbig);
	ut_ok(pmm_alloc_pages(512, 512) == 0, "no 14th chunk", NULL);
	ut_ok(pmm_alloc_pages(1, 0) != 0, "alignment 0 means none", NULL);
	ut_ok(pmm_alloc_pages(0, 1) == 0, "zero pages is a failure, not address 0", NULL);
	ut_ok(pmm_alloc_pages((size_t)expected_free + 1, 1) == 0, "more than all pages fails", NULL);
	for (int i = 0; i < nbig; i++)
		pmm_free_pages(big[i], 512);
	ut_ok(pmm_alloc_pages(512, 512) == big[0], "a freed chunk is found again", NULL);
}

static void test_bad_free(void)
{
	hpa_t pa;

	reset();
	pa = pmm_alloc_page();
	pmm_free_pages(pa, 1);
	panic_armed = 1;
	if (setjmp(panic_jmp) == 0) {
		pmm_free_pages(pa, 1);
		ut_ok(0, "double free panics", "no panic");
	} else {
		ut_ok(strstr(panic_msg, "twice") != NULL, "double free panics", "message: %s", panic_msg);
	}
	panic_armed = 1;
	if (setjmp(panic_jmp) == 0) {
		pmm_free_pages(0x100000, 1);
		ut_ok(0, "freeing an image page panics", "no panic");
	} else {
		ut_ok(strstr(panic_msg, "not the allocator's") != NULL, "freeing an image page panics",
		      "message: %s", panic_msg);
	}
	panic_armed = 1;
	if (setjmp(panic_jmp) == 0) {
		pmm_free_pages(0x200010, 1);
		ut_ok(0, "freeing an unaligned address panics", "no panic");
	} else {
		ut_ok(1, "freeing an unaligned address panics", NULL);
	}
	panic_armed = 0;
}

int main(void)
{
	arena = calloc(1, ARENA_END);
	taken = calloc(1, NPAGES_ARENA);
	if (arena == NULL || taken == NULL) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	reset();
	test_init();
	test_drain();
	test_contiguous();
	test_bad_free();
	return ut_done();
}
