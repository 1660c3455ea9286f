/*
 * intr.h - physical interrupts and NMIs taken by the hypervisor.
 *
 * The host's interrupt story (see also README "Interrupts and time"):
 *  - the hypervisor runs with RFLAGS.IF = 0, everywhere, with three
 *    exceptions where it opens interrupts on purpose: the VMRUN itself
 *    (svm_entry.S: STI with GIF = 0, so that a physical interrupt that
 *    arrives while the guest runs exits with #VMEXIT(INTR): APM Vol.2
 *    15.21.1, V_INTR_MASKING = 1 makes the host's IF the mask of physical
 *    interrupts during the guest), intr_poll() after such an exit, and
 *    intr_halt() while the vCPU waits in HLT;
 *  - GIF is clear only inside the world switch: an interrupt or NMI that
 *    arrives there is held until STGI (15.17);
 *  - the handlers do very little: the LAPIC timer marks that time has
 *    passed, COM1's receive interrupt moves bytes into a ring; the vCPU
 *    loop does the rest with interrupts off;
 *  - NMIs are the host's: a physical NMI (watchdog, BMC, front panel)
 *    is counted by the NMI handler, logged by the vCPU loop and passed on
 *    to the guest's LINT1, as a PC wires its NMI sources; it never
 *    panics the hypervisor.
 */
#ifndef HV_INTR_H
#define HV_INTR_H

#include <stdbool.h>
#include <stdint.h>

/* Install the interrupt and NMI gates, set up the 8259 and the LAPIC, turn on COM1's receive interrupt. */
void intr_init(void);

/* Take the interrupts pending right now (after #VMEXIT(INTR)). */
static inline void intr_poll(void)
{
	__asm__ volatile("sti; nop; cli" : : : "memory");
}

/*
 * Sleep until an interrupt (STI's one-instruction shadow covers HLT, so
 * one that arrived just before is not lost: SDM Vol.2 STI).
 */
static inline void intr_halt(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

/*
 * Interrupts and NMIs taken since boot: a change means there is host
 * work. Inline: the vCPU loop reads it after every exit.
 */
extern volatile uint64_t intr_events;

static inline uint64_t intr_event_count(void)
{
	return intr_events;
}

/* Physical NMIs taken since the last call (the handler counts them). */
unsigned intr_nmi_take(void);

/* A stack address of the last NMI handler run (tests: it runs on IST 2). */
uintptr_t intr_nmi_last_stack(void);

/* Called by intr_entry.S. */
void intr_dispatch(uint64_t vector);
void intr_nmi(void);

#endif /* HV_INTR_H */
