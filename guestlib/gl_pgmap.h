/*
 * gl_pgmap.h - extra mappings for the pae and long test guests, on top of
 * the 1 GiB identity map their entry stub builds (gl_entry.S):
 *
 *   3 GiB .. 4 GiB       identity, 2 MiB pages, uncached (PCD|PWT): the
 *                        MMIO of the PC (pc-testdev buffer 0xff000000,
 *                        IOAPIC 0xfec00000, LAPIC 0xfee00000)
 *   GL_PGMAP_WIN + 2 MiB 4 KiB pages placed one at a time, e.g. a RAM page
 *                        right before an MMIO page, so that one access
 *                        crosses from RAM into MMIO
 *
 * pm32 guests run without paging: everything is at its physical address,
 * gl_pgmap_mmio() does nothing and gl_pgmap_4k() fails. Page-table
 * formats: APM Vol.2 5.3 (long mode), 5.2.2 and "PAE Paging" (the four
 * PDPTEs have only P, PWT, PCD and the address, and are loaded from
 * memory when CR3 is written).
 */
#ifndef GL_PGMAP_H
#define GL_PGMAP_H

#include <stdbool.h>
#include <stdint.h>

#define GL_PGMAP_WIN      0x40000000u
#define GL_PGMAP_WIN_SIZE 0x200000u

/* Map 3-4 GiB identity (uncached). */
void gl_pgmap_mmio(void);

/*
 * Map the 4 KiB page at va (inside the window) to physical pa, uncached
 * if asked. Returns 0, or -1 if va is outside the window or the guest
 * has no paging (pm32).
 */
int gl_pgmap_4k(uintptr_t va, uint64_t pa, bool uncached);

#endif /* GL_PGMAP_H */
