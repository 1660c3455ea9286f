/*
 * gl_paging.h - identity maps for long-mode guests that touch more than
 * the 1 GiB the entry stub maps (badgpa, hvleak).
 */
#ifndef GL_PAGING_H
#define GL_PAGING_H

#include <stdint.h>

/* Largest top gl_paging_identity() can map with 2 MiB pages. */
#define GL_PAGING_MAX_2M  (64ull << 30)
/* Largest top with 1 GiB pages (one PDPT). */
#define GL_PAGING_MAX_1G  (512ull << 30)

/*
 * Build fresh 4-level tables identity-mapping [0, top) (top rounded up to
 * 1 GiB) and switch CR3 to them. Uses 1 GiB pages when CPUID
 * Fn8000_0001 EDX[26] allows, else 2 MiB pages. Returns the top actually
 * mapped (smaller than asked if the table pool is too small), 0 on error.
 */
uint64_t gl_paging_identity(uint64_t top);

#endif /* GL_PAGING_H */
