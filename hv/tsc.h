/*
 * tsc.h - the host's time base: the TSC, its frequency (measured at boot
 * against the PIT), and the virtual clock of the guest built on it.
 *
 * The TSC is invariant on the CPUs that have SVM and nested paging worth
 * running on (CPUID Fn8000_0007 EDX[8]); tsc_init() says so if not.
 */
#ifndef HV_TSC_H
#define HV_TSC_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t tsc_read(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * Measure the TSC frequency against the PIT (channel 2, gated through
 * port 0x61, 50 ms) and print it. Returns the frequency in Hz; never 0
 * (a machine whose PIT does not count gets a loud warning and a guess).
 */
uint64_t tsc_init(void);

/* The measured frequency (Hz). */
uint64_t tsc_hz(void);

/* TSC ticks <-> nanoseconds at tsc_hz(). */
uint64_t tsc_ticks_to_ns(uint64_t ticks);
uint64_t tsc_ns_to_ticks(uint64_t ns);

#endif /* HV_TSC_H */
