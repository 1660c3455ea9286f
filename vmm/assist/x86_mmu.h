/*
 * x86_mmu.h - what the four parts of the assist library's guest MMU
 * share: return values, access kinds, the canonical-address check and a
 * few helpers. The parts, each with its own header:
 *   x86_seg.h    segmentation: logical -> linear (x86_seg.c)
 *   x86_walk.h   the guest page walk: linear -> guest-physical (x86_walk.c)
 *   x86_gva.h    guest-virtual memory access (x86_gva.c)
 *   x86_fetch.h  instruction fetch and the fetch cache (x86_fetch.c)
 * all on top of guest-physical memory (x86_guestmem.h).
 *
 * Sources: Intel SDM Vol.3 chapters 3 (segmentation), 4 (paging) and 5
 * (protection); AMD APM Vol.2 chapters 4 (segmentation) and 5 (paging).
 *
 * Paging modes: none (CR0.PG=0, incl. real mode), 32-bit (4 KiB pages,
 * 4 MiB pages with CR4.PSE incl. PSE-36 high bits), PAE (CR3 bits 31:5
 * point to the PDPT, 4 KiB and 2 MiB pages), 4-level (CR4.PSE ignored,
 * 4 KiB, 2 MiB and 1 GiB pages) and 5-level (CR4.LA57).
 * Checks: present, reserved bits (MAXPHYADDR from x86_machine), write
 * (CR0.WP, CPL), user, NX (EFER.NXE), SMEP, SMAP (RFLAGS.AC); not
 * modelled: protection keys, the PDPTE cache of PAE mode (PDPTEs are read
 * from memory on every walk), the A20 gate, CPUID-dependent features (1 GiB
 * pages are always allowed), AMD's MBZ bit 8 of PML4/PML5 entries (Intel
 * ignores it; we follow Intel), alignment checks (#AC), TLBs: every
 * translation reflects the tables in guest memory as they are now (the
 * fetch cache of x86_fetch.h and the translation cache of data accesses,
 * struct x86_xlat, re-read every entry they depend on).
 * Accessed and dirty bits are set like hardware: A in every entry of a
 * successful walk, D in the leaf entry on a write access (the update is
 * dropped when the table lies in a read-only range).
 *
 * Return values used by every MMU function:
 *   0                 success
 *   X86_MMU_FAULT     a guest exception: *exc is filled (#PF with error
 *                     code and cr2, #GP(0) or #SS(0)); inject it
 *   X86_MMU_PTE_NOT_RAM  a paging-structure entry is not in RAM: it
 *                     lies in MMIO or unmapped guest-physical memory.
 *                     Hardware would read the device; we cannot, and a
 *                     #PF would be a lie, so this is a host-level error:
 *                     stop the guest and report.
 *   X86_MMU_EMEM      a guest-physical access failed (x86_gpa_read/write
 *                     returned -1: MMIO with no Mem callback registered)
 */
#ifndef X86_MMU_H
#define X86_MMU_H

#include "x86_guestmem.h"
#include "x86_machine.h"
#include "x86_state.h"

#define X86_MMU_FAULT       (-1)
#define X86_MMU_PTE_NOT_RAM (-2)
#define X86_MMU_EMEM        (-3)

/* Access kinds (combinable). Without X86_ACC_WRITE/EXEC: a data read. */
#define X86_ACC_WRITE    BIT(0)
#define X86_ACC_EXEC     BIT(1)  /* instruction fetch */
#define X86_ACC_IMPLICIT BIT(2)  /* supervisor access whatever the CPL
				    (descriptor tables, SDM Vol.3 4.6) */

/*
 * Width of a long-mode linear address: 57 bits with CR4.LA57 (5-level
 * paging), else 48 (SDM Vol.3 4.5). The one source of this number for
 * the guest MMU; meant for hv/'s MSR checks (FS/GS base, LSTAR...) too.
 */
static inline unsigned
x86_va_bits(uint64_t cr4)
{
	return (cr4 & X86_CR4_LA57) ? 57 : 48;
}

/* Canonical: bits 63 .. va_bits-1 all equal (SDM Vol.1 3.3.7.1). */
static inline bool
x86_canonical(uint64_t la, unsigned va_bits)
{
	unsigned sh = 64 - va_bits;

	return (uint64_t)((int64_t)(la << sh) >> sh) == la;
}

/* Fill *exc with a fault that has an error code (#GP, #SS, #PF). */
static inline void
x86_mmu_exc(struct x86_exception *exc, uint8_t vector, uint32_t error,
	    gva_t cr2)
{
	exc->vector = vector;
	exc->has_error = true;
	exc->error = error;
	exc->cr2 = cr2;
}

/* Bytes from la to the end of its 4 KiB page, at most len. */
static inline size_t
x86_page_chunk(gva_t la, size_t len)
{
	uint64_t room = PAGE_SIZE - (la & PAGE_MASK);

	return len < room ? len : (size_t)room;
}

#endif /* X86_MMU_H */
