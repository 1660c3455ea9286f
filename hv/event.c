/*
 * event.c - the per-vCPU event queue and its delivery (see event.h).
 */
#include "event.h"
#include "exit_priv.h"
#include "vmm.h"

#define EVENT_DR6_B0_B3 BITS(3, 0)
#define EVENT_VEC_NMI   2

/* Exception classes for combining two (APM Vol.2 8.2.9, Table 8-7). */
enum event_class { EVENT_BENIGN, EVENT_CONTRIBUTORY, EVENT_PAGE_FAULT, EVENT_DOUBLE_FAULT };

static enum event_class event_class_of(uint8_t vector)
{
	switch (vector) {
	case X86_EXC_DE: case X86_EXC_TS: case X86_EXC_NP: case X86_EXC_SS: case X86_EXC_GP:
		return EVENT_CONTRIBUTORY;
	case X86_EXC_PF:
		return EVENT_PAGE_FAULT;
	case X86_EXC_DF:
		return EVENT_DOUBLE_FAULT;
	default:
		return EVENT_BENIGN;
	}
}

/* Does a second exception during the first make a #DF (1), a shutdown (-1) or neither (0)? */
static int event_combine(uint8_t first, uint8_t second)
{
	enum event_class a = event_class_of(first), b = event_class_of(second);
	bool bad = b == EVENT_CONTRIBUTORY || b == EVENT_PAGE_FAULT;

	if (a == EVENT_DOUBLE_FAULT && bad)
		return -1;
	if ((a == EVENT_CONTRIBUTORY && b == EVENT_CONTRIBUTORY) || (a == EVENT_PAGE_FAULT && bad))
		return 1;
	return 0;
}

static bool event_is_exception(uint64_t inj)
{
	return SHIFTOUT(inj, VMCB_CTRL_EVENTINJ_TYPE) == VMCB_CTRL_EVENTINJ_TYPE_EXC;
}

bool event_exception(struct svm_vcpu *vcpu, uint8_t vector, bool has_error, uint32_t error,
		     uint64_t cr2)
{
	struct event_queue *q = &vcpu->events;
	int first = -1, how;

	/* The first exception: one waiting, or the one the CPU was delivering. */
	if (q->exc)
		first = q->exc_vector;
	else if (q->redeliver != 0 && event_is_exception(q->redeliver))
		first = (int)SHIFTOUT(q->redeliver, VMCB_CTRL_EVENTINJ_VECTOR);
	if (first >= 0) {
		how = event_combine((uint8_t)first, vector);
		if (how < 0)
			return false;
		if (how > 0) {
			vector = X86_EXC_DF;
			has_error = true;
			error = 0;
			if (!q->exc)
				q->redeliver = 0;       /* the #DF replaces it */
		}
	}
	q->exc = true;
	q->exc_vector = vector;
	q->exc_has_error = has_error;
	q->exc_error = error;
	q->exc_cr2 = cr2;
	return true;
}

void event_gp(struct svm_vcpu *vcpu)
{
	event_exception(vcpu, X86_EXC_GP, true, 0, 0);
}

void event_ud(struct svm_vcpu *vcpu)
{
	event_exception(vcpu, X86_EXC_UD, false, 0, 0);
}

void event_init(struct svm_vcpu *vcpu)
{
	vcpu->events.virq = -1;
}

void event_after_exit(struct svm_vcpu *vcpu, struct vmm_vcpu *vv)
{
	struct vmcb *v = vcpu->vmcb;
	struct event_queue *q = &vcpu->events;
	uint8_t cr8 = (uint8_t)SHIFTOUT(v->ctrl.v_intr, VMCB_CTRL_V_TPR);
	uint64_t ii = v->ctrl.exitintinfo;

	/* The CPU clears V_IRQ when it takes the virtual interrupt (15.21.4). */
	if (q->virq_armed && !(v->ctrl.v_intr & VMCB_CTRL_V_IRQ)) {
		q->virq = -1;
		q->injected[2]++;
	}
	q->virq_armed = false;
	/*
	 * APM Vol.2 15.7.2: an event that was being delivered is delivered
	 * again; an interrupt through V_IRQ as it came.
	 */
	if ((ii & VMCB_CTRL_EVENTINJ_V) && v->ctrl.exitcode != VMCB_EXITCODE_SHUTDOWN) {
		if (SHIFTOUT(ii, VMCB_CTRL_EVENTINJ_TYPE) == VMCB_CTRL_EVENTINJ_TYPE_INTR)
			q->virq = (int)SHIFTOUT(ii, VMCB_CTRL_EVENTINJ_VECTOR);
		else
			q->redeliver = ii;
	}
	/* MOV to CR8 went to V_TPR (V_INTR_MASKING, 15.21.1): the LAPIC's TPR follows. */
	if (cr8 != q->cr8) {
		vmm_set_cr8(vv, cr8);
		q->cr8 = cr8;
		q->monitor_idle = false;        /* a lower TPR may unmask a request */
	}
}

/* Single-step the next guest instruction with RFLAGS.TF (the #DB is intercepted). */
static void event_step_begin(struct svm_vcpu *vcpu, uint8_t why)
{
	struct event_queue *q = &vcpu->events;
	struct vmcb_state *s = &vcpu->vmcb->state;

	q->step = why;
	q->step_guest_tf = (s->rflags & X86_RFLAGS_TF) != 0;
	s->rflags |= X86_RFLAGS_TF;
}

bool event_step_done(struct svm_vcpu *vcpu)
{
	struct event_queue *q = &vcpu->events;
	struct vmcb_state *s = &vcpu->vmcb->state;
	uint8_t why = q->step;

	if (why == EVENT_STEP_NONE)
		return false;
	q->step = EVENT_STEP_NONE;
	/* After an IRET, RFLAGS is what the IRET popped: the guest's own. */
	if (why == EVENT_STEP_SHADOW && !q->step_guest_tf)
		s->rflags &= ~X86_RFLAGS_TF;
	if (q->step_guest_tf)
		return false;
	s->dr6 &= ~EXIT_DR6_BS;
	/* A breakpoint that hit during the step is still the guest's. */
	return (s->dr6 & EVENT_DR6_B0_B3) == 0;
}

void event_iret(struct svm_vcpu *vcpu)
{
	struct event_queue *q = &vcpu->events;

	/*
	 * The IRET has not executed yet. NMIs are unblocked once it has
	 * (SDM Vol.3 6.7.1); with an NMI waiting, step over it first.
	 */
	q->nmi_masked = false;
	if (q->nmi && q->step == EVENT_STEP_NONE)
		event_step_begin(vcpu, EVENT_STEP_IRET);
}

void event_vintr(struct svm_vcpu *vcpu)
{
	struct vmcb_ctrl *c = &vcpu->vmcb->ctrl;

	c->v_intr &= ~VMCB_CTRL_V_IRQ;
	c->intercept_misc1 &= ~VMCB_CTRL_INTERCEPT_VINTR;
}

/* The EVENTINJ word of the waiting exception (no error code in real mode: 15.20). */
static uint64_t event_exception_word(struct svm_vcpu *vcpu)
{
	struct event_queue *q = &vcpu->events;
	struct vmcb *v = vcpu->vmcb;
	uint64_t inj = SHIFTIN(q->exc_vector, VMCB_CTRL_EVENTINJ_VECTOR) |
		       SHIFTIN(VMCB_CTRL_EVENTINJ_TYPE_EXC, VMCB_CTRL_EVENTINJ_TYPE) |
		       VMCB_CTRL_EVENTINJ_V;

	if (q->exc_has_error && (v->state.cr0 & X86_CR0_PE))
		inj |= VMCB_CTRL_EVENTINJ_EV | SHIFTIN(q->exc_error, VMCB_CTRL_EVENTINJ_ERRORCODE);
	/* The CPU writes CR2 when it raises #PF, not when we inject one. */
	if (q->exc_vector == X86_EXC_PF)
		v->state.cr2 = q->exc_cr2;
	q->exc = false;
	return inj;
}

/* Pick the one event for EVENTINJ at this VMRUN (0: none). */
static uint64_t event_pick(struct svm_vcpu *vcpu, bool shadow)
{
	struct event_queue *q = &vcpu->events;
	uint64_t inj;

	if (q->redeliver != 0) {
		inj = q->redeliver;
		q->redeliver = 0;
		q->injected[3]++;
		return inj;
	}
	if (q->exc) {
		q->injected[0]++;
		return event_exception_word(vcpu);
	}
	/* While we single-step, no NMI or interrupt: TF would be pushed with it. */
	if (q->step != EVENT_STEP_NONE)
		return 0;
	if (q->nmi && !q->nmi_masked && !shadow) {
		q->nmi = false;
		q->nmi_masked = true;
		q->injected[1]++;
		return SHIFTIN(EVENT_VEC_NMI, VMCB_CTRL_EVENTINJ_VECTOR) |
		       SHIFTIN(VMCB_CTRL_EVENTINJ_TYPE_NMI, VMCB_CTRL_EVENTINJ_TYPE) |
		       VMCB_CTRL_EVENTINJ_V;
	}
	return 0;
}

/*
 * Maskable interrupts (15.21.4), see event.h: one acknowledged vector is
 * handed to the CPU in V_IRQ when the guest can take it at once, and no
 * EVENTINJ competes with it; otherwise an interrupt that waits (in the
 * monitor, or acknowledged already) opens the window: V_IRQ with a dummy
 * vector and the VINTR intercept. While single-stepping, neither: the
 * interrupt would push the TF of the step. pending: the monitor has one
 * waiting (vmm_intr_poll(), asked once before this entry).
 */
static void event_irq(struct svm_vcpu *vcpu, struct vmm_vcpu *vv, bool shadow, bool pending)
{
	struct event_queue *q = &vcpu->events;
	struct vmcb *v = vcpu->vmcb;
	uint64_t vi = v->ctrl.v_intr & ~(VMCB_CTRL_V_IRQ | VMCB_CTRL_V_INTR_VECTOR |
					 VMCB_CTRL_V_INTR_PRIO | VMCB_CTRL_V_IGN_TPR);
	bool now = (v->state.rflags & X86_RFLAGS_IF) && !shadow && v->ctrl.eventinj == 0;
	bool window = false;
	int vec;

	if (q->step == EVENT_STEP_NONE) {
		if (now && q->virq < 0 && pending) {
			vec = vmm_intr_ack(vv);
			if (vec >= 0)
				q->virq = vec;
		}
		if (now && q->virq >= 0) {
			/*
			 * The LAPIC has weighed TPR already: ignore V_TPR, and give
			 * the highest priority too, as QEMU 7.2 compares V_INTR_PRIO
			 * with V_TPR even with V_IGN_TPR set.
			 */
			vi |= VMCB_CTRL_V_IRQ | VMCB_CTRL_V_IGN_TPR |
			      SHIFTIN(0xf, VMCB_CTRL_V_INTR_PRIO) |
			      SHIFTIN((unsigned)q->virq, VMCB_CTRL_V_INTR_VECTOR);
			q->virq_armed = true;
		} else if (q->virq >= 0 || pending) {
			window = true;
			vi |= VMCB_CTRL_V_IRQ | VMCB_CTRL_V_IGN_TPR |
			      SHIFTIN(0xf, VMCB_CTRL_V_INTR_PRIO);
		}
	}
	v->ctrl.v_intr = vi;
	if (window)
		v->ctrl.intercept_misc1 |= VMCB_CTRL_INTERCEPT_VINTR;
	else
		v->ctrl.intercept_misc1 &= ~VMCB_CTRL_INTERCEPT_VINTR;
}

/*
 * Must the monitor be asked again? Yes unless its last answer was
 * "nothing" and its change count has not moved since (event.h).
 */
static inline bool event_monitor_stale(const struct event_queue *q, struct vmm_vcpu *vv)
{
	return !q->monitor_idle || vmm_intr_changes(vv) != q->monitor_changes;
}

/*
 * event_before_entry() when the queue may hold something or the monitor
 * had something to say. asked: the answer of a question just asked with
 * take_nmi (event_entry_poll()), or NULL to ask here if need be.
 */
static __attribute__((noinline)) void event_before_entry_full(struct svm_vcpu *vcpu,
							      struct vmm_vcpu *vv,
							      const struct vmm_intr_poll *asked)
{
	struct event_queue *q = &vcpu->events;
	struct vmcb_ctrl *c = &vcpu->vmcb->ctrl;
	bool shadow = (c->intr_shadow & VMCB_CTRL_INTR_SHADOW) != 0;
	struct vmm_intr_poll ip = { .cr8 = q->cr8, .nmi = false, .pending = false };

	/*
	 * One question to the monitor: CR8, an NMI unless one waits here, a
	 * pending interrupt; none if it had nothing last time and nothing
	 * has changed since (event.h).
	 */
	if (asked != NULL || event_monitor_stale(q, vv)) {
		if (asked != NULL)
			ip = *asked;
		else
			vmm_intr_poll(vv, !q->nmi, &ip);
		/* With an NMI waiting here the LAPIC's was not asked for: not idle. */
		q->monitor_idle = !q->nmi && !ip.nmi && !ip.pending;
		q->monitor_changes = ip.changes;
	}
	if (ip.cr8 != q->cr8) {
		c->v_intr = (c->v_intr & ~VMCB_CTRL_V_TPR) | SHIFTIN(ip.cr8, VMCB_CTRL_V_TPR);
		q->cr8 = ip.cr8;
	}
	if (ip.nmi)
		q->nmi = true;
	c->eventinj = event_pick(vcpu, shadow);

	/* NMI windows: the handler's IRET, or the end of the interrupt shadow. */
	if (q->nmi_masked)
		c->intercept_misc1 |= VMCB_CTRL_INTERCEPT_IRET;
	else
		c->intercept_misc1 &= ~VMCB_CTRL_INTERCEPT_IRET;
	if (q->nmi && !q->nmi_masked && shadow && q->step == EVENT_STEP_NONE)
		event_step_begin(vcpu, EVENT_STEP_SHADOW);

	event_irq(vcpu, vv, shadow, ip.pending);
}

/*
 * The stores of an entry with nothing to deliver (event_before_entry()):
 * what the full path would store then, with no event, no step, no V_IRQ,
 * no IRET or VINTR intercept.
 */
static inline void event_entry_quiet(struct svm_vcpu *vcpu)
{
	struct vmcb_ctrl *c = &vcpu->vmcb->ctrl;

	c->eventinj = 0;
	c->intercept_misc1 &= ~(VMCB_CTRL_INTERCEPT_IRET | VMCB_CTRL_INTERCEPT_VINTR);
	c->v_intr &= ~(VMCB_CTRL_V_IRQ | VMCB_CTRL_V_INTR_VECTOR | VMCB_CTRL_V_INTR_PRIO |
		       VMCB_CTRL_V_IGN_TPR);
}

/*
 * event_before_entry() with an empty queue and a monitor to ask: if it
 * has nothing (no NMI, no interrupt, the TPR of q->cr8), the quiet
 * entry; else the full path with this answer (an NMI it handed over is
 * queued there, so that it is not lost).
 */
static __attribute__((noinline)) void event_entry_poll(struct svm_vcpu *vcpu,
						       struct vmm_vcpu *vv)
{
	struct event_queue *q = &vcpu->events;
	struct vmm_intr_poll ip;

	vmm_intr_poll(vv, true, &ip);
	if (ip.nmi || ip.pending || ip.cr8 != q->cr8) {
		event_before_entry_full(vcpu, vv, &ip);
		return;
	}
	q->monitor_idle = true;
	q->monitor_changes = ip.changes;
	event_entry_quiet(vcpu);
}

/*
 * The common case of an entry, without the frame of the full one: the
 * queue is empty (no event to re-deliver, no exception, no NMI waiting
 * or in its handler, no step, no acknowledged interrupt) and the monitor
 * has nothing: its last poll found nothing and vmm_intr_changes() has not
 * moved since, or a poll now finds nothing (event_entry_poll()).
 * The full path would then inject nothing, begin no step, and leave
 * V_IRQ and the IRET and VINTR intercepts off: the same stores here.
 */
void event_before_entry(struct svm_vcpu *vcpu, struct vmm_vcpu *vv)
{
	struct event_queue *q = &vcpu->events;

	if (q->redeliver != 0 || q->exc || q->nmi || q->nmi_masked ||
	    q->step != EVENT_STEP_NONE || q->virq >= 0)
		event_before_entry_full(vcpu, vv, NULL);
	else if (event_monitor_stale(q, vv))
		event_entry_poll(vcpu, vv);
	else
		event_entry_quiet(vcpu);
}
