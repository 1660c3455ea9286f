/*
 * test_lapic.c - the local APIC (vmm/dev/lapic.c, lapic_regs.c) without
 * its timer: register reset values and writable bits, access sizes, PPR,
 * priority and EOI order, TMR and ops->eoi, IPIs through the ICR, ESR,
 * destination matching, LINT0/LINT1, software disable, IA32_APIC_BASE
 * transitions and the x2APIC MSRs. The timer is in test_lapic_timer.c.
 *
 * Expected values come from Intel SDM Vol.3 chapter 11: reset values
 * 11.4.7.1, register layouts Figures 11-7 to 11-28, PPR 11.8.3.1, x2APIC
 * 11.12; the values after lapic_init are those SeaBIOS leaves (SVR
 * 0x1ff, LINT0 0x8700, LINT1 0x8400: src/fw/smp.c).
 */
#include "lapictest.h"

struct regcase {
	const char *name;
	uint32_t off;
	uint32_t reset;         /* after lapic_init */
	uint32_t write;
	uint32_t after;         /* read back after the write */
};

static const struct regcase regcases[] = {
	{ "ID", A_ID, 0x03000000, 0xffffffff, 0xff000000 },
	{ "version", A_VER, 0x00050014, 0, 0x00050014 },
	{ "TPR", A_TPR, 0, 0xffffffff, 0xff },
	{ "APR", A_APR, 0, 0xffffffff, 0 },
	{ "PPR read-only", A_PPR, 0, 0xffffffff, 0 },
	{ "EOI write-only", A_EOI, 0, 0xffffffff, 0 },
	{ "remote read", A_RRD, 0, 0xffffffff, 0 },
	{ "LDR", A_LDR, 0, 0xffffffff, 0xff000000 },
	{ "DFR cluster", A_DFR, 0xffffffff, 0, 0x0fffffff },
	{ "DFR model bits only", A_DFR, 0xffffffff, 0x12345678, 0x1fffffff },
	{ "SVR", A_SVR, 0x1ff, 0xffffffff, 0x3ff },
	{ "SVR bit 12 reserved", A_SVR, 0x1ff, 0x11ff, 0x1ff },
	{ "ISR 0", A_ISR, 0, 0xffffffff, 0 },
	{ "ISR 7", A_ISR + 0x70, 0, 0xffffffff, 0 },
	{ "TMR 3", A_TMR + 0x30, 0, 0xffffffff, 0 },
	{ "IRR 7", A_IRR + 0x70, 0, 0xffffffff, 0 },
	{ "ESR", A_ESR, 0, 0xffffffff, 0 },
	{ "LVT CMCI absent", A_CMCI, 0, 0xffffffff, 0 },
	{ "ICR low", A_ICRLO, 0, 0xffffffff, 0x000ccfff },
	{ "ICR high", A_ICRHI, 0, 0xffffffff, 0xff000000 },
	{ "LVT timer (no TSC-deadline)", A_LVTT, 0x10000, 0xffffffff, 0x000300ff },
	{ "LVT thermal", A_THERM, 0x10000, 0xffffffff, 0x000107ff },
	{ "LVT perf", A_PERF, 0x10000, 0xffffffff, 0x000107ff },
	{ "LVT LINT0", A_LINT0, 0x8700, 0xffffffff, 0x0001a7ff },
	{ "LVT LINT1", A_LINT1, 0x8400, 0xffffffff, 0x0001a7ff },
	{ "LVT error", A_LVTERR, 0x10000, 0xffffffff, 0x000100ff },
	{ "initial count", A_TMICT, 0, 0xffffffff, 0xffffffff },
	{ "current count read-only", A_TMCCT, 0, 0xffffffff, 0 },
	{ "divide config", A_TDCR, 0, 0xffffffff, 0xb },
	{ "0x3f0 (x2APIC SELF IPI only)", A_SELF, 0, 0x41, 0 },
	{ "reserved 0x040", 0x040, 0, 0xffffffff, 0 },
	{ "reserved 0x3a0", 0x3a0, 0, 0xffffffff, 0 },
	{ "reserved 0x400", 0x400, 0, 0xffffffff, 0 },
	{ "reserved 0xff0", 0xff0, 0, 0xffffffff, 0 },
	{ NULL, 0, 0, 0, 0 },
};

static void test_registers(void)
{
	char name[96];
	uint32_t nonzero = 0;
	gpa_t page;

	for (const struct regcase *c = regcases; c->name != NULL; c++) {
		lt_init(3);
		snprintf(name, sizeof(name), "reset: %s", c->name);
		DT_EQ(rd(c->off), c->reset, name);
		wr(c->off, c->write);
		snprintf(name, sizeof(name), "write 0x%x: %s", c->write, c->name);
		DT_EQ(rd(c->off), c->after, name);
	}
	lt_init(0);
	DT_EQ(lapic_get_apicbase(&T.l), 0xfee00900, "APIC base of the BSP: 0xfee00000 | EN | BSP");
	DT_EQ(lapic_mmio_page(&T.l, &page) ? page : 1, 0xfee00000, "MMIO page at the default base");
	lt_init(3);
	DT_EQ(lapic_get_apicbase(&T.l), 0xfee00800, "APIC base of an AP: no BSP bit");
	DT_EQ(lapic_get_tpr(&T.l), 0, "TPR 0 at reset");
	lapic_set_tpr(&T.l, 0x5a);
	DT_EQ(rd(A_TPR), 0x5a, "lapic_set_tpr shows in the TPR register");
	wr(A_TPR, 0xc3);
	DT_EQ(lapic_get_tpr(&T.l), 0xc3, "TPR register write shows in lapic_get_tpr");
	DT_EQ(T.l.lock.locked, 0, "MMIO access releases the lock");
	wr(A_SELF, 0x41);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "xAPIC: a write to 0x3f0 sends no self IPI");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x1f, false);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x3f, false);
	for (uint32_t off = 0x400; off < 0x1000; off += 0x10) {
		nonzero |= rd(off);
		wr(off, 0);
	}
	DT_EQ(nonzero, 0, "offsets 0x400-0xff0 read 0");
	DT_EQ(rd(A_IRR), 0x80000000, "writes to 0x400-0xff0 change nothing (IRR 0)");
	DT_EQ(rd(A_IRR + 0x10), 0x80000000, "(IRR 1)");
}

/* Sizes and offsets other than aligned 32-bit (lapic_regs.c's documented choice). */
static void test_access_sizes(void)
{
	lt_init(0x12);
	DT_EQ(rdn(A_ID + 3, 1), 0x12, "byte read of ID bits 31:24");
	DT_EQ(rdn(A_VER + 2, 2), 0x0005, "word read of version bits 31:16");
	DT_EQ(rdn(A_VER, 1), 0x14, "byte read of version bits 7:0");
	DT_EQ(rdn(A_VER + 4, 4), 0, "dword at +4 of a slot reads 0");
	DT_EQ(rdn(A_VER + 8, 8), 0, "qword at +8 of a slot reads 0");
	DT_EQ(rdn(A_VER, 8), 0x00050014, "qword read: register in the low half");
	wrn(A_TPR, 1, 0x77);
	DT_EQ(rd(A_TPR), 0, "byte write dropped");
	wrn(A_TPR + 4, 4, 0x77);
	DT_EQ(rd(A_TPR), 0, "dword write at +4 dropped");
	wrn(A_TPR, 8, 0x77);
	DT_EQ(rd(A_TPR), 0, "qword write dropped");
	wrn(A_TPR, 2, 0x77);
	DT_EQ(rd(A_TPR), 0, "word write dropped");
	wrn(A_TPR + 0x1000, 4, 0x66);
	DT_EQ(rd(A_TPR), 0x66, "offset taken within the 4 KiB page");
}

/* PPR (SDM 11.8.3.1). */
static void test_ppr(void)
{
	static const struct {
		uint8_t tpr;
		int isr;                /* vector in service, -1 none */
		uint32_t ppr;
	} c[] = {
		{ 0x00, -1, 0x00 }, { 0x35, -1, 0x35 }, { 0x20, 0x41, 0x40 }, { 0x45, 0x41, 0x45 },
		{ 0x4f, 0x30, 0x4f }, { 0x10, 0xff, 0xf0 }, { 0x3f, 0x4e, 0x40 }, { 0xf0, 0xff, 0xf0 },
	};
	char name[64];

	for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
		lt_init(0);
		if (c[i].isr >= 0) {
			lapic_deliver(&T.l, LAPIC_DM_FIXED, (uint8_t)c[i].isr, false);
			lapic_ack(&T.l, (uint8_t)c[i].isr);
		}
		wr(A_TPR, c[i].tpr);
		snprintf(name, sizeof(name), "PPR with TPR 0x%02x ISR %d", c[i].tpr, c[i].isr);
		DT_EQ(rd(A_PPR), c[i].ppr, name);
	}
}

/* Priority classes, IRR -> ISR, EOI order (SDM 11.8.3, 11.8.4, 11.8.5). */
static void test_priority_eoi(void)
{
	lt_init(0);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "nothing pending at reset");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x30, false);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x90, false);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x41, false);
	ut_ok(bit256(A_IRR, 0x30) && bit256(A_IRR, 0x90) && bit256(A_IRR, 0x41), "three vectors in IRR",
	      NULL);
	DT_EQ(lapic_pending(&T.l), 0x90, "highest IRR vector pending");
	wr(A_TPR, 0x90);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "TPR class 9 blocks vector 0x90");
	wr(A_TPR, 0x8f);
	DT_EQ(lapic_pending(&T.l), 0x90, "TPR 0x8f lets class 9 through");
	wr(A_TPR, 0);
	lapic_ack(&T.l, 0x90);
	ut_ok(!bit256(A_IRR, 0x90) && bit256(A_ISR, 0x90), "ack moves 0x90 from IRR to ISR", NULL);
	DT_EQ(rd(A_ISR + 0x40), 1u << 16, "ISR register 4 bit 16 is vector 0x90");
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "0x41 waits while 0x90 is in service");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0xa1, false);
	DT_EQ(take(), 0xa1, "a higher class nests");
	DT_EQ(rd(A_PPR), 0xa0, "PPR is the class of the nested vector");
	wr(A_EOI, 0);
	ut_ok(!bit256(A_ISR, 0xa1) && bit256(A_ISR, 0x90), "EOI ends the highest in service first",
	      NULL);
	DT_EQ(rd(A_PPR), 0x90, "PPR back to 0x90");
	wr(A_EOI, 0x12345678);
	DT_EQ(rd(A_ISR + 0x40), 0, "second EOI ends 0x90 (value written ignored)");
	DT_EQ(take(), 0x41, "then 0x41");
	DT_EQ(take(), (uint64_t)-1, "0x30 waits behind 0x41 in service");
	wr(A_EOI, 0);
	DT_EQ(take(), 0x30, "then 0x30");
	wr(A_EOI, 0);
	wr(A_EOI, 0);
	DT_EQ(T.eoi_calls, 0, "edge vectors: no EOI broadcast");
	ut_ok(T.edge_eoi_calls == 4 && T.edge_eoi_vec == 0x30 && !T.edge_eoi_locked,
	      "edge vectors: ops->edge_eoi once per EOI with the vector ended, lock dropped",
	      "%u calls, last 0x%x", T.edge_eoi_calls, T.edge_eoi_vec);
	wr(A_EOI, 0);
	DT_EQ(T.edge_eoi_calls, 4, "EOI with nothing in service: no call");
	lapic_ack(&T.l, 0x55);
	DT_EQ(rd(A_ISR + 0x20), 0, "ack of a vector not in IRR does nothing");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x20, false);
	DT_EQ(take(), 0x20, "vector 0x20 (class 2) dispatched with PPR 0");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x21, false);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "same class as in service: waits");

	lt_init(0);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x10, false);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x1f, false);
	DT_EQ(rd(A_IRR), 0x80010000, "vectors 16 and 31 are legal (IRR register 0)");
	wr(A_ESR, 0);
	DT_EQ(rd(A_ESR), 0, "no error for them");
	DT_EQ(take(), 0x1f, "vector 0x1f (class 1) dispatched");
	DT_EQ(rd(A_ISR), 0x80000000, "ISR register 0 bit 31");
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "0x10 waits behind 0x1f");
	wr(A_EOI, 0);
	DT_EQ(take(), 0x10, "then 0x10");
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "IRR empty, 0x10 in service: nothing");
	wr(A_EOI, 0);
	DT_EQ(rd(A_ISR), 0, "ISR empty");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x1f, true);
	take();
	wr(A_EOI, 0);
	DT_EQ(rd(A_TMR), 0x80000000, "level 0x1f leaves its TMR bit after the EOI");
	DT_EQ(rd(A_PPR), 0, "PPR 0: TMR is not ISR");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x15, false);
	DT_EQ(lapic_pending(&T.l), 0x15, "0x15 dispatched");
}

/* TMR and the EOI broadcast for level-triggered vectors (SDM 11.8.4, 11.8.5). */
static void test_tmr_eoi(void)
{
	lt_init(0);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x61, true);
	DT_EQ(rd(A_TMR + 0x30), 0x2, "level vector 0x61 sets TMR register 3 bit 1");
	DT_EQ(take(), 0x61, "level vector dispatched");
	wr(A_EOI, 0);
	DT_EQ(T.eoi_calls, 1, "EOI of a TMR vector calls ops->eoi");
	DT_EQ(T.edge_eoi_calls, 0, "and not ops->edge_eoi");
	DT_EQ(T.eoi_vec, 0x61, "with its vector");
	DT_EQ(T.eoi_locked, 0, "without the LAPIC lock held");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x61, false);
	DT_EQ(rd(A_TMR + 0x30), 0, "edge delivery of the same vector clears TMR");
	take();
	wr(A_EOI, 0);
	DT_EQ(T.eoi_calls, 1, "no broadcast for it");
	lapic_deliver(&T.l, LAPIC_DM_LOWPRI, 0x71, true);
	DT_EQ(take(), 0x71, "lowest priority accepted like fixed");
	msr_wr(X2(A_EOI), 0);
	DT_EQ(T.eoi_calls, 1, "x2APIC EOI MSR ignored in xAPIC mode");
	wr(A_EOI, 0);
	DT_EQ(T.eoi_calls, 2, "level lowest-priority vector broadcast");
	DT_EQ(T.eoi_vec, 0x71, "vector 0x71");
}

/* IPIs through the ICR (SDM 11.6.1). */
static void test_icr(void)
{
	lt_init(2);
	wr(A_ICRLO, SH_SELF | 0x40);
	ut_ok(bit256(A_IRR, 0x40), "self IPI by shorthand", NULL);
	DT_EQ(T.ipi_calls, 0, "self shorthand: nothing for others");
	DT_EQ(rd(A_ICRLO), SH_SELF | 0x40, "ICR reads back, delivery status 0");
	DT_EQ(rd(A_TMR + 0x20), 0, "IPI is edge (TMR clear)");

	lt_init(2);
	wr(A_ICRHI, 0x02000000);
	wr(A_ICRLO, ICR_ASSERT | 0x41);
	ut_ok(bit256(A_IRR, 0x41), "physical destination = own ID: to self", NULL);
	DT_EQ(T.ipi_calls, 0, "and to nobody else");
	wr(A_ICRHI, 0x05000000);
	wr(A_ICRLO, ICR_ASSERT | 0x42);
	ut_ok(!bit256(A_IRR, 0x42), "physical destination 5: not to self", NULL);
	DT_EQ(T.ipi_calls, 1, "goes to ops->ipi");
	ut_ok(T.ipi.dest == 5 && !T.ipi.logical && T.ipi.shorthand == 0 &&
	      T.ipi.mode == LAPIC_DM_FIXED && T.ipi.vector == 0x42 && !T.ipi.level_trig,
	      "IPI message fields", "dest %u vec 0x%x", T.ipi.dest, T.ipi.vector);
	DT_EQ(T.ipi_locked, 0, "ops->ipi called without the lock");
	wr(A_ICRHI, 0xff000000);
	wr(A_ICRLO, 0x43);
	ut_ok(bit256(A_IRR, 0x43) && T.ipi_calls == 2, "physical broadcast 0xff: self and others", NULL);
	wr(A_ICRLO, SH_ALL | 0x44);
	ut_ok(bit256(A_IRR, 0x44) && T.ipi_calls == 3 && T.ipi.shorthand == 2,
	      "all including self", NULL);
	wr(A_ICRLO, SH_OTHERS | 0x45);
	ut_ok(!bit256(A_IRR, 0x45) && T.ipi_calls == 4 && T.ipi.shorthand == 3,
	      "all excluding self", NULL);
	wr(A_LDR, 0x01000000);
	wr(A_ICRHI, 0x03000000);
	wr(A_ICRLO, ICR_LOGICAL | 0x46);
	ut_ok(bit256(A_IRR, 0x46) && T.ipi_calls == 5 && T.ipi.logical && T.ipi.dest == 3,
	      "logical flat 0x03 reaches LDR bit 0 and goes to others", NULL);
	wr(A_ICRHI, 0x02000000);
	wr(A_ICRLO, ICR_LOGICAL | 0x47);
	ut_ok(!bit256(A_IRR, 0x47) && T.ipi_calls == 6, "logical 0x02 misses LDR 0x01", NULL);
	wr(A_ICRLO, SH_OTHERS | 0x8000 | ICR_ASSERT | 0x48);
	DT_EQ(T.ipi.level_trig, 1, "trigger mode passed to others");

	lt_init(2);
	wr(A_ICRLO, SH_SELF | DM_NMI);
	DT_EQ(lapic_take_nmi(&T.l), 1, "NMI to self through the ICR");
	DT_EQ(lapic_take_nmi(&T.l), 0, "taken once");
	wr(A_ICRLO, SH_SELF | DM_INIT);
	DT_EQ(lapic_take_nmi(&T.l) || lapic_pending(&T.l) >= 0, 0, "INIT to self ignored");
	wr(A_ICRLO, SH_SELF | 0x05);
	DT_EQ(rd(A_IRR), 0, "fixed IPI with vector 5 not sent");
	wr(A_ESR, 0);
	DT_EQ(rd(A_ESR), 0x20, "ESR: send illegal vector");
	wr(A_ICRLO, SH_OTHERS | 0x100 | 0x0f);
	DT_EQ(T.ipi_calls, 0, "lowest priority with vector 15 not sent either");
	wr(A_ICRLO, SH_SELF | DM_NMI | 0x03);
	DT_EQ(lapic_take_nmi(&T.l), 1, "NMI ignores the vector field");
	wr(A_ESR, 0);
	wr(A_ICRLO, SH_SELF | 0x10);
	ut_ok(bit256(A_IRR, 0x10), "fixed IPI with vector 16 is legal", NULL);
	wr(A_ESR, 0);
	DT_EQ(rd(A_ESR), 0, "no error");
}

/* ESR write-then-read (SDM 11.5.3) and the error interrupt. */
static void test_esr(void)
{
	lt_init(0);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x05, false);
	DT_EQ(rd(A_IRR), 0, "vector 5 not accepted");
	DT_EQ(rd(A_ESR), 0, "ESR not updated before a write");
	wr(A_ESR, 0);
	DT_EQ(rd(A_ESR), 0x40, "ESR after write: receive illegal vector");
	wr(A_ESR, 0xffffffff);
	DT_EQ(rd(A_ESR), 0, "next write clears it");
	wr(A_LVTERR, 0xe0);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x0f, false);
	ut_ok(bit256(A_IRR, 0xe0), "an error raises the LVT error vector", NULL);
	wr(A_LVTERR, 0x03);
	wr(A_ICRLO, SH_SELF | 0x01);
	wr(A_ESR, 0);
	DT_EQ(rd(A_ESR), 0x60, "error LVT with an illegal vector: receive + send illegal");
	DT_EQ(rd(A_IRR), 0, "and nothing accepted for it");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x10, true);
	wr(A_LVTERR, 0x10);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x02, false);
	ut_ok(bit256(A_IRR, 0x10) && !bit256(A_TMR, 0x10), "error vector 16: accepted, edge", NULL);
	wr(A_LVTERR, LVT_MASK | 0xe1);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x00, false);
	ut_ok(!bit256(A_IRR, 0xe1), "masked error LVT: no interrupt", NULL);
	wr(A_ESR, 0);
	DT_EQ(rd(A_ESR), 0x40, "but the error is recorded");
}

/* lapic_match (SDM 11.6.2: physical, flat, cluster; 11.12.10 x2APIC). */
static void test_match(void)
{
	lt_init(3);
	ut_ok(lapic_match(&T.l, 3, false), "physical own ID", NULL);
	ut_ok(!lapic_match(&T.l, 4, false), "physical other ID", NULL);
	ut_ok(lapic_match(&T.l, 0xff, false), "physical broadcast", NULL);
	wr(A_ID, 0x07000000);
	ut_ok(lapic_match(&T.l, 7, false) && !lapic_match(&T.l, 3, false),
	      "physical match follows a written xAPIC ID", NULL);
	wr(A_LDR, 0x05000000);
	ut_ok(lapic_match(&T.l, 0x04, true), "flat: mask bit 2 in LDR 0x05", NULL);
	ut_ok(!lapic_match(&T.l, 0x02, true), "flat: mask bit 1 not in LDR", NULL);
	ut_ok(lapic_match(&T.l, 0xff, true), "flat broadcast", NULL);
	ut_ok(!lapic_match(&T.l, 0x00, true), "flat: empty mask", NULL);
	wr(A_DFR, 0x0fffffff);
	wr(A_LDR, 0x21000000);
	ut_ok(lapic_match(&T.l, 0x21, true), "cluster 2 bit 0", NULL);
	ut_ok(lapic_match(&T.l, 0x23, true), "cluster 2 bits 0,1", NULL);
	ut_ok(!lapic_match(&T.l, 0x11, true), "cluster 1", NULL);
	ut_ok(!lapic_match(&T.l, 0x22, true), "cluster 2 bit 1 only", NULL);
	ut_ok(!lapic_match(&T.l, 0x01, true), "cluster 0 bit 0", NULL);
	ut_ok(lapic_match(&T.l, 0xff, true), "cluster broadcast", NULL);
	wr(A_DFR, 0x7fffffff);
	ut_ok(!lapic_match(&T.l, 0x21, true), "unknown DFR model matches nothing", NULL);

	lt_init(0x123);
	DT_EQ(lapic_set_apicbase(&T.l, 0xfee00c00), 0, "to x2APIC");
	ut_ok(lapic_match(&T.l, 0x123, false), "x2APIC physical 32-bit ID", NULL);
	ut_ok(!lapic_match(&T.l, 0x23, false), "x2APIC physical: low 8 bits are not enough", NULL);
	ut_ok(lapic_match(&T.l, 0xffffffff, false), "x2APIC broadcast", NULL);
	ut_ok(lapic_match(&T.l, 0x00120008, true), "x2APIC logical: cluster 0x12 bit 3", NULL);
	ut_ok(lapic_match(&T.l, 0x0012fff8, true), "x2APIC logical: several bits", NULL);
	ut_ok(!lapic_match(&T.l, 0x00120007, true), "x2APIC logical: other bits", NULL);
	ut_ok(!lapic_match(&T.l, 0x00130008, true), "x2APIC logical: other cluster", NULL);
	ut_ok(lapic_match(&T.l, 0xffffffff, true), "x2APIC logical broadcast", NULL);
	lt_init(3);
	lapic_set_apicbase(&T.l, 0xfee00000);
	ut_ok(!lapic_match(&T.l, 3, false) && !lapic_match(&T.l, 0xff, false),
	      "globally disabled APIC matches nothing", NULL);
}

/* LINT0/LINT1 (SDM 11.5.1) and the 8259 path. */
static void test_lint(void)
{
	lt_init(0);
	lapic_set_lint(&T.l, 1, true);
	DT_EQ(lapic_take_nmi(&T.l), 1, "LINT1 NMI (BIOS setting) on the rising edge");
	lapic_set_lint(&T.l, 1, true);
	DT_EQ(lapic_take_nmi(&T.l), 0, "no new edge, no NMI");
	lapic_set_lint(&T.l, 1, false);
	lapic_set_lint(&T.l, 1, true);
	DT_EQ(lapic_take_nmi(&T.l), 1, "next edge");
	lapic_set_lint(&T.l, 1, false);
	wr(A_LINT1, LVT_MASK | DM_NMI);
	lapic_set_lint(&T.l, 1, true);
	DT_EQ(lapic_take_nmi(&T.l), 0, "masked LINT1: no NMI");
	lapic_set_lint(&T.l, 0, true);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "LINT0 ExtINT puts nothing in IRR");

	lt_init(0);
	wr(A_LINT0, 0x31);
	lapic_set_lint(&T.l, 0, true);
	ut_ok(bit256(A_IRR, 0x31) && !bit256(A_TMR, 0x31), "LINT0 fixed edge: IRR, TMR clear", NULL);
	take();
	wr(A_EOI, 0);
	lapic_set_lint(&T.l, 0, true);
	DT_EQ(rd(A_IRR + 0x10), 0, "no edge, no interrupt");
	lapic_set_lint(&T.l, 0, false);
	wr(A_LINT0, LVT_POL_LOW | 0x33);
	DT_EQ(rd(A_IRR + 0x10), 0, "edge entry: polarity alone delivers nothing");
	lapic_set_lint(&T.l, 0, true);
	DT_EQ(rd(A_IRR + 0x10), 0, "active low: rising line is the de-asserting edge");
	lapic_set_lint(&T.l, 0, false);
	ut_ok(bit256(A_IRR, 0x33), "active low: falling line delivers", NULL);

}

/* LINT0 level-triggered fixed entries: Remote IRR and the EOI (SDM 11.5.1). */
static void test_lint_level(void)
{
	lt_init(0);
	wr(A_LINT0, LVT_LEVEL | 0x32);
	lapic_set_lint(&T.l, 0, true);
	ut_ok(bit256(A_IRR, 0x32) && bit256(A_TMR, 0x32), "LINT0 fixed level: IRR and TMR", NULL);
	DT_EQ(rd(A_LINT0), LVT_LEVEL | LVT_RIRR | 0x32, "Remote IRR set");
	wr(A_LINT0, LVT_LEVEL | 0x32);
	DT_EQ(rd(A_LINT0), LVT_LEVEL | LVT_RIRR | 0x32, "Remote IRR is read-only");
	take();
	DT_EQ(rd(A_IRR + 0x10), 0, "taken");
	lapic_set_lint(&T.l, 0, true);
	wr(A_LINT0, LVT_LEVEL | 0x32);
	DT_EQ(rd(A_IRR + 0x10), 0, "Remote IRR set: no second delivery");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x61, true);
	take();
	wr(A_EOI, 0);
	DT_EQ(rd(A_LINT0) & LVT_RIRR, LVT_RIRR, "EOI of another level vector keeps Remote IRR");
	DT_EQ(rd(A_IRR + 0x10), 0, "and does not deliver LINT0 again");
	DT_EQ(T.eoi_vec, 0x61, "(that EOI was broadcast)");
	T.eoi_calls = 0;
	wr(A_EOI, 0);
	DT_EQ(T.eoi_calls, 1, "EOI broadcast for the level vector");
	ut_ok(bit256(A_IRR, 0x32), "still asserted: delivered again after EOI", NULL);
	DT_EQ(rd(A_LINT0) & LVT_RIRR, LVT_RIRR, "Remote IRR set again");
	lapic_set_lint(&T.l, 0, false);
	take();
	wr(A_EOI, 0);
	DT_EQ(rd(A_LINT0), LVT_LEVEL | 0x32, "de-asserted: EOI clears Remote IRR");
	DT_EQ(rd(A_IRR + 0x10), 0, "and nothing is delivered");
	wr(A_LINT0, LVT_MASK | LVT_LEVEL | 0x34);
	lapic_set_lint(&T.l, 0, true);
	wr(A_LINT0, LVT_MASK | LVT_LEVEL | 0x34);
	DT_EQ(rd(A_IRR + 0x10), 0, "masked level LINT0: nothing");
	wr(A_LINT0, LVT_LEVEL | 0x34);
	ut_ok(bit256(A_IRR, 0x34), "unmasked while asserted: delivered", NULL);
	lt_init(0);
	wr(A_LINT0, LVT_LEVEL | 0x05);
	lapic_set_lint(&T.l, 0, true);
	DT_EQ(rd(A_LINT0), LVT_LEVEL | 0x05, "level LINT0 with vector 5: no Remote IRR");
	wr(A_ESR, 0);
	DT_EQ(rd(A_ESR), 0x40, "receive illegal vector");
	wr(A_LINT1, LVT_LEVEL | 0x35);
	lapic_set_lint(&T.l, 1, true);
	DT_EQ(rd(A_LINT1) & LVT_RIRR, 0, "LINT1 level acts as edge (no Remote IRR)");
	ut_ok(bit256(A_IRR, 0x35) && !bit256(A_TMR, 0x35), "LINT1 fixed delivered edge", NULL);

	lt_init(0);
	lapic_set_apicbase(&T.l, 0xfee00000);
	lapic_set_lint(&T.l, 1, true);
	DT_EQ(lapic_take_nmi(&T.l), 1, "globally disabled APIC: LINT1 is the NMI pin");
	lapic_set_lint(&T.l, 1, true);
	DT_EQ(lapic_take_nmi(&T.l), 0, "only on the rising edge");
	lapic_set_lint(&T.l, 0, true);
	DT_EQ(lapic_take_nmi(&T.l), 0, "LINT0 is not");
	lapic_set_lint(&T.l, 2, true);
	DT_EQ(lapic_take_nmi(&T.l), 0, "pin 2 does not exist");
	lapic_set_apicbase(&T.l, 0xfee00800);
	wr(A_SVR, 0x1ff);
	wr(A_LVTERR, 0x50);
	lapic_set_lint(&T.l, 2, false);
	lapic_set_lint(&T.l, 2, true);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "pin 2 is not the LVT entry after LINT1");
}

static void test_accepts_pic(void)
{
	lt_init(0);
	DT_EQ(lapic_accepts_pic(&T.l), 1, "virtual wire after init: LINT0 ExtINT unmasked");
	wr(A_LINT0, LVT_MASK | DM_EXTINT);
	DT_EQ(lapic_accepts_pic(&T.l), 0, "LINT0 masked: PIC blocked");
	wr(A_LINT0, 0x30);
	DT_EQ(lapic_accepts_pic(&T.l), 0, "LINT0 fixed: PIC blocked");
	wr(A_LINT0, DM_NMI);
	DT_EQ(lapic_accepts_pic(&T.l), 0, "LINT0 NMI: PIC blocked");
	wr(A_LINT0, DM_EXTINT);
	DT_EQ(lapic_accepts_pic(&T.l), 1, "ExtINT again");
	wr(A_SVR, 0xff);
	DT_EQ(lapic_accepts_pic(&T.l), 0, "software disable masks LINT0: PIC blocked");
	wr(A_SVR, 0x1ff);
	DT_EQ(lapic_accepts_pic(&T.l), 0, "re-enable does not unmask");
	wr(A_LINT0, DM_EXTINT);
	DT_EQ(lapic_accepts_pic(&T.l), 1, "software unmasks it");
	lapic_set_apicbase(&T.l, 0xfee00c00);
	DT_EQ(lapic_accepts_pic(&T.l), 1, "x2APIC mode keeps LINT0");
	lapic_set_apicbase(&T.l, 0);
	DT_EQ(lapic_accepts_pic(&T.l), 1, "globally disabled APIC: PIC always passes");
	lapic_set_apicbase(&T.l, 0xfee00800);
	DT_EQ(lapic_accepts_pic(&T.l), 0, "re-enabled: LINT0 masked from reset");
}

/* SVR bit 8 clear (SDM 11.4.7.2). */
static void test_sw_disable(void)
{
	static const uint32_t lvts[] = { A_LVTT, A_THERM, A_PERF, A_LINT0, A_LINT1, A_LVTERR };
	char name[64];

	lt_init(0);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x50, false);
	take();
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x40, false);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x70, false);
	for (unsigned i = 0; i < ARRAY_SIZE(lvts); i++)
		wr(lvts[i], 0x20);
	wr(A_SVR, 0xff);
	for (unsigned i = 0; i < ARRAY_SIZE(lvts); i++) {
		snprintf(name, sizeof(name), "disable masks LVT 0x%x", lvts[i]);
		DT_EQ(rd(lvts[i]) & LVT_MASK, LVT_MASK, name);
	}
	DT_EQ(rd(A_LVTT), LVT_MASK | 0x20, "the rest of the entry is kept");
	wr(A_LVTERR, 0xe0);
	DT_EQ(rd(A_LVTERR), LVT_MASK | 0xe0, "mask cannot be cleared while disabled");
	wr(A_LVTT, 0x21);
	DT_EQ(rd(A_LVTT), LVT_MASK | 0x21, "not in the timer LVT either");
	wr(A_TPR, 0x10);
	DT_EQ(rd(A_TPR), 0x10, "other registers are written as usual");
	ut_ok(bit256(A_IRR, 0x40) && bit256(A_IRR, 0x70) && bit256(A_ISR, 0x50), "IRR and ISR held",
	      NULL);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "nothing dispatched while disabled (0x70 > PPR)");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x60, false);
	ut_ok(!bit256(A_IRR, 0x60), "no new fixed interrupt accepted", NULL);
	wr(A_ICRLO, SH_SELF | 0x61);
	ut_ok(!bit256(A_IRR, 0x61), "nor a self IPI", NULL);
	lapic_deliver(&T.l, LAPIC_DM_NMI, 0, false);
	DT_EQ(lapic_take_nmi(&T.l), 1, "NMI still accepted");
	wr(A_TPR, 0);
	wr(A_EOI, 0);
	DT_EQ(rd(A_ISR + 0x20), 0, "EOI still works");
	wr(A_SVR, 0x1ff);
	DT_EQ(lapic_pending(&T.l), 0x70, "re-enabled: the held vectors are dispatched");
	DT_EQ(rd(A_LVTERR), LVT_MASK | 0xe0, "LVT stays masked after re-enable");
}

/* IA32_APIC_BASE (SDM 11.4.4, 11.12.5 Figure 11-32). */
static void test_apicbase(void)
{
	static const struct {
		const char *name;
		uint64_t from;          /* state set up first (legal path) */
		uint64_t val;
		int rc;
		uint64_t after;
	} c[] = {
		{ "xAPIC -> xAPIC, new base", 0xfee00900, 0xfed00800, 0, 0xfed00900 },
		{ "BSP bit is read-only (clear)", 0xfee00900, 0xfee00800, 0, 0xfee00900 },
		{ "xAPIC -> disabled", 0xfee00900, 0xfee00000, 0, 0xfee00100 },
		{ "xAPIC -> x2APIC", 0xfee00900, 0xfee00d00, 0, 0xfee00d00 },
		{ "xAPIC -> invalid (EXTD, !EN)", 0xfee00900, 0xfee00400, -1, 0xfee00900 },
		{ "disabled -> xAPIC", 0xfee00100, 0xfee00900, 0, 0xfee00900 },
		{ "disabled -> x2APIC", 0xfee00100, 0xfee00d00, -1, 0xfee00100 },
		{ "disabled -> invalid", 0xfee00100, 0xfee00500, -1, 0xfee00100 },
		{ "disabled -> disabled", 0xfee00100, 0xfec00100, 0, 0xfec00100 },
		{ "x2APIC -> xAPIC", 0xfee00d00, 0xfee00900, -1, 0xfee00d00 },
		{ "x2APIC -> invalid", 0xfee00d00, 0xfee00500, -1, 0xfee00d00 },
		{ "x2APIC -> disabled", 0xfee00d00, 0xfee00100, 0, 0xfee00100 },
		{ "x2APIC -> x2APIC", 0xfee00d00, 0xfee00d00, 0, 0xfee00d00 },
		{ "reserved bit 0", 0xfee00900, 0xfee00901, -1, 0xfee00900 },
		{ "reserved bit 7", 0xfee00900, 0xfee00980, -1, 0xfee00900 },
		{ "reserved bit 9", 0xfee00900, 0xfee00b00, -1, 0xfee00900 },
		{ "base bit 39 (MAXPHYADDR 40)", 0xfee00900, 0x80fee00900ULL, 0, 0x80fee00900ULL },
		{ "bit 40 reserved (MAXPHYADDR 40)", 0xfee00900, 0x10000000900ULL, -1, 0xfee00900 },
		{ "bit 63 reserved", 0xfee00900, 0x80000000fee00900ULL, -1, 0xfee00900 },
	};
	char name[96];
	gpa_t page;

	for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
		lt_init(0);
		if (c[i].from == 0xfee00100)
			lapic_set_apicbase(&T.l, 0xfee00000);
		else if (c[i].from == 0xfee00d00)
			lapic_set_apicbase(&T.l, 0xfee00c00);
		DT_EQ(lapic_get_apicbase(&T.l), c[i].from, "starting state");
		snprintf(name, sizeof(name), "%s: rc", c[i].name);
		DT_EQ(lapic_set_apicbase(&T.l, c[i].val), (uint64_t)(int64_t)c[i].rc, name);
		snprintf(name, sizeof(name), "%s: value", c[i].name);
		DT_EQ(lapic_get_apicbase(&T.l), c[i].after, name);
	}

	lt_init(0);
	lapic_set_apicbase(&T.l, 0xfed00800);
	DT_EQ(lapic_mmio_page(&T.l, &page) ? page : 1, 0xfed00000, "MMIO page moves with the base");
	lapic_set_caps(&T.l, 36, false);
	DT_EQ(lapic_set_apicbase(&T.l, 0x80fee00800ULL), (uint64_t)-1,
	      "bit 39 reserved with MAXPHYADDR 36");
	DT_EQ(lapic_set_apicbase(&T.l, 0xf00000800ULL), 0, "bit 35 is address with MAXPHYADDR 36");
	DT_EQ(lapic_set_apicbase(&T.l, 0x1000000800ULL), (uint64_t)-1, "bit 36 reserved");
	lapic_set_caps(&T.l, 52, false);
	DT_EQ(lapic_set_apicbase(&T.l, 0x8000000000800ULL), 0, "bit 51 is address with MAXPHYADDR 52");
	lapic_set_caps(&T.l, 32, false);
	DT_EQ(lapic_set_apicbase(&T.l, 0x100000800ULL), (uint64_t)-1, "MAXPHYADDR 32: bit 32 reserved");
	DT_EQ(lapic_set_apicbase(&T.l, 0x80000800ULL), 0, "MAXPHYADDR 32: bit 31 is address");
	lapic_set_caps(&T.l, 31, false);
	DT_EQ(lapic_set_apicbase(&T.l, 0x8000000800ULL), 0, "MAXPHYADDR 31 is refused: 40 used");
	DT_EQ(lapic_set_apicbase(&T.l, 0x10000000800ULL), (uint64_t)-1, "(bit 40 reserved)");
	lapic_set_caps(&T.l, 53, false);
	DT_EQ(lapic_set_apicbase(&T.l, 0x10000000800ULL), (uint64_t)-1,
	      "MAXPHYADDR 53 is refused: 40 used");
	DT_EQ(lapic_set_apicbase(&T.l, 0x80fee01800ULL), 0, "base bits 39 and 12");
	DT_EQ(lapic_mmio_page(&T.l, &page) ? page : 1, 0x80fee01000ULL, "page has bits 39 and 12");
	DT_EQ(lapic_set_apicbase(&T.l, 0x800ULL), 0, "base at GPA 0");
	DT_EQ(lapic_mmio_page(&T.l, &page) ? page : 1, 0, "page 0 is a page: the call says so apart");

	lt_init(0);
	wr(A_ICRHI, 0x5a000000);
	lapic_set_apicbase(&T.l, 0xfed00800);
	DT_EQ(rd(A_ICRHI), 0x5a000000, "a base change keeps the registers");
	lapic_set_apicbase(&T.l, 0xfed00c00);
	DT_EQ(msr_rd(X2(A_ICRLO)) >> 32, 0, "to x2APIC: the ICR destination starts at 0");
}

/* Disabling through IA32_APIC_BASE resets to the power-up state (SDM 11.4.3, 11.4.7.1). */
static void test_disable_reset(void)
{
	char name[96];
	gpa_t page;

	lt_init(4);
	wr(A_TPR, 0x20);
	wr(A_ID, 0x09000000);
	wr(A_LDR, 0x01000000);
	wr(A_DFR, 0x0fffffff);
	wr(A_TDCR, 0xb);
	wr(A_LVTERR, 0xee);
	wr(A_TMICT, 1000);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x80, true);
	lapic_deliver(&T.l, LAPIC_DM_NMI, 0, false);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x08, false);
	DT_EQ(lapic_set_apicbase(&T.l, 0xfee00000), 0, "disable");
	DT_EQ(lapic_mmio_page(&T.l, &page), false, "disabled: no MMIO page");
	DT_EQ(rd(A_VER), 0xffffffff, "disabled: page reads all-ones");
	DT_EQ(next_due(), VCLOCK_NEVER, "disabled: timer stopped");
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x81, false);
	lapic_deliver(&T.l, LAPIC_DM_NMI, 0, false);
	DT_EQ(lapic_take_nmi(&T.l), 0, "disabled: pending NMI dropped, new ones not accepted");
	DT_EQ(lapic_set_apicbase(&T.l, 0xfee00800), 0, "re-enable xAPIC");
	{
		static const struct { uint32_t off, val; } pu[] = {
			{ A_ID, 0x04000000 }, { A_VER, 0x00050014 }, { A_TPR, 0 }, { A_LDR, 0 },
			{ A_DFR, 0xffffffff }, { A_SVR, 0xff }, { A_IRR + 0x40, 0 },
			{ A_TMR + 0x40, 0 }, { A_ESR, 0 }, { A_LVTT, LVT_MASK }, { A_THERM, LVT_MASK },
			{ A_PERF, LVT_MASK }, { A_LINT0, LVT_MASK }, { A_LINT1, LVT_MASK },
			{ A_LVTERR, LVT_MASK }, { A_TMICT, 0 }, { A_TMCCT, 0 }, { A_TDCR, 0 },
		};

		wr(A_ESR, 0);
		for (unsigned i = 0; i < ARRAY_SIZE(pu); i++) {
			snprintf(name, sizeof(name), "power-up value of 0x%03x after re-enable", pu[i].off);
			DT_EQ(rd(pu[i].off), pu[i].val, name);
		}
	}
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "SVR 0xff: software-disabled after re-enable");
}

/* x2APIC MSRs (SDM 11.12.1 Table 11-6, 11.12.1.3 reserved bits). */
static void test_x2apic(void)
{
	static const struct { uint32_t msr; bool write; uint64_t val; } gp[] = {
		{ X2(A_ID), true, 0x123 }, { X2(A_VER), true, 0 }, { X2(A_APR), false, 0 },
		{ X2(A_APR), true, 0 }, { X2(A_PPR), true, 0 }, { X2(A_EOI), false, 0 },
		{ X2(A_EOI), true, 1 }, { X2(A_RRD), false, 0 }, { X2(A_LDR), true, 0 },
		{ X2(A_DFR), false, 0 }, { X2(A_DFR), true, 0 }, { X2(A_ISR), true, 0 },
		{ X2(A_IRR), true, 0 }, { X2(A_ESR), true, 1 }, { X2(A_CMCI), false, 0 },
		{ X2(A_CMCI), true, 0 }, { X2(A_ICRHI), false, 0 }, { X2(A_ICRHI), true, 0 },
		{ X2(A_TMCCT), true, 0 }, { X2(A_SELF), false, 0 }, { X2(A_SELF), true, 0x100 },
		{ X2(A_SELF), true, 1ULL << 32 }, { 0x804, false, 0 }, { 0x840, false, 0 },
		{ 0x8ff, true, 0 }, { X2(A_TPR), true, 0x100 }, { X2(A_TPR), true, 1ULL << 32 },
		{ X2(A_SVR), true, 0x11ff }, { X2(A_TDCR), true, 0x4 }, { X2(A_LINT0), true, 0x20000 },
		{ X2(A_LVTT), true, LVT_TSCDL }, { X2(A_LVTERR), true, 0x700 },
		{ X2(A_ICRLO), true, 0x1000 }, { X2(A_ICRLO), true, 0x2000 },
		{ X2(A_ICRLO), true, 0x10000 }, { X2(A_ICRLO), true, 0x100000 },
		{ X2(A_TMICT), true, 1ULL << 32 }, { 0x7ff, false, 0 }, { 0x900, false, 0 },
	};
	char name[64];

	lt_init(0x123);
	DT_EQ(msr_rd(X2(A_ID)), ~0ULL, "xAPIC mode: x2APIC MSRs #GP");
	DT_EQ(msr_wr(X2(A_TPR), 0), (uint64_t)-1, "xAPIC mode: x2APIC MSR write #GP");
	DT_EQ(msr_wr(M_TSCDL, 0), (uint64_t)-1, "TSC_DEADLINE #GP when not advertised");
	DT_EQ(lapic_set_apicbase(&T.l, 0xfee00c00), 0, "to x2APIC");
	DT_EQ(rdn(A_VER, 4), 0xffffffff, "MMIO page gone in x2APIC mode");
	DT_EQ(rdn(A_VER, 2), 0xffff, "MMIO reads all-ones of the access size");
	wr(A_TPR, 0x40);
	DT_EQ(msr_rd(X2(A_TPR)), 0, "MMIO writes dropped in x2APIC mode");
	DT_EQ(msr_rd(X2(A_ID)), 0x123, "x2APIC ID is the full 32-bit ID");
	DT_EQ(msr_rd(X2(A_VER)), 0x00050014, "version");
	DT_EQ(msr_rd(X2(A_LDR)), 0x00120008, "LDR: cluster 0x12, bit 3");
	DT_EQ(msr_rd(X2(A_SVR)), 0x1ff, "SVR kept across the switch");
	DT_EQ(msr_rd(X2(A_LINT0)), 0x8700, "LINT0 kept across the switch");
	for (unsigned i = 0; i < ARRAY_SIZE(gp); i++) {
		uint64_t v = gp[i].val;

		snprintf(name, sizeof(name), "#GP: %s MSR 0x%x val 0x%llx", gp[i].write ? "WRMSR" : "RDMSR",
			 gp[i].msr, (unsigned long long)gp[i].val);
		DT_EQ(lapic_msr(&T.l, gp[i].msr, gp[i].write, &v), (uint64_t)-1, name);
	}
	DT_EQ(msr_wr(X2(A_TPR), 0x20), 0, "TPR write");
	DT_EQ(msr_rd(X2(A_TPR)), 0x20, "TPR read back");
	DT_EQ(msr_rd(X2(A_PPR)), 0x20, "PPR");
	DT_EQ(msr_wr(X2(A_TPR), 0), 0, "TPR 0");
	DT_EQ(msr_wr(X2(A_LINT0), 0x1c000 | 0x7ff), 0, "read-only LVT bits may be written");
	DT_EQ(msr_rd(X2(A_LINT0)), 0x187ff, "and are ignored");
	DT_EQ(msr_wr(X2(A_LINT1), 0x15000 | 0x400), 0, "LINT1 too");
	DT_EQ(msr_rd(X2(A_LINT1)), 0x10400, "(read-only bits ignored)");
	DT_EQ(msr_wr(X2(A_TDCR), 0xb), 0, "divide write");
	DT_EQ(msr_rd(X2(A_TDCR)), 0xb, "divide read");
	DT_EQ(msr_wr(X2(A_SVR), 0x3ff), 0, "SVR bits 9:0");

}

/* x2APIC SELF IPI, EOI, ESR and the 64-bit ICR (SDM 11.12.9, 11.12.11). */
static void test_x2apic_ipi(void)
{
	lt_init(0x123);
	lapic_set_apicbase(&T.l, 0xfee00c00);
	lapic_deliver(&T.l, LAPIC_DM_FIXED, 0x50, true);
	DT_EQ(msr_wr(X2(A_SELF), 0x50), 0, "SELF IPI write");
	DT_EQ(msr_rd(X2(A_TMR) + 2), 0, "SELF IPI is edge: TMR cleared");
	DT_EQ(msr_rd(X2(A_IRR) + 2) & (1u << 16), 1u << 16, "SELF IPI vector 0x50 in IRR");
	DT_EQ(T.ipi_calls, 0, "SELF IPI: nobody else");
	DT_EQ(msr_wr(X2(A_SELF), 0x03), 0, "SELF IPI with vector 3");
	DT_EQ(msr_wr(X2(A_ESR), 0), 0, "ESR write 0");
	DT_EQ(msr_rd(X2(A_ESR)), 0x40, "ESR: receive illegal vector");
	DT_EQ(take(), 0x50, "0x50 dispatched");
	DT_EQ(msr_wr(X2(A_EOI), 0), 0, "EOI write 0");
	DT_EQ(msr_rd(X2(A_ISR) + 2), 0, "ISR cleared");

	DT_EQ(msr_wr(X2(A_ICRLO), 0x0000012300000041ULL), 0, "ICR to own 32-bit ID");
	DT_EQ(take(), 0x41, "delivered to self");
	msr_wr(X2(A_EOI), 0);
	DT_EQ(T.ipi_calls, 0, "not to others");
	DT_EQ(msr_rd(X2(A_ICRLO)), 0x0000012300000041ULL, "64-bit ICR reads back");
	DT_EQ(msr_wr(X2(A_ICRLO), 0x0000002300000042ULL), 0, "ICR to 0x23");
	ut_ok(T.ipi_calls == 1 && T.ipi.dest == 0x23 && lapic_pending(&T.l) < 0,
	      "0x23 is another APIC in x2APIC mode", NULL);
	DT_EQ(msr_wr(X2(A_ICRLO), 0xffffffff00000043ULL), 0, "ICR broadcast");
	ut_ok(T.ipi_calls == 2 && T.ipi.dest == 0xffffffff && lapic_pending(&T.l) == 0x43,
	      "x2APIC broadcast: self and others", NULL);
	DT_EQ(msr_wr(X2(A_ICRLO), 0x0012000800000844ULL), 0, "ICR logical cluster 0x12 bit 3");
	ut_ok(T.ipi_calls == 3 && T.ipi.logical && T.ipi.dest == 0x00120008, "logical: to others",
	      NULL);
	DT_EQ(msr_rd(X2(A_IRR) + 2) & (1u << 4), 1u << 4, "logical x2APIC match: 0x44 to self");
	DT_EQ(msr_wr(X2(A_ICRLO), 0x4000ULL | SH_SELF | DM_NMI), 0, "NMI to self");
	DT_EQ(lapic_take_nmi(&T.l), 1, "NMI pending");
	DT_EQ(msr_wr(X2(A_ESR), 0), 0, "ESR write");
	DT_EQ(msr_rd(X2(A_ESR)), 0, "no error");

	DT_EQ(lapic_set_apicbase(&T.l, 0xfee00000), 0, "x2APIC -> disabled");
	DT_EQ(msr_rd(X2(A_ID)), ~0ULL, "disabled: MSRs #GP");
	DT_EQ(lapic_set_apicbase(&T.l, 0xfee00800), 0, "-> xAPIC");
	DT_EQ(rd(A_ID), 0x23000000, "xAPIC ID is the low 8 bits of the x2APIC ID");
	DT_EQ(rd(A_ICRHI), 0, "ICR high reset");

	lt_init(0x123);
	lapic_set_caps(&T.l, 40, true);
	lapic_set_apicbase(&T.l, 0xfee00c00);
	DT_EQ(msr_wr(X2(A_LVTT), LVT_TSCDL | 0x30), 0, "LVT timer bit 18 with TSC-deadline");
	DT_EQ(msr_rd(X2(A_LVTT)), LVT_TSCDL | 0x30, "read back");
	DT_EQ(msr_rd(0x801), ~0ULL, "MSR 0x801 reserved");
	DT_EQ(msr_rd(0x83a), ~0ULL, "MSR 0x83a reserved");
}

int main(void)
{
	test_registers();
	test_access_sizes();
	test_ppr();
	test_priority_eoi();
	test_tmr_eoi();
	test_icr();
	test_esr();
	test_match();
	test_lint();
	test_lint_level();
	test_accepts_pic();
	test_sw_disable();
	test_apicbase();
	test_disable_reset();
	test_x2apic();
	test_x2apic_ipi();
	return ut_done();
}
