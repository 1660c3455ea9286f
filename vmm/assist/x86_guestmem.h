/*
 * x86_guestmem.h - the guest-physical memory map and guest-physical
 * memory access of the assist library.
 *
 * The monitor owns host memory; a RAM range (struct x86_memrange in
 * x86_machine.h) is a view from guest-physical addresses onto it, and two
 * ranges may view the same host bytes. Guest-physical addresses that no
 * range covers are MMIO: every access to them goes to the machine's Mem
 * callback (libnvmm's read_guest_memory/write_guest_memory model, see
 * reference/nvmm-notes.txt).
 *
 * Addresses need not be page-aligned and accesses may have any length:
 * an access that crosses from one range into another, or from RAM into
 * MMIO, is split at the boundary.
 */
#ifndef X86_GUESTMEM_H
#define X86_GUESTMEM_H

#include "x86_machine.h"

/*
 * x86_memmap_add - add a view [gpa, gpa + size) -> [hva, hva + size).
 *   prot: X86_PROT_READ | X86_PROT_WRITE for RAM, X86_PROT_READ for ROM
 *   (guest writes are dropped). A range without X86_PROT_READ reads as
 *   all-ones bytes.
 * Returns 0, or -1 if size is 0, hva is NULL, gpa + size wraps, the range
 * overlaps an existing one, or the map already holds X86_MEMMAP_MAX
 * ranges. The map is kept sorted by gpa.
 */
int x86_memmap_add(struct x86_machine *m, gpa_t gpa, uint64_t size,
		   uint8_t *hva, unsigned prot);

/*
 * x86_memmap_find - the view that contains gpa, or NULL if gpa is MMIO.
 * For callers that need the view's protection as well as the pointer
 * (the guest page walk: where to read an entry, and whether an A/D
 * update can be stored there). Inline: the walk calls it once per level
 * on every instruction fetch, and the map is a handful of views (a
 * linear scan is as fast as anything cleverer).
 */
static inline const struct x86_memrange *
x86_memmap_find(const struct x86_machine *m, gpa_t gpa)
{
	for (unsigned i = 0; i < m->nranges; i++) {
		const struct x86_memrange *r = &m->ranges[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

/*
 * x86_xlat_flush - empty the machine's translation cache (m->xlat, used
 * by x86_mmu_gva_to_gpa; the counters stay). x86_memmap_add calls it;
 * an owner that changes m->ranges or m->nranges itself calls it too.
 */
static inline void
x86_xlat_flush(struct x86_machine *m)
{
	m->xlat[0].valid = false;
	m->xlat[1].valid = false;
}

/*
 * x86_gpa_to_hva - the monitor's pointer to the byte at gpa.
 * Returns NULL if gpa is MMIO (no range covers it). If avail is not NULL
 * it receives the number of bytes from gpa to the end of the range
 * (for MMIO: to the start of the next range, or to 2^64 - 1 if none).
 * The pointer ignores X86_PROT_WRITE: a caller that writes through it
 * must check the range itself (x86_gpa_write does).
 */
uint8_t *x86_gpa_to_hva(const struct x86_machine *m, gpa_t gpa,
			uint64_t *avail);

/*
 * x86_gpa_read / x86_gpa_write - copy len bytes (any length) between buf
 * and guest-physical memory starting at gpa. RAM parts are copied; MMIO
 * parts go to m->mem_cb in naturally aligned pieces of 1, 2, 4 or 8
 * bytes, in ascending address order. Writes to ranges without
 * X86_PROT_WRITE are dropped.
 * Returns 0, or -1 if gpa + len wraps past 2^64 or an MMIO part is met
 * while no Mem callback is registered (reads then fill all-ones bytes,
 * writes are dropped).
 */
int x86_gpa_read(struct x86_machine *m, gpa_t gpa, void *buf, size_t len);
int x86_gpa_write(struct x86_machine *m, gpa_t gpa, const void *buf,
		  size_t len);

#endif /* X86_GUESTMEM_H */
