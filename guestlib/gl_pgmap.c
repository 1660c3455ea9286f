/*
 * gl_pgmap.c - MMIO and window mappings for the test guests (see
 * gl_pgmap.h). The tables below are added to the entry stub's: PDPT
 * entry 3 (3-4 GiB) and PDPT entry 1 (1-2 GiB, the window), each
 * pointing to a page directory of our own.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_pgmap.h"

#if defined(GL_MODE_REAL)
#error "gl_pgmap.c is for pm32, pae and long guests"
#endif

#if defined(GL_MODE_PAE) || defined(GL_MODE_LONG)

#define GL_PTE_P      BIT(0)
#define GL_PTE_RW     BIT(1)
#define GL_PTE_PWT    BIT(3)
#define GL_PTE_PCD    BIT(4)
#define GL_PTE_PS     BIT(7)
#define GL_PT_N       512
#define GL_2M         0x200000u
#define GL_3G         0xc0000000u

#if defined(GL_MODE_PAE)
extern uint64_t gl_pae_pdpt[4];
# define GL_PDPT      gl_pae_pdpt
# define GL_PDPTE_BITS GL_PTE_P                 /* RW is reserved there */
#else
extern uint64_t gl_lm_pdpt[GL_PT_N];
# define GL_PDPT      gl_lm_pdpt
# define GL_PDPTE_BITS (GL_PTE_P | GL_PTE_RW)
#endif

static uint64_t gl_pgmap_pd_high[GL_PT_N] __attribute__((aligned(4096)));
static uint64_t gl_pgmap_pd_win[GL_PT_N] __attribute__((aligned(4096)));
static uint64_t gl_pgmap_pt_win[GL_PT_N] __attribute__((aligned(4096)));

/* Reload CR3: flushes the TLB and, in PAE mode, reloads the PDPTEs. */
static void gl_pgmap_flush(void)
{
	gl_write_cr3(gl_read_cr3());
}

void gl_pgmap_mmio(void)
{
	for (unsigned i = 0; i < GL_PT_N; i++)
		gl_pgmap_pd_high[i] = ((uint64_t)GL_3G + (uint64_t)i * GL_2M) |
		    GL_PTE_P | GL_PTE_RW | GL_PTE_PS | GL_PTE_PWT | GL_PTE_PCD;
	GL_PDPT[3] = (uintptr_t)gl_pgmap_pd_high | GL_PDPTE_BITS;
	gl_pgmap_flush();
}

int gl_pgmap_4k(uintptr_t va, uint64_t pa, bool uncached)
{
	if (va < GL_PGMAP_WIN || va - GL_PGMAP_WIN >= GL_PGMAP_WIN_SIZE)
		return -1;
	if (!(GL_PDPT[1] & GL_PTE_P)) {
		gl_pgmap_pd_win[0] = (uintptr_t)gl_pgmap_pt_win | GL_PTE_P | GL_PTE_RW;
		GL_PDPT[1] = (uintptr_t)gl_pgmap_pd_win | GL_PDPTE_BITS;
	}
	gl_pgmap_pt_win[(va - GL_PGMAP_WIN) >> 12] = (pa & ~0xfffull) |
	    GL_PTE_P | GL_PTE_RW | (uncached ? GL_PTE_PWT | GL_PTE_PCD : 0);
	gl_pgmap_flush();
	return 0;
}

#else /* pm32: no paging */

void gl_pgmap_mmio(void)
{
}

int gl_pgmap_4k(uintptr_t va, uint64_t pa, bool uncached)
{
	(void)va;
	(void)pa;
	(void)uncached;
	return -1;
}

#endif
