/*
 * host_lapic.c - the host's local APIC (see host_lapic.h).
 */
#include "host_lapic.h"
#include "bits.h"
#include "log.h"
#include "svm.h"
#include "tsc.h"
#include "vmm_env.h"

#define MSR_APIC_BASE          0x1bu
#define MSR_APIC_BASE_EXTD     BIT(10)      /* x2APIC mode */
#define MSR_APIC_BASE_EN       BIT(11)
#define MSR_APIC_BASE_ADDR     BITS(51, 12)
#define MSR_TSC_DEADLINE       0x6e0u
#define MSR_X2APIC_BASE        0x800u

/* Register offsets in the xAPIC page (SDM Vol.3 Table 11-1). */
#define APIC_TPR       0x080
#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define APIC_SVR_EN    BIT(8)
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_PERF  0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_CCR 0x390
#define APIC_TIMER_DCR 0x3e0
#define APIC_LVT_MASKED        BIT(16)
#define APIC_LVT_DM_NMI        (4u << 8)
#define APIC_LVT_DM_EXTINT     (7u << 8)
#define APIC_LVT_TIMER_TSCDL   (2u << 17)
#define APIC_DCR_DIV1          0xb
#define CPUID_1_ECX_TSCDEADLINE BIT(24)

#define HOST_LAPIC_CAL_MS      10

static struct {
	bool x2apic;
	volatile uint32_t *mmio;
	bool tsc_deadline;
	uint64_t timer_hz;              /* one-shot mode: APIC timer ticks per second */
} host_lapic;

static uint32_t host_lapic_read(unsigned reg)
{
	if (host_lapic.x2apic)
		return (uint32_t)svm_rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return host_lapic.mmio[reg / 4];
}

static void host_lapic_write(unsigned reg, uint32_t v)
{
	if (host_lapic.x2apic)
		svm_wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		host_lapic.mmio[reg / 4] = v;
}

/* APIC timer ticks per second at divide 1, against the TSC. */
static uint64_t host_lapic_measure(void)
{
	uint64_t t0, wait = tsc_ns_to_ticks(HOST_LAPIC_CAL_MS * 1000000ULL);
	uint32_t left;

	host_lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | HOST_VEC_TIMER);
	host_lapic_write(APIC_TIMER_DCR, APIC_DCR_DIV1);
	t0 = tsc_read();
	host_lapic_write(APIC_TIMER_ICR, 0xffffffffu);
	while (tsc_read() - t0 < wait)
		__asm__ volatile("pause");
	left = host_lapic_read(APIC_TIMER_CCR);
	host_lapic_write(APIC_TIMER_ICR, 0);
	return vmm_muldiv64(0xffffffffu - left, 1000, HOST_LAPIC_CAL_MS);
}

void host_lapic_init(void)
{
	uint64_t base = svm_rdmsr(MSR_APIC_BASE);
	uint32_t r[4];

	if (!(base & MSR_APIC_BASE_EN)) {
		base |= MSR_APIC_BASE_EN;
		svm_wrmsr(MSR_APIC_BASE, base);
	}
	host_lapic.x2apic = (base & MSR_APIC_BASE_EXTD) != 0;
	host_lapic.mmio = (volatile uint32_t *)(uintptr_t)(base & MSR_APIC_BASE_ADDR);

	host_lapic_write(APIC_TPR, 0);
	host_lapic_write(APIC_SVR, APIC_SVR_EN | HOST_VEC_SPURIOUS);
	host_lapic_write(APIC_LVT_LINT0, APIC_LVT_DM_EXTINT);
	host_lapic_write(APIC_LVT_LINT1, APIC_LVT_DM_NMI);
	host_lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	host_lapic_write(APIC_LVT_PERF, APIC_LVT_MASKED | APIC_LVT_DM_NMI);

	svm_host_cpuid(1, 0, r);
	host_lapic.tsc_deadline = (r[2] & CPUID_1_ECX_TSCDEADLINE) != 0;
	if (host_lapic.tsc_deadline) {
		host_lapic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_TSCDL | HOST_VEC_TIMER);
		log_printf(LOG_INFO, "host: LAPIC in %s mode, timer in TSC-deadline mode\n",
			   host_lapic.x2apic ? "x2APIC" : "xAPIC");
		return;
	}
	host_lapic.timer_hz = host_lapic_measure();
	host_lapic_write(APIC_LVT_TIMER, HOST_VEC_TIMER);       /* one-shot */
	log_printf(LOG_INFO, "host: LAPIC in %s mode, one-shot timer at %llu kHz\n",
		   host_lapic.x2apic ? "x2APIC" : "xAPIC",
		   (unsigned long long)(host_lapic.timer_hz / 1000));
}

void host_lapic_arm(uint64_t tsc)
{
	uint64_t now, ticks;

	if (host_lapic.tsc_deadline) {
		/* 0 disarms, so a deadline of 0 (long past) becomes 1. */
		svm_wrmsr(MSR_TSC_DEADLINE, tsc == UINT64_MAX ? 0 : (tsc ? tsc : 1));
		return;
	}
	if (tsc == UINT64_MAX) {
		host_lapic_write(APIC_TIMER_ICR, 0);
		return;
	}
	now = tsc_read();
	/* Rounded up: the interrupt must not come before tsc. */
	ticks = tsc > now ? vmm_muldiv64(tsc - now, host_lapic.timer_hz, tsc_hz()) + 1 : 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	host_lapic_write(APIC_TIMER_ICR, (uint32_t)ticks);
}

void host_lapic_eoi(void)
{
	host_lapic_write(APIC_EOI, 0);
}
