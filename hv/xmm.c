/*
 * xmm.c - the guest's XMM registers (see xmm.h). MOVDQU takes no
 * register number at run time, hence one instruction per register.
 * The guest has CR4.OSFXSR set whenever it executes an SSE move, but the
 * host's CR0 and CR4 are ours: the first access sets CR4.OSFXSR and
 * clears CR0.EM and CR0.TS, so that MOVDQU is legal here (SDM Vol.3
 * 13.1.3; VMRUN switches CR0/CR4, so the guest's stay as they are).
 */
#include "xmm.h"
#include "bits.h"

#define XMM_CR0_EM      BIT(2)
#define XMM_CR0_TS      BIT(3)
#define XMM_CR4_OSFXSR  BIT(9)

static bool xmm_ready;

static void xmm_enable(void)
{
	uint64_t cr0, cr4;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~(XMM_CR0_EM | XMM_CR0_TS)));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | XMM_CR4_OSFXSR));
	xmm_ready = true;
}

#define XMM_CASE(n)                                                             \
	case n:                                                                 \
		if (write)                                                      \
			__asm__ volatile("movdqu (%0), %%xmm" #n : : "r"(data) : "memory"); \
		else                                                            \
			__asm__ volatile("movdqu %%xmm" #n ", (%0)" : : "r"(data) : "memory"); \
		break

void xmm_access(unsigned reg, bool write, uint8_t data[16])
{
	if (!xmm_ready)
		xmm_enable();
	switch (reg & 15) {
	XMM_CASE(0); XMM_CASE(1); XMM_CASE(2); XMM_CASE(3);
	XMM_CASE(4); XMM_CASE(5); XMM_CASE(6); XMM_CASE(7);
	XMM_CASE(8); XMM_CASE(9); XMM_CASE(10); XMM_CASE(11);
	XMM_CASE(12); XMM_CASE(13); XMM_CASE(14); XMM_CASE(15);
	}
}
