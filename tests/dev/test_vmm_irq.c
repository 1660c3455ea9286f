/*
 * test_vmm_irq.c - the monitor's interrupt lines and queries (vmm/vmm.c
 * through vmm.h): every ISA / pc-testdev line into the 8259 pair and
 * the IOAPIC, the 8259's INT on LINT0 (ExtINT), IOAPIC messages to the
 * LAPIC and its EOI back, the device timers on the monitor's clock
 * (PIT, RTC, PM timer's SCI, TSC deadline), vmm_intr_pending/_ack,
 * NMIs through LINT1 and the port 0x70 gate, IPIs; the acknowledges back
 * to the PIT (INTA, LAPIC EOI) that pace its reinjected late ticks.
 *
 * Where the expected values come from:
 *  - the IRQ wiring of vmm.h's header comment: ISA line n -> 8259 pin n
 *    and IOAPIC pin n, line 0 -> IOAPIC pin 2 (the MADT interrupt source
 *    override of vmm/fw/fw_machine.h), line 2 is the cascade;
 *  - SDM Vol.3 11.6.2 (ExtINT bypasses the IRR and priority), 11.5.1
 *    (LVT LINT0/LINT1, NMI delivery is edge), 11.8.3 (TPR blocks
 *    vectors of its class and below); 82093AA (Remote IRR of a level
 *    entry, cleared by the EOI); 8254 (mode 3 period 65536 ticks of
 *    1.193182 MHz as the BIOS leaves counter 0); MC146818A (register B
 *    PIE, register C IRQF|PF, 1024 Hz); PC16550D (THRE interrupt,
 *    MCR OUT2 gates IRQ 4); ACPI 6.5 4.8.3.3 (TMR_STS/TMR_EN on bit 31
 *    of the PM timer, the SCI); SDM Vol.3 11.5.4.1 (TSC-deadline mode);
 *  - a PC's NMI sources reach LINT1 through a gate at port 0x70 bit 7.
 */
#include "vmmtest.h"

/* ---------------------------------------------------------------------- */
/* Interrupt routing */

/* What a pulse on pc-testdev line n must do: the 8259 IRR bits and the vectors taken. */
static void route_want(unsigned n, bool lint0, uint16_t *irr, int *v, unsigned *nv)
{
	*irr = 0;
	*nv = 0;
	if (n < 16 && n != 2) {
		*irr = (uint16_t)(n < 8 ? BIT(n) : BIT(n) | BIT(2));
		if (lint0)
			v[(*nv)++] = n < 8 ? 0x30 + (int)n : 0x38 + (int)n - 8;
	}
	v[(*nv)++] = 0x40 + (n == 0 ? 2 : (int)n);
}

/*
 * Each pc-testdev line, 8259 programmed and unmasked, every IOAPIC pin
 * p at vector 0x40 + p: the 8259 takes ISA lines 0-15 but 2 (ExtINT
 * first, SDM Vol.3 11.6.2), the IOAPIC all 24 with line 0 on pin 2.
 * With LINT0 masked the 8259 no longer reaches the CPU.
 */
static void test_irq_routing(void)
{
	char name[128];

	for (unsigned pass = 0; pass < 2; pass++) {
		bool lint0 = pass == 0;

		for (unsigned n = 0; n < PC_TESTDEV_LINES; n++) {
			int v[4] = { -1, -1, -1, -1 }, w[4] = { -1, -1, -1, -1 };
			uint16_t irr, wirr;
			unsigned nv, nw;

			fresh();
			pic_setup(0x0000);
			ioapic_setup(0x40);
			if (!lint0)
				mwr(LAPIC + 0x350, 4, 0x10700);
			out(0x2000 + n, 1, 1);
			out(0x2000 + n, 1, 0);
			irr = pic_irr();
			nv = take_all(v, 4);
			route_want(n, lint0, &wirr, w, &nw);
			snprintf(name, sizeof(name), "line %u (LINT0 %s): 8259 IRR 0x%x; taken: %s0x%x (IOAPIC pin %d)",
				 n, lint0 ? "ExtINT" : "masked", wirr, nw > 1 ? "8259's vector, then " : "",
				 w[nw - 1], w[nw - 1] - 0x40);
			ut_ok(irr == wirr && nv == nw && memcmp(v, w, sizeof(v)) == 0 &&
			      vmm_intr_ack(vc) == -1, name, "IRR 0x%x, %u vectors 0x%x 0x%x 0x%x", irr, nv,
			      v[0], v[1], v[2]);
		}
	}
}

/* An IOAPIC message for another APIC ID reaches nobody; an ack with nothing pending is -1. */
static void test_irq_dest(void)
{
	fresh();
	DT_EQ(vmm_intr_ack(vc), (uint64_t)-1, "nothing pending: ack gives -1");
	ioapic_wr(0x10 + 2 * 5 + 1, 0x01000000);
	ioapic_wr(0x10 + 2 * 5, 0x45);
	out(0x2005, 1, 1);
	ut_ok(!vmm_intr_pending(vc), "IOAPIC message to APIC ID 1: not for vCPU 0", NULL);
	ioapic_wr(0x10 + 2 * 5 + 1, 0xff000000);
	out(0x2005, 1, 0);
	out(0x2005, 1, 1);
	ut_ok(vmm_intr_pending(vc) && vmm_intr_ack(vc) == 0x45, "IOAPIC message to broadcast 0xff: taken",
	      NULL);
	DT_EQ(mrd(LAPIC + 0x100 + 0x20, 4), BIT(5), "the acked vector is in service (ISR bit 0x45)");
	DT_EQ(mrd(LAPIC + 0x200 + 0x20, 4), 0, "and no longer requested (IRR)");
}

/* The PIT's counter 0 on the monitor's clock: 8259 IR0 and IOAPIC pin 2, never pin 0. */
static void test_irq_pit(void)
{
	uint64_t d0 = (65536 * VCLOCK_NS_PER_SEC + I8254_HZ - 1) / I8254_HZ;
	int v[4] = { -1, -1, -1, -1 };
	unsigned n;

	fresh();
	pic_setup(0xfffe);
	ioapic_setup(0x40);
	DT_EQ(vmm_next_deadline(&V), d0, "the next deadline: PIT counter 0 at 65536 ticks (BIOS state)");
	at(d0 - 1);
	ut_ok(!vmm_intr_pending(vc), "PIT: no interrupt 1 ns before the deadline", NULL);
	at(d0);
	n = take_all(v, 4);
	ut_ok(n == 2 && v[0] == 0x30 && v[1] == 0x42, "PIT: 8259 IR0 (0x30), then IOAPIC pin 2 (0x42)",
	      "%u: 0x%x 0x%x", n, v[0], v[1]);
	ut_ok(vmm_next_deadline(&V) > d0 && vmm_next_deadline(&V) <= 2 * d0,
	      "PIT: re-armed for the next period", NULL);
}

/*
 * Late PIT ticks (1 kHz, mode 2) reinjected through each route: the
 * 8259's INTA or the LAPIC's EOI of IOAPIC pin 2's vector gives the next
 * owed tick, never two at once (the LAPIC's IRR stays clear while the
 * tick is in service); at most one second's worth (1000); dropped when
 * the guest reprograms counter 0 or masks and unmasks the line (as KVM's
 * PIT does by default: owed ticks, an ack notifier, a mask notifier).
 */
enum pr_act { PR_NONE, PR_REPROGRAM, PR_MASK };

struct pr_case {
	const char *name;
	bool ioapic;            /* route: IOAPIC pin 2 (vector 0x42), else 8259 IR0 (0x30) */
	uint64_t late;          /* 1 ms periods that pass before the guest runs */
	enum pr_act act;        /* done while the first tick is in service */
	unsigned ticks;         /* ticks the guest takes until none is left */
};

static const struct pr_case pr_cases[] = {
	{ "8259: 10 ms late, 10 ticks", false, 10, PR_NONE, 10 },
	{ "IOAPIC: 10 ms late, 10 ticks", true, 10, PR_NONE, 10 },
	{ "8259: 5 s late, capped at 1000", false, 5000, PR_NONE, 1000 },
	{ "IOAPIC: 5 s late, capped at 1000", true, 5000, PR_NONE, 1000 },
	/* The 8259's INTA already gave tick 2 to IRR: it is taken, the rest dropped. */
	{ "8259: reprogrammed, owed dropped", false, 10, PR_REPROGRAM, 2 },
	{ "IOAPIC: reprogrammed, owed dropped", true, 10, PR_REPROGRAM, 1 },
	{ "8259: IMR masked and unmasked, owed dropped", false, 10, PR_MASK, 2 },
	{ "IOAPIC: pin masked and unmasked, owed dropped", true, 10, PR_MASK, 1 },
};

static void pr_act(const struct pr_case *k)
{
	if (k->act == PR_REPROGRAM) {
		out(0x43, 1, 0x34);
		out(0x40, 1, 1193 & 0xff);
		out(0x40, 1, 1193 >> 8);
	} else if (k->act == PR_MASK && k->ioapic) {
		ioapic_wr(0x10 + 2 * 2, 0x10042);
		ioapic_wr(0x10 + 2 * 2, 0x42);
	} else if (k->act == PR_MASK) {
		out(0x21, 1, 0xfb);             /* as Linux's mask_and_ack_8259A */
		out(0x21, 1, 0xfa);
	}
}

static void test_pit_reinject(void)
{
	char name[160];

	for (unsigned i = 0; i < sizeof(pr_cases) / sizeof(pr_cases[0]); i++) {
		const struct pr_case *k = &pr_cases[i];
		int want = k->ioapic ? 0x42 : 0x30, v;
		unsigned ticks = 0, bad = 0, early = 0;

		fresh();
		pic_setup(k->ioapic ? 0xfffb : 0xfffa);
		if (k->ioapic)
			ioapic_wr(0x10 + 2 * 2, 0x42);  /* pin 2 edge, vector 0x42; the rest masked */
		out(0x43, 1, 0x34);                     /* counter 0 mode 2, 1193: 1 ms */
		out(0x40, 1, 1193 & 0xff);
		out(0x40, 1, 1193 >> 8);
		at(1000000 * k->late + 500000);
		while (ticks < 3000 && vmm_intr_pending(vc)) {
			v = vmm_intr_ack(vc);
			bad += v != want;
			if (k->ioapic && (mrd(LAPIC + 0x220, 4) & BIT(2)))
				early++;                /* 0x42 requested again before the EOI */
			if (vmm_intr_pending(vc))
				early++;
			if (ticks++ == 0)
				pr_act(k);
			if (k->ioapic)
				mwr(LAPIC + 0xb0, 4, 0);
			else
				out(0x20, 1, 0x20);
		}
		snprintf(name, sizeof(name), "PIT reinject: %s", k->name);
		ut_ok(ticks == k->ticks && bad == 0 && early == 0 && exits_bad == 0, name,
		      "ticks %u, %u wrong vectors, %u before the acknowledge", ticks, bad, early);
	}
}

/*
 * Linux's check_timer() moves the PIT from the 8259 to IOAPIC pin 2: the
 * tick in flight sits masked in the 8259's IRR and was lost at the
 * masked pin. Unmasking the pin ends the wait for its acknowledge: the
 * next period is delivered.
 */
static void test_pit_route_switch(void)
{
	fresh();
	pic_setup(0xffff);
	out(0x43, 1, 0x34);
	out(0x40, 1, 1193 & 0xff);
	out(0x40, 1, 1193 >> 8);
	at(1500000);
	ut_ok(!vmm_intr_pending(vc), "PIT route switch: the tick in flight is masked everywhere", NULL);
	ioapic_wr(0x10 + 2 * 2, 0x42);
	at(2500000);
	ut_ok(vmm_intr_pending(vc) && vmm_intr_ack(vc) == 0x42,
	      "PIT route switch: unmasking IOAPIC pin 2 ends the wait; the next period arrives", NULL);
	mwr(LAPIC + 0xb0, 4, 0);
	at(3500000);
	ut_ok(vmm_intr_pending(vc) && vmm_intr_ack(vc) == 0x42, "PIT route switch: and the one after", NULL);
}

/* RTC periodic interrupt: ISA IRQ 8, slave IR0 and IOAPIC pin 8. */
static void test_irq_rtc(void)
{
	int v[4] = { -1, -1, -1, -1 };
	unsigned n;

	fresh();
	pic_setup(0xfefb);
	ioapic_wr(0x10 + 2 * 8, 0x48);
	out(0x70, 1, 0x0b);
	out(0x71, 1, 0x42);                     /* PIE, 24-hour */
	at(1000000);                            /* 1024 Hz: one period */
	n = take_all(v, 4);
	ut_ok(n == 2 && v[0] == 0x38 && v[1] == 0x48, "RTC periodic: IRQ 8 (0x38, 0x48)",
	      "%u: 0x%x 0x%x", n, v[0], v[1]);
	out(0x70, 1, 0x0c);
	DT_EQ(in(0x71, 1), 0xc0, "RTC register C: IRQF|PF");
}

/* COM1: THRE with IER.ETBEI and MCR.OUT2 raises IRQ 4. */
static void test_irq_com1(void)
{
	int v[4] = { -1, -1, -1, -1 };
	unsigned n;

	fresh();
	pic_setup(0xffef);
	ioapic_wr(0x10 + 2 * 4, 0x44);
	out(0x3f9, 1, 0x02);
	ut_ok(!vmm_intr_pending(vc), "COM1: no IRQ without MCR OUT2", NULL);
	out(0x3fc, 1, 0x08);
	n = take_all(v, 4);
	ut_ok(n == 2 && v[0] == 0x34 && v[1] == 0x44, "COM1 THRE with IER set: IRQ 4 (0x34, 0x44)",
	      "%u: 0x%x 0x%x", n, v[0], v[1]);
	DT_EQ(in(0x3fa, 1), 0x02, "COM1 IIR: THRE");
}

/*
 * The SCI: PM timer bit 31 toggles with TMR_EN set -> IRQ 9, slave IR1
 * and IOAPIC pin 9 level-triggered: Remote IRR until the LAPIC's EOI,
 * delivered again while the SCI stays asserted.
 */
static void test_irq_sci(void)
{
	fresh();
	pic_setup(0xfdfb);
	ioapic_wr(0x10 + 2 * 9, 0x8049);
	out(0x602, 2, 0x0001);                  /* TMR_EN */
	at(600000000000ULL);                    /* bit 31 toggled at 599.93 s */
	ut_ok(vmm_intr_pending(vc) && vmm_intr_ack(vc) == 0x39, "SCI: IRQ 9 at the 8259 (0x39)", NULL);
	out(0xa0, 1, 0x20);
	out(0x20, 1, 0x20);
	ut_ok(vmm_intr_pending(vc) && vmm_intr_ack(vc) == 0x49, "SCI: IOAPIC pin 9 (0x49)", NULL);
	ut_ok(ioapic_rd(0x10 + 2 * 9) & 0x4000, "SCI: Remote IRR set", NULL);
	ut_ok(!vmm_intr_pending(vc), "SCI: not delivered again before the EOI", NULL);
	mwr(LAPIC + 0xb0, 4, 0);
	ut_ok(vmm_intr_pending(vc) && vmm_intr_ack(vc) == 0x49,
	      "SCI: the LAPIC's EOI reaches the IOAPIC: still asserted, delivered again", NULL);
	out(0x600, 2, 0x0001);                  /* clear TMR_STS: the SCI drops */
	mwr(LAPIC + 0xb0, 4, 0);
	ut_ok(!vmm_intr_pending(vc) && !(ioapic_rd(0x10 + 2 * 9) & 0x4000),
	      "SCI: deasserted, EOI clears Remote IRR, nothing more", NULL);
}

/* ---------------------------------------------------------------------- */
/* NMI, timers, IPIs */

static void test_nmi(void)
{
	fresh();
	ut_ok(!vmm_nmi_take(vc), "NMI: none at start", NULL);
	vmm_nmi_input(vc);
	ut_ok(vmm_nmi_take(vc), "NMI input: through LINT1 (NMI) to the CPU", NULL);
	ut_ok(!vmm_nmi_take(vc), "NMI: taking it clears it", NULL);
	vmm_nmi_input(vc);
	vmm_nmi_take(vc);
	vmm_nmi_input(vc);
	ut_ok(vmm_nmi_take(vc), "NMI input again: a new edge on LINT1", NULL);
	out(0x70, 1, 0x8d);
	vmm_nmi_input(vc);
	ut_ok(!vmm_nmi_take(vc) && strstr(vmm_log_last, "dropped") != NULL,
	      "NMI input dropped (and logged) while port 0x70 bit 7 is set", "%s", vmm_log_last);
	out(0x70, 1, 0x0d);
	vmm_nmi_input(vc);
	ut_ok(vmm_nmi_take(vc), "port 0x70 bit 7 clear: NMI delivered again", NULL);
	mwr(LAPIC + 0x360, 4, 0x10400);
	vmm_nmi_input(vc);
	ut_ok(!vmm_nmi_take(vc), "LVT LINT1 masked: no NMI", NULL);
}

/* The LAPIC's TSC-deadline timer on the host's guest TSC. */
static void test_tsc_deadline(void)
{
	uint64_t v;

	fresh();
	pic_setup(0xffff);
	F.tsc = 5000000;
	mwr(LAPIC + 0x320, 4, 0x40000 | 0x50);  /* LVT timer: TSC-deadline, vector 0x50 */
	v = F.tsc + 2000;                       /* 1000 ns at 2 GHz */
	DT_EQ(msr(0x6e0, true, &v), VMM_MSR_OK, "IA32_TSC_DEADLINE written");
	ut_ok(msr(0x6e0, false, &v) == VMM_MSR_OK && v == 5002000, "IA32_TSC_DEADLINE reads back", NULL);
	DT_EQ(vmm_next_deadline(&V), 1000, "TSC deadline 2000 ticks ahead at 2 GHz: 1000 ns");
	at(999);
	ut_ok(!vmm_intr_pending(vc), "TSC deadline: nothing at 999 ns", NULL);
	at(1000);
	ut_ok(vmm_intr_pending(vc) && vmm_intr_ack(vc) == 0x50, "TSC deadline: vector 0x50 at 1000 ns", NULL);
	ut_ok(msr(0x6e0, false, &v) == VMM_MSR_OK && v == 0, "TSC deadline: disarmed after firing", NULL);
}

/* An IPI to another APIC: there is none; the monitor logs it. */
static void test_ipi(void)
{
	fresh();
	mwr(LAPIC + 0x310, 4, 0x01000000);
	mwr(LAPIC + 0x300, 4, 0x4031);
	ut_ok(strstr(vmm_log_last, "IPI") != NULL && !vmm_intr_pending(vc), "IPI to APIC ID 1: logged, not taken here",
	      "%s", vmm_log_last);
}

int main(void)
{
	test_irq_routing();
	test_irq_dest();
	test_irq_pit();
	test_pit_reinject();
	test_pit_route_switch();
	test_irq_rtc();
	test_irq_com1();
	test_irq_sci();
	test_nmi();
	test_tsc_deadline();
	test_ipi();
	return ut_done();
}
