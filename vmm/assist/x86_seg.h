/*
 * x86_seg.h - segmentation of the guest MMU: logical -> linear address,
 * with the limit and type checks of each CPU mode.
 *
 * Intel SDM Vol.3 chapter 3 (3.4.2 segment registers, 3.2.4 segmentation
 * in 64-bit mode), 5.3 (limit checking), 5.4.1 (type checking), 20.1.1
 * (real mode); AMD APM Vol.2 4.11, 4.12. Return values: x86_mmu.h.
 */
#ifndef X86_SEG_H
#define X86_SEG_H

#include "x86_mmu.h"

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

#endif /* X86_SEG_H */
