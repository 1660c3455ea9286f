/*
 * gl_tsc.c - TSC frequency and delays for the test guests (see gl_tsc.h).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_pit.h"
#include "gl_tsc.h"

#define GL_TSC_PIT_MS     20
#define GL_TSC_PIT_COUNT  ((GL_PIT_HZ * GL_TSC_PIT_MS) / 1000)   /* 23863 */
#define GL_TSC_PIT_CTRL   0x43
#define GL_TSC_PIT_CH2    0x42
#define GL_TSC_PIT_CW_CH2_M0 0xb0       /* counter 2, LSB+MSB, mode 0, binary */
/* Give up waiting for OUT2 after this many TSC ticks (10 s at 5 GHz). */
#define GL_TSC_GIVEUP     50000000000ull

static uint32_t gl_tsc_khz_cached;
static bool gl_tsc_cpuid;

/* CPUID 0x40000010 EAX if the hypervisor leaf range reaches it, else 0. */
static uint32_t gl_tsc_khz_leaf(void)
{
	struct gl_cpuid l1 = gl_cpuid(1, 0);

	if (!(l1.ecx & X86_CPUID1_ECX_HYPERVISOR))
		return 0;
	if (gl_cpuid(GUEST_CPUID_HV_LEAF, 0).eax < GUEST_CPUID_HV_TIMING)
		return 0;
	return gl_cpuid(GUEST_CPUID_HV_TIMING, 0).eax;
}

/* TSC ticks for GL_TSC_PIT_COUNT PIT ticks; 0 if OUT2 never rose. */
static uint64_t gl_tsc_pit_measure(void)
{
	uint64_t t0, t1;

	/*
	 * Control word (counter 2, LSB then MSB, mode 0): OUT2 goes low; the
	 * count starts with the MSB write, so the TSC is read right before
	 * it rather than around a helper that does all three writes.
	 */
	gl_pit_gate2(true);
	gl_outb(GL_TSC_PIT_CTRL, GL_TSC_PIT_CW_CH2_M0);
	gl_outb(GL_TSC_PIT_CH2, (uint8_t)GL_TSC_PIT_COUNT);
	t0 = gl_rdtsc();
	gl_outb(GL_TSC_PIT_CH2, (uint8_t)(GL_TSC_PIT_COUNT >> 8));
	do {
		t1 = gl_rdtsc();
		if (t1 - t0 > GL_TSC_GIVEUP)
			return 0;
	} while (!gl_pit_out2());
	gl_pit_gate2(false);
	return t1 - t0;
}

uint32_t gl_tsc_khz(void)
{
	uint64_t best = 0;

	if (gl_tsc_khz_cached)
		return gl_tsc_khz_cached;
	gl_tsc_khz_cached = gl_tsc_khz_leaf();
	if (gl_tsc_khz_cached) {
		gl_tsc_cpuid = true;
		return gl_tsc_khz_cached;
	}
	for (int i = 0; i < 3; i++) {
		uint64_t t = gl_tsc_pit_measure();

		if (t != 0 && (best == 0 || t < best))
			best = t;
	}
	/* kHz = ticks * PIT_HZ / count / 1000 */
	gl_tsc_khz_cached = (uint32_t)gl_udiv64(best * GL_PIT_HZ,
	    GL_TSC_PIT_COUNT * 1000u, NULL);
	return gl_tsc_khz_cached;
}

bool gl_tsc_khz_from_cpuid(void)
{
	gl_tsc_khz();
	return gl_tsc_cpuid;
}

uint64_t gl_tsc_from_us(uint64_t us)
{
	return gl_udiv64(us * gl_tsc_khz(), 1000, NULL);
}

uint64_t gl_tsc_to_us(uint64_t ticks)
{
	uint32_t khz = gl_tsc_khz();

	return khz ? gl_udiv64(ticks * 1000, khz, NULL) : 0;
}

void gl_tsc_delay_us(uint64_t us)
{
	uint64_t t0 = gl_rdtsc(), n = gl_tsc_from_us(us);

	while (gl_rdtsc() - t0 < n)
		__asm__ volatile("pause");
}
