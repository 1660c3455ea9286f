/*
 * x86_gva.h - guest-virtual memory access of the guest MMU: copies
 * between a buffer and guest linear memory, translated page by page by
 * the page walk (x86_walk.h) and carried out on guest-physical memory
 * (x86_guestmem.h: RAM is copied, MMIO goes to the Mem callback).
 * Return values: x86_mmu.h.
 */
#ifndef X86_GVA_H
#define X86_GVA_H

#include "x86_mmu.h"

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

#endif /* X86_GVA_H */
