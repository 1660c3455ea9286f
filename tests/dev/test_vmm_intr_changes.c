/*
 * test_vmm_intr_changes.c - the monitor's change count (vmm_intr_changes(),
 * vmm.h) against what it stands for: while the count stays the same,
 * vmm_intr_poll() gives the same answer. The vCPU skips its question
 * before an entry on that promise (hv/event.c), so a change the count
 * misses is an interrupt or NMI that waits for an unrelated exit.
 *
 * A seeded random walk drives the machine the way guests do: 8259
 * commands (masks, EOIs, OCW3 reads and polls), pc-testdev lines of
 * either level, IOAPIC redirection entries, LAPIC registers (TPR, EOI,
 * SVR, LVT LINT0/LINT1/timer, self-IPIs through the ICR, the timer's
 * counts), IA32_APIC_BASE off (for a while) and on, CR8, host NMIs (also
 * while the APIC is off), IOAPIC NMI messages, time passing (PIT, RTC
 * periodic interrupt, LAPIC timer), and the CPU taking interrupts and
 * NMIs (alone, or with the poll). After every step the full answer (TPR, a pending NMI, a pending
 * interrupt and its vector source) is compared with the one before
 * whenever the count did not move. The walk must also show the property
 * has teeth: many steps where the answer changed, many where the count
 * stood still.
 */
#include "vmmtest.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* The answer vmm_intr_poll(take_nmi) would give, without taking the NMI. */
struct answer {
	uint8_t cr8;
	bool nmi;
	bool pending;
	uint32_t changes;
};

static struct answer ask(void)
{
	struct vmm_intr_poll p;

	vmm_intr_poll(vc, false, &p);
	return (struct answer){ .cr8 = p.cr8, .nmi = vc->lapic.nmi_pending, .pending = p.pending,
				.changes = p.changes };
}

static const uint16_t lapic_regs[] = { 0x80, 0xb0, 0xf0, 0x350, 0x360, 0x320, 0x380, 0x3e0 };

/* One random thing a guest, a device or the host does. */
static void step(uint64_t *now)
{
	uint64_t v;

	switch (rnd(16)) {
	case 0:         /* 8259 masks */
		out(rnd(2) ? 0x21 : 0xa1, 1, rnd(256) & rnd(256));
		break;
	case 1:         /* 8259 EOI, specific or not, or an OCW3 read / poll */
		switch (rnd(4)) {
		case 0: out(0x20, 1, 0x20); break;
		case 1: out(0xa0, 1, 0x60 | rnd(8)); break;
		case 2: out(0x20, 1, 0x0c); (void)in(0x20, 1); break;
		default: out(0xa0, 1, 0x0b); (void)in(0xa0, 1); break;
		}
		break;
	case 2:
	case 3:         /* a pc-testdev line (ISA 0-15, IOAPIC 16-23) */
		out((uint16_t)(0x2000 + rnd(24)), 1, rnd(2));
		break;
	case 4:         /* an IOAPIC redirection entry: vector, fixed or NMI, level/edge, mask */
		ioapic_wr(0x10 + 2 * rnd(24), (0x30 + rnd(0xc0)) | (rnd(8) == 0 ? 4u << 8 : 0) |
			  (rnd(2) << 15) | (rnd(3) == 0 ? 1u << 16 : 0));
		break;
	case 5:
	case 6:         /* a LAPIC register */
		switch (lapic_regs[rnd(ARRAY_SIZE(lapic_regs))]) {
		case 0x80: mwr(LAPIC + 0x80, 4, rnd(256)); break;
		case 0xb0: mwr(LAPIC + 0xb0, 4, 0); break;
		case 0xf0: mwr(LAPIC + 0xf0, 4, rnd(8) ? 0x1ff : 0xff); break;
		case 0x350: mwr(LAPIC + 0x350, 4, rnd(2) ? 0x700 : (0x30 + rnd(0xc0)) |
				(rnd(2) << 15) | (rnd(3) == 0 ? 1u << 16 : 0)); break;
		case 0x360: mwr(LAPIC + 0x360, 4, rnd(2) ? 0x400 : 0x10400); break;
		case 0x320: mwr(LAPIC + 0x320, 4, (0x30 + rnd(0xc0)) | (rnd(2) << 17) |
				(rnd(4) == 0 ? 1u << 16 : 0)); break;
		case 0x380: mwr(LAPIC + 0x380, 4, 1 + rnd(5000)); break;
		default: mwr(LAPIC + 0x3e0, 4, 0xb); break;
		}
		break;
	case 7:         /* a self-IPI, fixed or NMI */
		mwr(LAPIC + 0x300, 4, rnd(4) ? (0x40000 | (0x30 + rnd(0xc0))) : 0x40400);
		break;
	case 8:         /* a LAPIC read: the timer's count catches up with the clock */
		(void)mrd(LAPIC + (rnd(2) ? 0x390 : 0x100 + 0x10 * rnd(8)), 4);
		break;
	case 9:         /* IA32_APIC_BASE off, or on again (rarely) */
		if (rnd(8) != 0)
			break;
		(void)msr(0x1b, false, &v);
		if (v & (1u << 11)) {
			v = 0xfee00100;         /* EN clear, BSP kept */
			(void)msr(0x1b, true, &v);
		} else {
			v = 0xfee00900;         /* EN set */
			(void)msr(0x1b, true, &v);
			mwr(LAPIC + 0xf0, 4, 0x1ff);
			mwr(LAPIC + 0x350, 4, 0x700);
			mwr(LAPIC + 0x360, 4, 0x400);
		}
		break;
	case 10:        /* CR8 */
		vmm_set_cr8(vc, (uint8_t)rnd(16));
		break;
	case 11:        /* a host NMI on LINT1, sometimes gated at port 0x70 */
		if (rnd(4) == 0)
			out(0x70, 1, rnd(2) ? 0x80 : 0x00);
		else
			vmm_nmi_input(vc);
		break;
	case 12:
	case 13:        /* time passes: PIT, RTC and LAPIC timer fire */
		*now += 1 + rnd(3000000);
		at(*now);
		break;
	default:        /* the CPU takes what it can, the NMI on its own or with the poll */
		if (rnd(2) && vmm_intr_pending(vc))
			(void)vmm_intr_ack(vc);
		if (rnd(2)) {
			(void)vmm_nmi_take(vc);
		} else if (rnd(2)) {
			struct vmm_intr_poll p;

			vmm_intr_poll(vc, true, &p);
		}
		break;
	}
}

static void test_walk(void)
{
	uint64_t now = 0;
	struct answer before, after;
	unsigned still = 0, moved = 0, answer_changed = 0, wrong = 0;

	fresh();
	pic_setup(0x0000);
	ioapic_setup(0x50);
	out(0x43, 1, 0x34);             /* PIT counter 0, mode 2, 1 kHz */
	out(0x40, 1, 0xa9);
	out(0x40, 1, 0x04);
	out(0x70, 1, 0x0b);             /* RTC periodic interrupt on, 1024 Hz */
	out(0x71, 1, 0x42);
	before = ask();
	for (unsigned i = 0; i < 200000; i++) {
		step(&now);
		after = ask();
		if (after.changes == before.changes) {
			still++;
			if (after.cr8 != before.cr8 || after.nmi != before.nmi ||
			    after.pending != before.pending) {
				if (wrong++ == 0)
					printf("# step %u: count %u unchanged, answer cr8 %u->%u nmi "
					       "%d->%d pending %d->%d\n", i, after.changes, before.cr8,
					       after.cr8, before.nmi, after.nmi, before.pending,
					       after.pending);
			}
		} else {
			moved++;
		}
		if (after.cr8 != before.cr8 || after.nmi != before.nmi ||
		    after.pending != before.pending)
			answer_changed++;
		before = after;
	}
	ut_ok(wrong == 0, "changes: the same count always gave the same answer",
	      "%u of %u steps with a standing count gave another answer", wrong, still);
	ut_ok(answer_changed > 20000 && still > 20000 && moved > 20000,
	      "changes: the walk changed the answer often and left the count alone often",
	      "answer changed %u, count still %u, moved %u", answer_changed, still, moved);
	ut_ok(exits_bad == 0, "changes: every exit completed", "%u bad", exits_bad);
}

/* The sources one by one: each must move the count when it changes the answer. */
static void test_sources(void)
{
	uint32_t c;
	uint64_t v;

	fresh();
	pic_setup(0xfffb);
	c = vmm_intr_changes(vc);
	out(0x21, 1, 0xfa);             /* unmask IRQ 0: nothing requested yet */
	out(0x2000, 1, 1);              /* IRQ 0 rises: the 8259's INT goes high */
	ut_ok(vmm_intr_changes(vc) != c && vmm_intr_pending(vc),
	      "changes: the 8259's INT rising moves the count", NULL);
	c = vmm_intr_changes(vc);
	(void)vmm_intr_ack(vc);
	ut_ok(vmm_intr_changes(vc) != c, "changes: INTA moves the count", NULL);
	c = vmm_intr_changes(vc);
	mwr(LAPIC + 0x80, 4, 0x20);
	ut_ok(vmm_intr_changes(vc) != c, "changes: a TPR write moves the count", NULL);
	c = vmm_intr_changes(vc);
	vmm_set_cr8(vc, 5);
	ut_ok(vmm_intr_changes(vc) != c, "changes: CR8 moves the count", NULL);
	c = vmm_intr_changes(vc);
	vmm_set_cr8(vc, 5);
	ut_ok(vmm_intr_changes(vc) == c, "changes: the same CR8 again leaves it", NULL);
	c = vmm_intr_changes(vc);
	vmm_nmi_input(vc);
	ut_ok(vmm_intr_changes(vc) != c, "changes: an NMI on LINT1 moves the count", NULL);
	c = vmm_intr_changes(vc);
	(void)vmm_nmi_take(vc);
	ut_ok(vmm_intr_changes(vc) != c, "changes: taking the NMI moves the count", NULL);
	c = vmm_intr_changes(vc);
	(void)vmm_nmi_take(vc);
	ut_ok(vmm_intr_changes(vc) == c, "changes: no NMI to take leaves it", NULL);
	c = vmm_intr_changes(vc);
	v = 0xfee00100;
	ut_ok(msr(0x1b, true, &v) == VMM_MSR_OK && vmm_intr_changes(vc) != c,
	      "changes: IA32_APIC_BASE disable moves the count", NULL);
	c = vmm_intr_changes(vc);
	(void)in(0xe0, 4);
	out(0xe0, 4, 0x12345678);
	(void)in(0x61, 1);
	ut_ok(vmm_intr_changes(vc) == c, "changes: ports that raise no line leave it", NULL);
}

int main(void)
{
	test_sources();
	test_walk();
	return ut_done();
}
