/*
 * npt.c - building the nested page tables for guest RAM.
 *
 * Tables only grow: guest RAM is mapped once before the first VMRUN and
 * MMIO ranges are simply never mapped, so their accesses exit with #NPF
 * (APM Vol.2 15.25.6). Nothing but the guest's RAM block is ever mapped:
 * the hypervisor's own memory is not reachable from the guest.
 */
#include "npt.h"
#include "assert.h"
#include "log.h"
#include "pmm.h"

/*
 * A guest-physical address splits like a long-mode virtual address
 * (APM Vol.2 5.3.3, Figure 5-17):
 *
 *   47        39 38        30 29        21 20        12 11          0
 *  +------------+------------+------------+------------+-------------+
 *  | PML4 index | PDPT index |  PD index  |  PT index  | page offset |
 *  +------------+------------+------------+------------+-------------+
 *     level 3      level 2      level 1      level 0
 *
 * A PD entry with PS set maps 2 MiB directly (bits 20..0 are the offset).
 */
#define NPT_LEVELS 4

static inline unsigned npt_index(gpa_t gpa, int level)
{
	return (unsigned)((gpa >> (PAGE_SHIFT + 9 * level)) & 0x1ff);
}

/* Flags of a non-leaf entry: everything allowed, the leaf decides. */
#define NPT_TABLE_FLAGS (NPT_PTE_P | NPT_PTE_RW | NPT_PTE_US)
/* Flags of a leaf: read, execute, user (15.25.5); RW added for RAM. */
#define NPT_LEAF_FLAGS  (NPT_PTE_P | NPT_PTE_US)

static uint64_t *npt_table(hpa_t pa)
{
	return hpa_to_hva(pa);
}

int npt_init(struct npt *npt)
{
	npt->root = pmm_alloc_page();
	npt->table_pages = 0;
	npt->mapped_4k = 0;
	npt->mapped_2m = 0;
	if (npt->root == 0)
		return -1;
	npt->table_pages = 1;
	return 0;
}

/*
 * Return the table at level `level` (2 = PDPT, 1 = PD, 0 = PT) that
 * covers gpa, allocating the missing levels on the way down. NULL when
 * out of memory or when a large page is in the way.
 */
static uint64_t *npt_walk_alloc(struct npt *npt, gpa_t gpa, int level)
{
	uint64_t *table = npt_table(npt->root);

	for (int l = NPT_LEVELS - 1; l > level; l--) {
		uint64_t *pte = &table[npt_index(gpa, l)];

		if (!(*pte & NPT_PTE_P)) {
			hpa_t pa = pmm_alloc_page();

			if (pa == 0)
				return NULL;
			npt->table_pages++;
			*pte = pa | NPT_TABLE_FLAGS;
		} else if (*pte & NPT_PTE_PS) {
			return NULL;
		}
		table = npt_table(npt_pte_addr(*pte));
	}
	return table;
}

int npt_map(struct npt *npt, gpa_t gpa, hpa_t hpa, uint64_t size, bool write)
{
	ASSERT((gpa & PAGE_MASK) == 0 && (hpa & PAGE_MASK) == 0 && (size & PAGE_MASK) == 0);
	ASSERT(gpa + size <= NPT_GPA_LIMIT && gpa + size >= gpa);

	while (size != 0) {
		bool large = (gpa & (NPT_LARGE_SIZE - 1)) == 0 &&
			     (hpa & (NPT_LARGE_SIZE - 1)) == 0 && size >= NPT_LARGE_SIZE;
		int level = large ? 1 : 0;
		uint64_t step = large ? NPT_LARGE_SIZE : PAGE_SIZE;
		uint64_t *table = npt_walk_alloc(npt, gpa, level);
		uint64_t *pte;

		if (table == NULL)
			goto error;
		pte = &table[npt_index(gpa, level)];
		if (*pte & NPT_PTE_P)
			goto error;
		*pte = hpa | NPT_LEAF_FLAGS | (write ? NPT_PTE_RW : 0) | (large ? NPT_PTE_PS : 0);
		if (large)
			npt->mapped_2m++;
		else
			npt->mapped_4k++;
		gpa += step;
		hpa += step;
		size -= step;
	}
	return 0;

error:
	log_printf(LOG_ERR, "npt: cannot map GPA 0x%llx (out of memory or overlap)\n",
		   (unsigned long long)gpa);
	return -1;
}
