/*
 * test_event.c - host unit test of the per-vCPU event queue (hv/event.c)
 * against a VMCB in memory and a stub monitor: exception combining (APM
 * Vol.2 8.2.9), the EVENTINJ words (15.20), the order of re-delivered
 * events, exceptions and NMIs, maskable interrupts through V_IRQ and the
 * interrupt window (15.21.4), the NMI windows (IRET intercept, single
 * step) and the CR8 <-> V_TPR sync. Under QEMU most of these paths are
 * reached only by timing, so a wrong priority or class would go unseen.
 */
#include <stdlib.h>
#include <string.h>

#include "../../hv/event.h"
#include "../../hv/exit_priv.h"
#include "utap.h"

/* ---- the stub monitor ---------------------------------------------------- */

static int stub_pending[8], stub_npending;      /* vectors, oldest first */
static int stub_acks;
static bool stub_nmi;
static uint8_t stub_cr8_get, stub_cr8_set;
static int stub_cr8_sets;
static int stub_polls;
static uint32_t stub_changes;   /* vmm_intr_changes(): moved by every change below */

bool vmm_intr_pending(struct vmm_vcpu *vv)
{
	(void)vv;
	return stub_npending > 0;
}

int vmm_intr_ack(struct vmm_vcpu *vv)
{
	int vec;

	(void)vv;
	stub_acks++;
	if (stub_npending == 0)
		return -1;
	vec = stub_pending[0];
	memmove(stub_pending, stub_pending + 1, sizeof(int) * (size_t)--stub_npending);
	stub_changes++;
	return vec;
}

bool vmm_nmi_take(struct vmm_vcpu *vv)
{
	bool n = stub_nmi;

	(void)vv;
	if (n)
		stub_changes++;
	stub_nmi = false;
	return n;
}

uint8_t vmm_get_cr8(struct vmm_vcpu *vv)
{
	(void)vv;
	return stub_cr8_get;
}

/* The combined question, made of the three above as vmm.h defines it. */
void vmm_intr_poll(struct vmm_vcpu *vv, bool take_nmi, struct vmm_intr_poll *p)
{
	stub_polls++;
	p->cr8 = vmm_get_cr8(vv);
	p->nmi = take_nmi && vmm_nmi_take(vv);
	p->pending = vmm_intr_pending(vv);
	p->changes = stub_changes;
}

uint32_t vmm_intr_changes(struct vmm_vcpu *vv)
{
	(void)vv;
	return stub_changes;
}

void vmm_set_cr8(struct vmm_vcpu *vv, uint8_t cr8)
{
	(void)vv;
	stub_cr8_set = cr8;
	stub_cr8_sets++;
}

/* ---- a vCPU -------------------------------------------------------------- */

static struct vmcb *vmcb;
static struct svm_vcpu vcpu;
#define VV ((struct vmm_vcpu *)0)

/* A fresh vCPU in protected mode with IF = 1, nothing pending. */
static void reset(void)
{
	memset(vmcb, 0, sizeof(*vmcb));
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.vmcb = vmcb;
	event_init(&vcpu);
	vmcb->state.cr0 = X86_CR0_PE;
	vmcb->state.rflags = X86_RFLAGS_IF | 2;
	stub_npending = stub_acks = stub_cr8_sets = stub_polls = 0;
	stub_nmi = false;
	stub_cr8_get = stub_cr8_set = 0;
}

/* What a device does: a new request, an NMI, a TPR; each moves the count. */
static void pend(int vec)
{
	stub_pending[stub_npending++] = vec;
	stub_changes++;
}

static void raise_nmi(void)
{
	stub_nmi = true;
	stub_changes++;
}

static void set_tpr(uint8_t cr8)
{
	stub_cr8_get = cr8;
	stub_changes++;
}

static uint64_t word(unsigned vec, unsigned type)
{
	return SHIFTIN(vec, VMCB_CTRL_EVENTINJ_VECTOR) | SHIFTIN(type, VMCB_CTRL_EVENTINJ_TYPE) |
	       VMCB_CTRL_EVENTINJ_V;
}

static uint64_t word_err(unsigned vec, uint32_t err)
{
	return word(vec, VMCB_CTRL_EVENTINJ_TYPE_EXC) | VMCB_CTRL_EVENTINJ_EV |
	       SHIFTIN((uint64_t)err, VMCB_CTRL_EVENTINJ_ERRORCODE);
}

static bool has_error(unsigned vec)
{
	return vec == X86_EXC_DF || (vec >= 10 && vec <= 14) || vec == 17;
}

/* ---- exceptions ---------------------------------------------------------- */

/*
 * Two exceptions, the second raised while the first waits: what is
 * injected (APM Vol.2 8.2.9, Table 8-7: benign, contributory = #DE #TS
 * #NP #SS #GP, page fault, double fault). 0xff: shutdown.
 */
static const struct {
	uint8_t first, second, want;
} combine_cases[] = {
	{ X86_EXC_GP, X86_EXC_GP, X86_EXC_DF },         /* contributory + contributory */
	{ 0 /* #DE */, 11 /* #NP */, X86_EXC_DF },
	{ 10 /* #TS */, 12 /* #SS */, X86_EXC_DF },
	{ X86_EXC_PF, X86_EXC_GP, X86_EXC_DF },         /* #PF + contributory */
	{ X86_EXC_PF, X86_EXC_PF, X86_EXC_DF },         /* #PF + #PF */
	{ X86_EXC_GP, X86_EXC_PF, X86_EXC_PF },         /* contributory + #PF: serial */
	{ X86_EXC_UD, X86_EXC_GP, X86_EXC_GP },         /* benign + anything: serial */
	{ X86_EXC_DB, X86_EXC_PF, X86_EXC_PF },
	{ X86_EXC_GP, X86_EXC_UD, X86_EXC_UD },         /* anything + benign: serial */
	{ X86_EXC_PF, X86_EXC_UD, X86_EXC_UD },
	{ X86_EXC_DF, X86_EXC_GP, 0xff },               /* #DF + contributory: shutdown */
	{ X86_EXC_DF, X86_EXC_PF, 0xff },               /* #DF + #PF: shutdown */
	{ X86_EXC_DF, X86_EXC_UD, X86_EXC_UD },         /* #DF + benign: serial */
};

static void test_combine(void)
{
	for (size_t i = 0; i < sizeof(combine_cases) / sizeof(combine_cases[0]); i++) {
		unsigned a = combine_cases[i].first, b = combine_cases[i].second;
		unsigned want = combine_cases[i].want;
		uint64_t got;
		bool ok;

		reset();
		event_exception(&vcpu, (uint8_t)a, has_error(a), 0x18, 0);
		ok = event_exception(&vcpu, (uint8_t)b, has_error(b), 0x28, 0x1000);
		if (want == 0xff) {
			ut_ok(!ok, "combine: exception during #DF is a shutdown",
			      "vectors %u then %u: returned true", a, b);
			continue;
		}
		event_before_entry(&vcpu, VV);
		got = vmcb->ctrl.eventinj;
		ut_ok(ok && got == (want == X86_EXC_DF ? word_err(X86_EXC_DF, 0) :
				    has_error(want) ? word_err(want, 0x28) :
				    word(want, VMCB_CTRL_EVENTINJ_TYPE_EXC)),
		      "combine: the second exception during the first gives what APM 8.2.9 says",
		      "vectors %u then %u: EVENTINJ 0x%llx, want vector %u", a, b,
		      (unsigned long long)got, want);
	}

	/* The first one can also be the event EXITINTINFO reports. */
	reset();
	vmcb->ctrl.exitintinfo = word_err(X86_EXC_PF, 2);
	event_after_exit(&vcpu, VV);
	event_exception(&vcpu, X86_EXC_GP, true, 0, 0);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == word_err(X86_EXC_DF, 0) && vcpu.events.redeliver == 0,
	      "combine: #GP while re-delivering a #PF is #DF, which replaces the re-delivery",
	      "EVENTINJ 0x%llx redeliver 0x%llx", (unsigned long long)vmcb->ctrl.eventinj,
	      (unsigned long long)vcpu.events.redeliver);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == 0, "combine: the #DF is injected once", "EVENTINJ 0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);
}

static void test_words(void)
{
	reset();
	event_gp(&vcpu);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == word_err(X86_EXC_GP, 0), "event_gp: #GP with error code 0",
	      "0x%llx", (unsigned long long)vmcb->ctrl.eventinj);

	reset();
	event_ud(&vcpu);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == word(X86_EXC_UD, VMCB_CTRL_EVENTINJ_TYPE_EXC),
	      "event_ud: #UD without an error code", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);

	reset();
	vmcb->state.cr0 = 0;
	event_gp(&vcpu);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == word(X86_EXC_GP, VMCB_CTRL_EVENTINJ_TYPE_EXC),
	      "real mode: no error code is pushed (15.20)", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);

	reset();
	vmcb->state.cr2 = 0x1234;
	event_exception(&vcpu, X86_EXC_PF, true, 0x6, 0xdead000);
	ut_ok(vmcb->state.cr2 == 0x1234, "#PF: CR2 untouched while it only waits", "cr2 0x%llx",
	      (unsigned long long)vmcb->state.cr2);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == word_err(X86_EXC_PF, 6) && vmcb->state.cr2 == 0xdead000,
	      "#PF: error code and CR2 at injection", "EVENTINJ 0x%llx cr2 0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj, (unsigned long long)vmcb->state.cr2);

	reset();
	vmcb->state.cr2 = 0x1234;
	event_exception(&vcpu, X86_EXC_GP, true, 0, 0xdead000);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->state.cr2 == 0x1234, "#GP: CR2 untouched", "cr2 0x%llx",
	      (unsigned long long)vmcb->state.cr2);
}

/* ---- order of events ----------------------------------------------------- */

static void test_order(void)
{
	uint64_t nmi = word(2, VMCB_CTRL_EVENTINJ_TYPE_NMI);

	/* Re-delivery first, then the exception, then the NMI. */
	reset();
	vmcb->ctrl.exitintinfo = word(0x80, VMCB_CTRL_EVENTINJ_TYPE_SOFTINT);
	event_after_exit(&vcpu, VV);
	event_ud(&vcpu);
	raise_nmi();
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == word(0x80, VMCB_CTRL_EVENTINJ_TYPE_SOFTINT),
	      "order: the event EXITINTINFO reports goes first", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == word(X86_EXC_UD, VMCB_CTRL_EVENTINJ_TYPE_EXC),
	      "order: then the exception", "0x%llx", (unsigned long long)vmcb->ctrl.eventinj);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == nmi && (vmcb->ctrl.intercept_misc1 & VMCB_CTRL_INTERCEPT_IRET),
	      "order: then the NMI, with the IRET intercept as its window", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);

	/* A software INT 13 cut short is no #GP: a #GP on top of it is no #DF. */
	reset();
	vmcb->ctrl.exitintinfo = word(X86_EXC_GP, VMCB_CTRL_EVENTINJ_TYPE_SOFTINT);
	event_after_exit(&vcpu, VV);
	event_gp(&vcpu);
	event_before_entry(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == word_err(X86_EXC_GP, 0),
	      "order: an exception after a re-delivered INT n is not combined with it", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);

	/* A shutdown exit reports nothing to re-deliver. */
	reset();
	vmcb->ctrl.exitcode = VMCB_EXITCODE_SHUTDOWN;
	vmcb->ctrl.exitintinfo = word_err(X86_EXC_DF, 0);
	event_after_exit(&vcpu, VV);
	ut_ok(vcpu.events.redeliver == 0, "order: nothing re-delivered after SHUTDOWN", "0x%llx",
	      (unsigned long long)vcpu.events.redeliver);
}

/* ---- NMIs ------------------------------------------------------------------ */

static void test_nmi(void)
{
	uint64_t nmi = word(2, VMCB_CTRL_EVENTINJ_TYPE_NMI);

	/* In the handler: no second NMI until its IRET, then a step over the IRET. */
	reset();
	raise_nmi();
	event_before_entry(&vcpu, VV);
	raise_nmi();
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == 0 && vcpu.events.nmi &&
	      (vmcb->ctrl.intercept_misc1 & VMCB_CTRL_INTERCEPT_IRET),
	      "nmi: a second NMI waits while the first one's handler runs", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);
	event_iret(&vcpu);
	ut_ok((vmcb->state.rflags & X86_RFLAGS_TF) && vcpu.events.step == EVENT_STEP_IRET,
	      "nmi: at the handler's IRET, a single step over it", "rflags 0x%llx step %u",
	      (unsigned long long)vmcb->state.rflags, vcpu.events.step);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == 0 && !(vmcb->ctrl.intercept_misc1 & VMCB_CTRL_INTERCEPT_IRET),
	      "nmi: nothing injected during the step", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);
	vmcb->state.dr6 = EXIT_DR6_BS;
	ut_ok(event_step_done(&vcpu) && vcpu.events.step == EVENT_STEP_NONE &&
	      !(vmcb->state.dr6 & EXIT_DR6_BS),
	      "nmi: the step's #DB is swallowed", "dr6 0x%llx", (unsigned long long)vmcb->state.dr6);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == nmi, "nmi: the waiting NMI after the IRET", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);
	ut_ok(vcpu.events.injected[1] == 2, "nmi: two NMIs counted", "%llu",
	      (unsigned long long)vcpu.events.injected[1]);
	/* One NMI, one injection: after its IRET nothing more, and no step. */
	reset();
	raise_nmi();
	event_before_entry(&vcpu, VV);
	event_iret(&vcpu);
	ut_ok(!(vmcb->state.rflags & X86_RFLAGS_TF) && vcpu.events.step == EVENT_STEP_NONE,
	      "nmi: an IRET with no NMI waiting needs no step", "rflags 0x%llx",
	      (unsigned long long)vmcb->state.rflags);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == 0 && !(vmcb->ctrl.intercept_misc1 & VMCB_CTRL_INTERCEPT_IRET),
	      "nmi: one NMI is injected once", "0x%llx", (unsigned long long)vmcb->ctrl.eventinj);

	/* Blocked by the interrupt shadow: step over the shadowed instruction. */
	reset();
	vmcb->ctrl.intr_shadow = VMCB_CTRL_INTR_SHADOW;
	raise_nmi();
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == 0 && (vmcb->state.rflags & X86_RFLAGS_TF) &&
	      vcpu.events.step == EVENT_STEP_SHADOW,
	      "nmi: in an interrupt shadow, a single step instead", "0x%llx step %u",
	      (unsigned long long)vmcb->ctrl.eventinj, vcpu.events.step);
	vmcb->ctrl.intr_shadow = 0;
	vmcb->state.dr6 = EXIT_DR6_BS;
	ut_ok(event_step_done(&vcpu) && !(vmcb->state.rflags & X86_RFLAGS_TF),
	      "nmi: after the step TF is the guest's again (clear)", "rflags 0x%llx",
	      (unsigned long long)vmcb->state.rflags);
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.eventinj == nmi, "nmi: injected after the shadow", "0x%llx",
	      (unsigned long long)vmcb->ctrl.eventinj);

	/* The guest single-steps itself: its #DB stays its own, TF stays set. */
	reset();
	vmcb->state.rflags |= X86_RFLAGS_TF;
	vmcb->ctrl.intr_shadow = VMCB_CTRL_INTR_SHADOW;
	raise_nmi();
	event_before_entry(&vcpu, VV);
	vmcb->ctrl.intr_shadow = 0;
	vmcb->state.dr6 = EXIT_DR6_BS;
	ut_ok(!event_step_done(&vcpu) && (vmcb->state.rflags & X86_RFLAGS_TF) &&
	      (vmcb->state.dr6 & EXIT_DR6_BS),
	      "nmi: a guest that single-steps itself gets its #DB", "rflags 0x%llx dr6 0x%llx",
	      (unsigned long long)vmcb->state.rflags, (unsigned long long)vmcb->state.dr6);

	/* A data breakpoint that hit during our step is the guest's. */
	reset();
	vmcb->ctrl.intr_shadow = VMCB_CTRL_INTR_SHADOW;
	raise_nmi();
	event_before_entry(&vcpu, VV);
	vmcb->state.dr6 = EXIT_DR6_BS | 1;
	ut_ok(!event_step_done(&vcpu) && vmcb->state.dr6 == 1,
	      "nmi: a breakpoint hit during the step goes to the guest, without BS", "dr6 0x%llx",
	      (unsigned long long)vmcb->state.dr6);
	ut_ok(!event_step_done(&vcpu), "nmi: no step, no swallowed #DB", NULL);
}

/* ---- maskable interrupts --------------------------------------------------- */

static unsigned virq_vector(void)
{
	return (unsigned)SHIFTOUT(vmcb->ctrl.v_intr, VMCB_CTRL_V_INTR_VECTOR);
}

static bool armed(unsigned vec)
{
	uint64_t vi = vmcb->ctrl.v_intr;

	return (vi & VMCB_CTRL_V_IRQ) && (vi & VMCB_CTRL_V_IGN_TPR) &&
	       SHIFTOUT(vi, VMCB_CTRL_V_INTR_PRIO) == 0xf && virq_vector() == vec &&
	       !(vmcb->ctrl.intercept_misc1 & VMCB_CTRL_INTERCEPT_VINTR) && vmcb->ctrl.eventinj == 0;
}

static bool window(void)
{
	return (vmcb->ctrl.v_intr & VMCB_CTRL_V_IRQ) &&
	       (vmcb->ctrl.intercept_misc1 & VMCB_CTRL_INTERCEPT_VINTR);
}

static void test_irq(void)
{
	/* IF = 1, no shadow: acknowledged and handed over in V_IRQ. */
	reset();
	pend(0x30);
	pend(0x31);
	event_before_entry(&vcpu, VV);
	ut_ok(armed(0x30) && stub_acks == 1, "irq: taken at once: V_IRQ with the vector",
	      "v_intr 0x%llx acks %d", (unsigned long long)vmcb->ctrl.v_intr, stub_acks);
	/* The CPU took it (cleared V_IRQ): the next one. */
	vmcb->ctrl.v_intr &= ~VMCB_CTRL_V_IRQ;
	event_after_exit(&vcpu, VV);
	ut_ok(vcpu.events.virq == -1 && vcpu.events.injected[2] == 1,
	      "irq: cleared V_IRQ means taken", "virq %d", vcpu.events.virq);
	event_before_entry(&vcpu, VV);
	ut_ok(armed(0x31) && stub_acks == 2, "irq: the next vector", "v_intr 0x%llx",
	      (unsigned long long)vmcb->ctrl.v_intr);
	/* Not taken (an exit at the first boundary): handed over again, not acknowledged twice. */
	event_after_exit(&vcpu, VV);
	ut_ok(vcpu.events.virq == 0x31 && vcpu.events.injected[2] == 1,
	      "irq: V_IRQ still set means not taken", "virq %d", vcpu.events.virq);
	event_before_entry(&vcpu, VV);
	ut_ok(armed(0x31) && stub_acks == 2, "irq: the same vector again, acknowledged once",
	      "v_intr 0x%llx acks %d", (unsigned long long)vmcb->ctrl.v_intr, stub_acks);

	/* IF = 0: the window, nothing acknowledged. */
	reset();
	pend(0x40);
	vmcb->state.rflags &= ~X86_RFLAGS_IF;
	event_before_entry(&vcpu, VV);
	ut_ok(window() && stub_acks == 0, "irq: IF = 0 opens the window", "v_intr 0x%llx",
	      (unsigned long long)vmcb->ctrl.v_intr);
	/* VINTR exit, IF = 1 now. */
	event_vintr(&vcpu);
	vmcb->state.rflags |= X86_RFLAGS_IF;
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(armed(0x40), "irq: after the window, the vector", "v_intr 0x%llx",
	      (unsigned long long)vmcb->ctrl.v_intr);

	/* Interrupt shadow: the window. */
	reset();
	pend(0x41);
	vmcb->ctrl.intr_shadow = VMCB_CTRL_INTR_SHADOW;
	event_before_entry(&vcpu, VV);
	ut_ok(window() && stub_acks == 0, "irq: the STI/MOV SS shadow opens the window", NULL);

	/* An exception in EVENTINJ: the interrupt waits for the window. */
	reset();
	pend(0x42);
	event_ud(&vcpu);
	event_before_entry(&vcpu, VV);
	ut_ok(window() && stub_acks == 0 && vmcb->ctrl.eventinj != 0,
	      "irq: with an exception in EVENTINJ, the window", "v_intr 0x%llx acks %d",
	      (unsigned long long)vmcb->ctrl.v_intr, stub_acks);

	/* Acknowledged, then IF = 0 before it was taken: kept, window. */
	reset();
	pend(0x43);
	event_before_entry(&vcpu, VV);
	event_after_exit(&vcpu, VV);
	vmcb->state.rflags &= ~X86_RFLAGS_IF;
	event_before_entry(&vcpu, VV);
	ut_ok(window() && vcpu.events.virq == 0x43 && stub_acks == 1,
	      "irq: an acknowledged vector keeps its place behind the window", "virq %d",
	      vcpu.events.virq);
	/* The VINTR exit clears the dummy V_IRQ: that is no delivery. */
	event_vintr(&vcpu);
	event_after_exit(&vcpu, VV);
	vmcb->state.rflags |= X86_RFLAGS_IF;
	event_before_entry(&vcpu, VV);
	ut_ok(armed(0x43) && stub_acks == 1,
	      "irq: after the window the acknowledged vector, not lost to the window's V_IRQ",
	      "virq %d v_intr 0x%llx", vcpu.events.virq, (unsigned long long)vmcb->ctrl.v_intr);

	/* Delivery cut short by an intercept: EXITINTINFO gives the vector back. */
	reset();
	pend(0x44);
	event_before_entry(&vcpu, VV);
	vmcb->ctrl.v_intr &= ~VMCB_CTRL_V_IRQ;
	vmcb->ctrl.exitintinfo = word(0x44, VMCB_CTRL_EVENTINJ_TYPE_INTR);
	event_after_exit(&vcpu, VV);
	vmcb->ctrl.exitintinfo = 0;
	event_before_entry(&vcpu, VV);
	ut_ok(armed(0x44) && stub_acks == 1 && vcpu.events.redeliver == 0,
	      "irq: an interrupt in EXITINTINFO goes back to V_IRQ, not EVENTINJ", "v_intr 0x%llx",
	      (unsigned long long)vmcb->ctrl.v_intr);

	/* Nothing pending: no V_IRQ, no VINTR intercept. */
	reset();
	vmcb->ctrl.v_intr = VMCB_CTRL_V_IRQ | VMCB_CTRL_V_INTR_MASKING;
	vmcb->ctrl.intercept_misc1 = VMCB_CTRL_INTERCEPT_VINTR;
	event_before_entry(&vcpu, VV);
	ut_ok(vmcb->ctrl.v_intr == VMCB_CTRL_V_INTR_MASKING &&
	      !(vmcb->ctrl.intercept_misc1 & VMCB_CTRL_INTERCEPT_VINTR),
	      "irq: nothing pending: V_IRQ and VINTR off, V_INTR_MASKING kept", "v_intr 0x%llx",
	      (unsigned long long)vmcb->ctrl.v_intr);

	/* While we single-step: neither (the interrupt would push our TF). */
	reset();
	pend(0x45);
	vmcb->ctrl.intr_shadow = VMCB_CTRL_INTR_SHADOW;
	raise_nmi();
	event_before_entry(&vcpu, VV);
	ut_ok(!(vmcb->ctrl.v_intr & VMCB_CTRL_V_IRQ) && stub_acks == 0,
	      "irq: no interrupt while single-stepping", "v_intr 0x%llx",
	      (unsigned long long)vmcb->ctrl.v_intr);
}

/* ---- CR8 ------------------------------------------------------------------- */

static void test_cr8(void)
{
	reset();
	vmcb->ctrl.v_intr = SHIFTIN(5, VMCB_CTRL_V_TPR);
	event_after_exit(&vcpu, VV);
	ut_ok(stub_cr8_sets == 1 && stub_cr8_set == 5, "cr8: a guest MOV to CR8 reaches the LAPIC",
	      "sets %d value %u", stub_cr8_sets, stub_cr8_set);
	event_after_exit(&vcpu, VV);
	ut_ok(stub_cr8_sets == 1, "cr8: unchanged V_TPR is not written again", NULL);
	set_tpr(9);
	event_before_entry(&vcpu, VV);
	ut_ok(SHIFTOUT(vmcb->ctrl.v_intr, VMCB_CTRL_V_TPR) == 9,
	      "cr8: the LAPIC's TPR goes to V_TPR", "v_intr 0x%llx",
	      (unsigned long long)vmcb->ctrl.v_intr);
	event_after_exit(&vcpu, VV);
	ut_ok(stub_cr8_sets == 1, "cr8: our own V_TPR is not mistaken for a guest write", NULL);
}

/*
 * The monitor is not asked again while vmm_intr_changes() stands still
 * and its last answer was "nothing"; once the count moves it must be: an
 * interrupt a device raised meanwhile would otherwise wait for the next
 * unrelated exit.
 */
static void test_monitor_skip(void)
{
	reset();
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 1 && vmcb->ctrl.eventinj == 0 && !(vmcb->ctrl.v_intr & VMCB_CTRL_V_IRQ),
	      "skip: the first entry asks the monitor, nothing to deliver", "polls %d", stub_polls);
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 1, "skip: nothing changed since the answer 'nothing': no question",
	      "polls %d", stub_polls);
	/* Proof that the count is what decides: a change it does not see is not asked about. */
	stub_pending[stub_npending++] = 0x2f;
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 1 && !(vmcb->ctrl.v_intr & VMCB_CTRL_V_IRQ),
	      "skip: the count, not the state, decides", "polls %d", stub_polls);
	stub_npending = 0;
	/* A device raised a line: the count moved. */
	event_after_exit(&vcpu, VV);
	pend(0x30);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 2 && armed(0x30), "skip: once the count moves, asked again: the new "
	      "interrupt is handed over", "polls %d v_intr 0x%llx", stub_polls,
	      (unsigned long long)vmcb->ctrl.v_intr);
	/* Taken; the acknowledge moved the count, and the answer was not 'nothing'. */
	vmcb->ctrl.v_intr &= ~VMCB_CTRL_V_IRQ;
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 3, "skip: after an answer with an interrupt, asked again",
	      "polls %d", stub_polls);
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 3, "skip: then quiet again", "polls %d", stub_polls);
	/* An NMI and a TPR change move the count too. */
	event_after_exit(&vcpu, VV);
	raise_nmi();
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 4 && vmcb->ctrl.eventinj == word(2, VMCB_CTRL_EVENTINJ_TYPE_NMI),
	      "skip: an NMI is asked about and injected", "polls %d eventinj 0x%llx", stub_polls,
	      (unsigned long long)vmcb->ctrl.eventinj);
	reset();
	event_before_entry(&vcpu, VV);
	event_after_exit(&vcpu, VV);
	set_tpr(3);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 2 && SHIFTOUT(vmcb->ctrl.v_intr, VMCB_CTRL_V_TPR) == 3,
	      "skip: a TPR change is asked about and reaches V_TPR", "polls %d v_intr 0x%llx",
	      stub_polls, (unsigned long long)vmcb->ctrl.v_intr);
	/* A guest MOV to CR8 (V_TPR) may unmask a request: asked, though the count stands. */
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	vmcb->ctrl.v_intr = (vmcb->ctrl.v_intr & ~VMCB_CTRL_V_TPR) | SHIFTIN(1, VMCB_CTRL_V_TPR);
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 3, "skip: after a guest CR8 write, asked again", "polls %d",
	      stub_polls);
}

/*
 * The same rule on the full path (something queued): an exception while
 * the count stands is injected without a question and without inventing
 * an NMI or an interrupt; after the count moved, the question is asked;
 * and an answer with an interrupt pending is not remembered as "nothing".
 */
static void test_monitor_skip_full(void)
{
	reset();
	event_before_entry(&vcpu, VV);                  /* asked: nothing */
	event_after_exit(&vcpu, VV);
	event_gp(&vcpu);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 1 && vmcb->ctrl.eventinj == word_err(X86_EXC_GP, 0) && stub_acks == 0 &&
	      !(vmcb->ctrl.v_intr & VMCB_CTRL_V_IRQ) && !vcpu.events.nmi,
	      "skip, full path: #GP injected, no question, no NMI or interrupt made up",
	      "polls %d eventinj 0x%llx acks %d v_intr 0x%llx nmi %d", stub_polls,
	      (unsigned long long)vmcb->ctrl.eventinj, stub_acks,
	      (unsigned long long)vmcb->ctrl.v_intr, vcpu.events.nmi);

	/* #GP delivered; a #UD from an exit that raised an interrupt. */
	vmcb->ctrl.eventinj = 0;
	event_after_exit(&vcpu, VV);
	event_ud(&vcpu);
	pend(0x30);
	event_before_entry(&vcpu, VV);
	ut_ok(stub_polls == 2, "skip, full path: after the count moved the question is asked",
	      "polls %d", stub_polls);
	/* #UD delivered: the interrupt comes next, the count standing still. */
	vmcb->ctrl.eventinj = 0;
	vmcb->ctrl.v_intr &= ~VMCB_CTRL_V_IRQ;
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(armed(0x30), "skip, full path: a pending interrupt is not forgotten",
	      "polls %d v_intr 0x%llx", stub_polls, (unsigned long long)vmcb->ctrl.v_intr);

	/* Two pending: the first is taken, then an exit that changed nothing. */
	reset();
	pend(0x30);
	pend(0x31);
	event_before_entry(&vcpu, VV);
	vmcb->ctrl.v_intr &= ~VMCB_CTRL_V_IRQ;         /* the CPU took 0x30 */
	event_after_exit(&vcpu, VV);
	event_before_entry(&vcpu, VV);
	ut_ok(armed(0x31), "skip: an answer with an interrupt pending is not 'nothing'",
	      "polls %d v_intr 0x%llx", stub_polls, (unsigned long long)vmcb->ctrl.v_intr);
}

int main(void)
{
	vmcb = aligned_alloc(4096, sizeof(*vmcb));
	if (vmcb == NULL)
		return 1;
	test_combine();
	test_words();
	test_order();
	test_nmi();
	test_irq();
	test_cr8();
	test_monitor_skip();
	test_monitor_skip_full();
	free(vmcb);
	return ut_done();
}
