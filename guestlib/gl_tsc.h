/*
 * gl_tsc.h - the TSC as the test guests' clock.
 *
 * The frequency comes from the hypervisor's timing leaf (CPUID
 * 0x40000010 EAX, in kHz; include/guest_abi.h) when the hypervisor leaf
 * range has it, else from measuring the TSC against the 8254's counter 2
 * (the method of hv/tsc.c: mode 0, count N, TSC ticks until OUT2 rises;
 * the shortest of three runs).
 */
#ifndef GL_TSC_H
#define GL_TSC_H

#include <stdbool.h>
#include <stdint.h>

/* TSC kHz (measured once, then cached); 0 if it cannot be found. */
uint32_t gl_tsc_khz(void);

/* True if gl_tsc_khz() came from CPUID 0x40000010, false if measured. */
bool gl_tsc_khz_from_cpuid(void);

/* TSC ticks in us microseconds, and microseconds in ticks. */
uint64_t gl_tsc_from_us(uint64_t us);
uint64_t gl_tsc_to_us(uint64_t ticks);

/* Busy-wait us microseconds. */
void gl_tsc_delay_us(uint64_t us);

#endif /* GL_TSC_H */
