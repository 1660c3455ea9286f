/*
 * host_lapic.h - the physical CPU's local APIC, as the hypervisor uses
 * it: a one-shot timer that ends a VMRUN (or a HLT wait) at the next
 * virtual deadline, virtual-wire mode so that the 8259 (COM1's receive
 * interrupt) reaches the CPU, and LINT1 as NMI. xAPIC MMIO or x2APIC
 * MSRs, whichever mode the firmware left the APIC in.
 *
 * Sources: Intel SDM Vol.3 chapter 11, AMD APM Vol.2 chapter 16.
 */
#ifndef HV_HOST_LAPIC_H
#define HV_HOST_LAPIC_H

#include <stdint.h>

#define HOST_VEC_TIMER     0xf0
#define HOST_VEC_SPURIOUS  0xff

/*
 * Enable the APIC (software enable, spurious vector HOST_VEC_SPURIOUS),
 * LINT0 ExtINT, LINT1 NMI, error and performance entries masked, timer
 * on HOST_VEC_TIMER: TSC-deadline mode when CPUID says the APIC has it,
 * else one-shot with the APIC timer's rate measured against the TSC.
 * Logs what it chose.
 */
void host_lapic_init(void);

/*
 * Interrupt at TSC value tsc (at once if it has passed); UINT64_MAX
 * stops the timer.
 */
void host_lapic_arm(uint64_t tsc);

/* End of interrupt for the vector being handled. */
void host_lapic_eoi(void);

#endif /* HV_HOST_LAPIC_H */
