/*
 * mmio_diff.h - constants shared by mmio_diff.c and mmio_snip.S.
 */
#ifndef MMIO_DIFF_H
#define MMIO_DIFF_H

/* Real-mode guest: GDT selectors for the protected-mode windows. */
#define MD_SEL_BUF   0x08           /* 16-bit data, base = the test buffer */
#define MD_SEL_FLAT  0x10           /* data, base 0, limit 4 GiB */

#endif /* MMIO_DIFF_H */
