/*
 * event.h - what the guest is to receive next: the per-vCPU event queue
 * and the SVM mechanics of delivering it (APM Vol.2 15.20 "Event
 * Injection", 15.21 "Interrupt and LDTR Virtualization", 15.7.2
 * EXITINTINFO).
 *
 * Sources of events, which never overwrite each other:
 *  - an event the CPU was delivering when the exit came (EXITINTINFO),
 *    delivered again first;
 *  - an exception the hypervisor raises for the guest (#GP, #UD, #PF
 *    with its error code and CR2 from the assists, the single-step #DB
 *    after a retired instruction, a reflected #DB/#AC); two exceptions
 *    combine as the CPU would (#DF, or shutdown: APM Vol.2 8.2.9);
 *  - an NMI (the LAPIC's, or the host's passed on through LINT1);
 *  - a maskable interrupt, acknowledged from the monitor only at the
 *    moment it is injected.
 * One event goes into EVENTINJ per VMRUN, in that order (APM Vol.2 8.5
 * priorities, with the re-delivered event before everything), except
 * maskable interrupts: one is acknowledged from the monitor only when
 * the guest can take it right now (RFLAGS.IF = 1, no STI / MOV SS shadow,
 * nothing in EVENTINJ) and handed to the CPU as a virtual interrupt
 * (V_IRQ with V_INTR_VECTOR, 15.21.4), which the CPU then takes before
 * the guest's first instruction; the CPU clears V_IRQ when it takes it.
 * If it did not (an exit at that very boundary, a physical interrupt or
 * NMI), it is handed over again, and an interrupt whose delivery was cut
 * short by an intercept (EXITINTINFO) goes back there too. Not EVENTINJ,
 * because QEMU 7.2 TCG delivers an EVENTINJ of type INTR twice: its
 * VMRUN delivers the event and also leaves it pending as an exception,
 * taken at the next exit request whatever RFLAGS.IF says then. What is left
 * opens a window that exits as soon as the guest can take it:
 *  - interrupts acknowledged nowhere yet: V_IRQ with a dummy vector and
 *    the VINTR intercept (the CPU waits for IF = 1 and the end of the
 *    shadow itself);
 *  - NMIs blocked because the guest is still in its NMI handler: the
 *    IRET intercept, then one single-step over the IRET (the NMI may come
 *    only after the IRET completes); NMIs blocked by the interrupt
 *    shadow: one single-step over the shadowed instruction. The step
 *    uses RFLAGS.TF and the #DB intercept; its #DB is not the guest's
 *    and is swallowed unless the guest was single-stepping itself.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <stdbool.h>
#include <stdint.h>

struct svm_vcpu;
struct vmm_vcpu;

struct event_queue {
	uint64_t redeliver;             /* EVENTINJ word from EXITINTINFO; 0: none */
	bool exc;                       /* an exception waits */
	uint8_t exc_vector;
	bool exc_has_error;
	uint32_t exc_error;
	uint64_t exc_cr2;               /* for #PF */
	bool nmi;                       /* an NMI waits */
	bool nmi_masked;                /* an injected NMI's handler has not IRETed */
	uint8_t step;                   /* EVENT_STEP_*: single-stepping one instruction */
#define EVENT_STEP_NONE   0
#define EVENT_STEP_IRET   1             /* over the NMI handler's IRET */
#define EVENT_STEP_SHADOW 2             /* over the instruction in an interrupt shadow */
	bool step_guest_tf;             /* RFLAGS.TF as the guest had it */
	int virq;                       /* acknowledged vector not yet taken; -1: none */
	bool virq_armed;                /* in V_IRQ at the last VMRUN */
	uint8_t cr8;                    /* V_TPR as last written by us */
	bool monitor_idle;              /* the last poll: no NMI, no interrupt, TPR = cr8 */
	uint32_t monitor_changes;       /* vmm_intr_changes() at the last poll */
	uint64_t injected[4];           /* statistics: exceptions, NMIs, interrupts, re-deliveries */
};

/* An empty queue (after svm_vcpu_init()). */
void event_init(struct svm_vcpu *vcpu);

/* After a #VMEXIT: keep the event EXITINTINFO reports and take the guest's CR8. */
void event_after_exit(struct svm_vcpu *vcpu, struct vmm_vcpu *vv);

/*
 * Queue an exception (#PF: cr2 is the faulting address; ignored
 * otherwise). Combined with one already waiting per APM Vol.2 8.2.9:
 * contributory + contributory, #PF + contributory/#PF -> #DF(0); #DF +
 * contributory/#PF -> shutdown (returns false: the caller ends the run
 * as for a triple fault); otherwise the new one replaces the old (the
 * old fault is raised again when its instruction re-executes).
 */
bool event_exception(struct svm_vcpu *vcpu, uint8_t vector, bool has_error, uint32_t error,
		     uint64_t cr2);

/* Convenience: #GP(0), #UD. */
void event_gp(struct svm_vcpu *vcpu);
void event_ud(struct svm_vcpu *vcpu);

/*
 * Before VMRUN: choose the event for EVENTINJ, open windows for the rest.
 * The monitor is asked for interrupts and NMIs (vmm_intr_poll()) unless
 * its last answer was "nothing" and vmm_intr_changes() has not moved
 * since: most exits (CPUID, an MSR, a port or MMIO register that raises
 * no line) then pay one comparison instead of the question.
 */
void event_before_entry(struct svm_vcpu *vcpu, struct vmm_vcpu *vv);

/* The IRET intercept: the guest is about to leave its NMI handler. */
void event_iret(struct svm_vcpu *vcpu);

/* The VINTR intercept: the guest can take an interrupt now. */
void event_vintr(struct svm_vcpu *vcpu);

/*
 * A single-step trap is due after the instruction just retired (by us
 * or, for an intercepted #DB, by the CPU). If it ends one of our steps,
 * handle it and return true when the guest must not see it; false means
 * the #DB is the guest's.
 */
bool event_step_done(struct svm_vcpu *vcpu);

#endif /* HV_EVENT_H */
