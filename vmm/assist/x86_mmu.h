/*
 * x86_mmu.h - the guest MMU of the assist library: segmentation
 * (logical -> linear), paging (linear -> guest-physical) and guest
 * virtual memory access on top of x86_guestmem.h.
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
 * ignores it; we follow Intel), alignment checks (#AC), TLBs (every call
 * walks the tables in guest memory as they are now).
 * Accessed and dirty bits are set like hardware: A in every entry of a
 * successful walk, D in the leaf entry on a write access (the update is
 * dropped when the table lies in a read-only range).
 *
 * Return values used by every function here:
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

#define X86_MMU_FAULT (-1)
#define X86_MMU_PTE_NOT_RAM (-2)
#define X86_MMU_EMEM  (-3)

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

/* Access kinds (combinable). Without X86_ACC_WRITE/EXEC: a data read. */
#define X86_ACC_WRITE    BIT(0)
#define X86_ACC_EXEC     BIT(1)  /* instruction fetch */
#define X86_ACC_IMPLICIT BIT(2)  /* supervisor access whatever the CPL
				    (descriptor tables, SDM Vol.3 4.6) */

/*
 * x86_mmu_gva_to_gpa - translate the linear address la for an access of
 * kind acc under the paging mode of st (CR0.PG, CR4.PAE/PSE/LA57,
 * EFER.LMA/NXE, CR0.WP, CR4.SMEP/SMAP, RFLAGS.AC, CPL).
 * la need not be page-aligned; *gpa receives the full address.
 * In long mode a non-canonical la gives #GP(0); outside long mode la is
 * truncated to 32 bits.
 * Returns 0, X86_MMU_FAULT (#PF: error code in exc->error, la in
 * exc->cr2) or X86_MMU_PTE_NOT_RAM.
 */
int x86_mmu_gva_to_gpa(struct x86_machine *m, const struct x86_state *st,
		       gva_t la, unsigned acc, gpa_t *gpa,
		       struct x86_exception *exc);

/*
 * x86_seg_linear - logical -> linear address for an access of size bytes
 * at offset off of segment seg, with address size addrsize (2, 4 or 8
 * bytes: off is truncated to it first).
 *   real mode / virtual-8086: base + off; off .. off+size-1 must lie
 *     within the hidden limit (no type checks);
 *   protected and compatibility mode: the segment must be usable
 *     (attr P=1, S=1), writable for a write, readable for a read of a code
 *     segment, a code segment for EXEC; off .. off+size-1 must lie within
 *     the limit (expand-down data segments: above it, up to 0xffff or
 *     0xffffffff by the B bit); the result is truncated to 32 bits;
 *   64-bit mode: base only for FS and GS, no limit; both the first and the
 *     last byte must be canonical (48 or 57 bits by CR4.LA57).
 * A failure gives #SS(0) for SS and #GP(0) for the other segments.
 * NOTE for callers building state by hand: the limit is checked in every
 * mode but 64-bit mode (real mode: 0xffff after reset), and in protected
 * mode the attr too, so fill them as the CPU would hold them (e.g. attr
 * 0x093, limit 0xffffffff for a flat data segment; CS 0x09b).
 * Returns 0 or X86_MMU_FAULT.
 */
int x86_seg_linear(const struct x86_state *st, enum x86_seg seg,
		   uint64_t off, unsigned size, unsigned acc,
		   unsigned addrsize, gva_t *la, struct x86_exception *exc);

/*
 * x86_gva_read / x86_gva_write - copy len bytes (any length) between buf
 * and guest linear memory at la. Every page touched is translated (kind
 * acc; x86_gva_write adds X86_ACC_WRITE, x86_gva_read removes it, so a
 * read-modify-write checks writability with x86_mmu_gva_to_gpa first)
 * before any byte moves, so a #PF on the second page leaves memory and
 * devices untouched. RAM parts are copied, MMIO parts go to the Mem
 * callback (see x86_gpa_read).
 * Returns 0, X86_MMU_FAULT, X86_MMU_PTE_NOT_RAM or X86_MMU_EMEM.
 */
int x86_gva_read(struct x86_machine *m, const struct x86_state *st,
		 gva_t la, void *buf, size_t len, unsigned acc,
		 struct x86_exception *exc);
int x86_gva_write(struct x86_machine *m, const struct x86_state *st,
		  gva_t la, const void *buf, size_t len, unsigned acc,
		  struct x86_exception *exc);

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
 * CS:RIP: one page walk, where x86_fetch_insn walks a second page
 * whenever the 15 bytes cross into it. A short *n can then also mean
 * that the instruction goes on in the next page, so a caller whose
 * decoder wants more than *n bytes calls x86_fetch_insn for all of them.
 * The next page is neither walked nor touched (no A bits set there).
 * Same return values, and same fields of st read, as x86_fetch_insn.
 */
int x86_fetch_insn_page(struct x86_machine *m, const struct x86_state *st,
			uint8_t buf[X86_INSN_MAX_LEN], size_t *n,
			struct x86_exception *exc);

#endif /* X86_MMU_H */
