/*
 * gl_paging.c - identity maps for long-mode guests (see gl_paging.h).
 *
 * 4-level paging, APM Vol.2 5.3 (long-mode page translation), 2 MiB pages:
 *
 *   63    48 47     39 38     30 29     21 20            0
 *  +--------+---------+---------+---------+---------------+
 *  |  sign  |  PML4   |  PDPT   |   PD    | 2 MiB offset  |
 *  +--------+---------+---------+---------+---------------+
 *
 * With 1 GiB pages (PDPTE.PS) the PD level goes away. Everything here fits
 * below 512 GiB, so one PML4 entry and one PDPT suffice.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_paging.h"

#if !defined(GL_MODE_LONG)
#error "gl_paging.c is for long-mode guests"
#endif

#define GL_PTE_P        BIT(0)
#define GL_PTE_RW       BIT(1)
#define GL_PTE_PS       BIT(7)
#define GL_PT_ENTRIES   512
#define GL_1G           (1ull << 30)
#define GL_2M           (1ull << 21)
#define GL_PAGING_NPD   (GL_PAGING_MAX_2M / GL_1G)

static uint64_t gl_pg_pml4[GL_PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t gl_pg_pdpt[GL_PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t gl_pg_pd[GL_PAGING_NPD][GL_PT_ENTRIES]
    __attribute__((aligned(4096)));

uint64_t gl_paging_identity(uint64_t top)
{
	struct gl_cpuid e1 = gl_cpuid(0x80000001u, 0);
	bool huge = e1.edx & X86_CPUID81_EDX_PAGE1GB;
	uint64_t max = huge ? GL_PAGING_MAX_1G : GL_PAGING_MAX_2M;
	uint64_t ngb;

	top = ALIGN_UP(top, GL_1G);
	if (top == 0)
		return 0;
	if (top > max)
		top = max;
	ngb = top / GL_1G;

	memset(gl_pg_pdpt, 0, sizeof(gl_pg_pdpt));
	for (uint64_t g = 0; g < ngb; g++) {
		if (huge) {
			gl_pg_pdpt[g] = (g * GL_1G) | GL_PTE_P | GL_PTE_RW | GL_PTE_PS;
			continue;
		}
		for (unsigned i = 0; i < GL_PT_ENTRIES; i++)
			gl_pg_pd[g][i] = (g * GL_1G + i * GL_2M) | GL_PTE_P |
			    GL_PTE_RW | GL_PTE_PS;
		gl_pg_pdpt[g] = (uintptr_t)gl_pg_pd[g] | GL_PTE_P | GL_PTE_RW;
	}
	memset(gl_pg_pml4, 0, sizeof(gl_pg_pml4));
	gl_pg_pml4[0] = (uintptr_t)gl_pg_pdpt | GL_PTE_P | GL_PTE_RW;
	/* Writing CR3 flushes the non-global TLB entries (APM Vol.2 5.5, TLB). */
	gl_write_cr3((uintptr_t)gl_pg_pml4);
	return top;
}
