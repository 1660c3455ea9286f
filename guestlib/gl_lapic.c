/*
 * gl_lapic.c - local APIC access for the test guests (see gl_lapic.h).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_lapic.h"
#include "gl_tsc.h"

#if defined(GL_MODE_REAL)
#error "gl_lapic.c needs a flat 32-bit address space (pm32, pae, long)"
#endif

#define GL_CPUID1_ECX_X2APIC     BIT(21)
#define GL_CPUID1_ECX_TSCDL      BIT(24)
#define GL_X2APIC_MSR(reg)       (0x800u + ((reg) >> 4))
#define GL_LAPIC_CAL_US          10000u

static bool gl_lapic_x2;

bool gl_lapic_has_x2apic(void)
{
	return gl_cpuid(1, 0).ecx & GL_CPUID1_ECX_X2APIC;
}

bool gl_lapic_has_tsc_deadline(void)
{
	return gl_cpuid(1, 0).ecx & GL_CPUID1_ECX_TSCDL;
}

bool gl_lapic_x2_mode(void)
{
	return gl_lapic_x2;
}

uint32_t gl_lapic_read(unsigned reg)
{
	if (gl_lapic_x2)
		return (uint32_t)gl_rdmsr(GL_X2APIC_MSR(reg));
	return gl_mmio_read32(GL_LAPIC_BASE + reg);
}

void gl_lapic_write(unsigned reg, uint32_t v)
{
	if (gl_lapic_x2)
		gl_wrmsr(GL_X2APIC_MSR(reg), v);
	else
		gl_mmio_write32(GL_LAPIC_BASE + reg, v);
}

int gl_lapic_enable(bool x2)
{
	uint64_t base = gl_rdmsr(GL_MSR_APIC_BASE);
	uint64_t keep = base & ~(GL_APIC_BASE_EN | GL_APIC_BASE_EXTD);

	if (x2 && !gl_lapic_has_x2apic())
		return -1;
	/*
	 * SDM 10.12.5 (Figure 10-27): disabled -> xAPIC -> x2APIC, and back
	 * from x2APIC only through disabled; other transitions #GP.
	 */
	if (base & GL_APIC_BASE_EXTD) {
		if (!x2) {
			gl_wrmsr(GL_MSR_APIC_BASE, keep);
			gl_wrmsr(GL_MSR_APIC_BASE, keep | GL_APIC_BASE_EN);
		}
	} else {
		if (!(base & GL_APIC_BASE_EN))
			gl_wrmsr(GL_MSR_APIC_BASE, keep | GL_APIC_BASE_EN);
		if (x2)
			gl_wrmsr(GL_MSR_APIC_BASE, keep | GL_APIC_BASE_EN |
			    GL_APIC_BASE_EXTD);
	}
	gl_lapic_x2 = x2;
	gl_lapic_write(GL_LAPIC_SVR, GL_LAPIC_SVR_ENABLE | 0xff);
	gl_lapic_write(GL_LAPIC_TPR, 0);
	gl_lapic_write(GL_LAPIC_LVT_TIMER, GL_LAPIC_MASKED);
	/* The PC's virtual wire (MP spec 3.6.2.2): the 8259 on LINT0, NMI on LINT1. */
	gl_lapic_write(GL_LAPIC_LVT_LINT0, SHIFTIN(GL_LAPIC_DM_EXTINT, GL_LAPIC_DM));
	gl_lapic_write(GL_LAPIC_LVT_LINT1, SHIFTIN(GL_LAPIC_DM_NMI, GL_LAPIC_DM));
	gl_lapic_write(GL_LAPIC_LVT_ERROR, GL_LAPIC_MASKED);
	gl_lapic_write(GL_LAPIC_TIMER_ICR, 0);
	/* SDM 10.5.3: a write to the ESR updates it (back-to-back writes). */
	gl_lapic_write(GL_LAPIC_ESR, 0);
	gl_lapic_write(GL_LAPIC_ESR, 0);
	return 0;
}

uint32_t gl_lapic_id(void)
{
	uint32_t id = gl_lapic_read(GL_LAPIC_ID);

	return gl_lapic_x2 ? id : id >> 24;
}

void gl_lapic_eoi(void)
{
	gl_lapic_write(GL_LAPIC_EOI, 0);   /* x2APIC: a non-zero write is #GP */
}

bool gl_lapic_bit(unsigned base, unsigned vector)
{
	return gl_lapic_read(base + 0x10 * (vector / 32)) & BIT(vector % 32);
}

void gl_lapic_ipi(uint32_t icr, uint32_t dest)
{
	if (gl_lapic_x2) {
		/* One 64-bit write; the destination is the whole high word. */
		gl_wrmsr(GL_X2APIC_MSR(GL_LAPIC_ICR), ((uint64_t)dest << 32) | icr);
		return;
	}
	gl_lapic_write(GL_LAPIC_ICR_HI, dest << 24);
	gl_lapic_write(GL_LAPIC_ICR, icr);
	while (gl_lapic_read(GL_LAPIC_ICR) & GL_LAPIC_DS_PENDING)
		__asm__ volatile("pause");
}

void gl_lapic_timer(uint32_t lvt, uint32_t count)
{
	gl_lapic_write(GL_LAPIC_TIMER_DCR, GL_LAPIC_DCR_BY1);
	gl_lapic_write(GL_LAPIC_LVT_TIMER, lvt);
	gl_lapic_write(GL_LAPIC_TIMER_ICR, count);
}

uint32_t gl_lapic_timer_khz(void)
{
	struct gl_cpuid l1 = gl_cpuid(1, 0);
	uint32_t lvt = gl_lapic_read(GL_LAPIC_LVT_TIMER);
	uint32_t c0, c1;
	uint64_t t0, t1, us;

	if ((l1.ecx & X86_CPUID1_ECX_HYPERVISOR) &&
	    gl_cpuid(GUEST_CPUID_HV_LEAF, 0).eax >= GUEST_CPUID_HV_TIMING) {
		uint32_t khz = gl_cpuid(GUEST_CPUID_HV_TIMING, 0).ebx;

		if (khz)
			return khz;
	}
	/* Masked one-shot from the largest count; measure its decrease. */
	gl_lapic_timer(GL_LAPIC_MASKED | 0xff, 0xffffffffu);
	c0 = gl_lapic_read(GL_LAPIC_TIMER_CCR);
	t0 = gl_rdtsc();
	gl_tsc_delay_us(GL_LAPIC_CAL_US);
	c1 = gl_lapic_read(GL_LAPIC_TIMER_CCR);
	t1 = gl_rdtsc();
	gl_lapic_write(GL_LAPIC_TIMER_ICR, 0);
	gl_lapic_write(GL_LAPIC_LVT_TIMER, lvt);
	us = gl_tsc_to_us(t1 - t0);
	if (us == 0 || c1 >= c0)
		return 0;
	return (uint32_t)gl_udiv64((uint64_t)(c0 - c1) * 1000, (uint32_t)us, NULL);
}
