/*
 * npt.h - nested page tables: guest-physical -> host-physical.
 *
 * AMD APM Vol.2 15.25 "Nested Paging": the nested tables use the long-mode
 * 4-level format (Vol.2 5.3) rooted at VMCB N_CR3. Every guest access is
 * checked as a user access (15.25.5), so each level must have U set.
 */
#ifndef HV_NPT_H
#define HV_NPT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "bits.h"

#define NPT_PTE_P          BIT(0)
#define NPT_PTE_RW         BIT(1)
#define NPT_PTE_US         BIT(2)
#define NPT_PTE_PWT        BIT(3)
#define NPT_PTE_PCD        BIT(4)
#define NPT_PTE_A          BIT(5)
#define NPT_PTE_D          BIT(6)
#define NPT_PTE_PS         BIT(7)       /* in a PDE/PDPE: large page */
#define NPT_PTE_NX         BIT(63)
#define NPT_PTE_ADDR_MASK  BITS(51, 12)
#define NPT_PDE_2M_ADDR_MASK BITS(51, 21)

#define NPT_LARGE_SIZE     0x200000ULL  /* 2 MiB */
#define NPT_GPA_LIMIT      BIT(48)      /* 4 levels: 48-bit guest-physical space */

static inline hpa_t npt_pte_addr(uint64_t pte)
{
	return pte & NPT_PTE_ADDR_MASK;
}

struct npt {
	hpa_t root;                 /* PML4 page: goes into VMCB N_CR3 */
	uint64_t table_pages;       /* page-table pages allocated */
	uint64_t mapped_4k;         /* statistics for the boot log */
	uint64_t mapped_2m;
};

/* Allocate an empty root. Returns 0 or -1 (out of memory). */
int npt_init(struct npt *npt);

/*
 * Map [gpa, gpa + size) to [hpa, hpa + size), readable and executable,
 * writable if write (a read-only mapping makes guest writes exit with
 * #NPF, so the hypervisor can drop them: ROM), using
 * 2 MiB pages wherever gpa, hpa and the remaining size allow and 4 KiB
 * pages elsewhere. gpa, hpa and size must be 4 KiB-aligned (hv bug
 * otherwise). Returns 0, or -1 if a table page cannot be allocated or the
 * range overlaps an existing mapping.
 */
int npt_map(struct npt *npt, gpa_t gpa, hpa_t hpa, uint64_t size, bool write);

#endif /* HV_NPT_H */
