/*
 * test_vmm_mmio.c - the monitor's MMIO side and MSRs (vmm/vmm.c through
 * vmm.h): MMIO exits into the Mem Assist, the LAPIC page of the vCPU,
 * the IOAPIC and the pc-testdev buffer on the bus, unclaimed MMIO and
 * its once-per-page log, SSE moves through the host's XMM callback,
 * IA32_APIC_BASE, the x2APIC MSRs and CR8.
 *
 * Where the expected values come from:
 *  - the MMIO map of vmm.h's header comment; unclaimed MMIO below 4 GiB
 *    reads all-ones, writes are dropped, the first access to a page is
 *    logged, at most VMM_UNCLAIMED_LOGGED pages (vmm.h);
 *  - SDM Vol.3 Table 11-1 (xAPIC registers; version 0x00050014 as
 *    vmm/dev/lapic.h documents), 82093AA (IOREGSEL/IOWIN, version 0x20
 *    with 24 entries: 0x00170020), QEMU pc-testdev (64 KiB RAM-like
 *    buffer at 0xff000000);
 *  - MSRs: SDM Vol.3 11.4.4 (IA32_APIC_BASE: base, EN bit 11, BSP bit 8,
 *    reserved bits, MAXPHYADDR), 11.12.1 (x2APIC MSRs 0x800-0x8ff only in
 *    x2APIC mode, #GP otherwise), 11.5.4.1 (IA32_TSC_DEADLINE 0x6e0);
 *  - CR8: SDM Vol.3 11.8.6 / APM Vol.2 16.6.4 (CR8[3:0] = TPR[7:4]).
 */
#include "vmmtest.h"

/* ---------------------------------------------------------------------- */
/* Unclaimed MMIO */

/* Pages nothing claims, next to every MMIO device and in the holes between. */
static const uint32_t unclaimed_mmio[] = {
	0x00100000, 0x80000000, 0xe0000000, 0xfebff000, 0xfec01000, 0xfed00000,
	0xfedff000, 0xfee01000, 0xfeff0000, 0xff010000, 0xfffff000,
};


static void test_unclaimed_mmio(void)
{
	bool ok = true;
	uint64_t before;
	unsigned logs;

	fresh();
	exits_bad = 0;
	before = V.unclaimed_mmio;
	for (unsigned i = 0; i < ARRAY_SIZE(unclaimed_mmio); i++) {
		for (unsigned size = 1; size <= 4; size *= 2) {
			uint32_t a = unclaimed_mmio[i] + 0x10;

			ok &= mrd(a, size) == x86_size_mask(size);
			mwr(a, size, 0);
			ok &= mrd(a, size) == x86_size_mask(size);
		}
	}
	ut_ok(ok, "unclaimed MMIO below 4 GiB reads all-ones at 1, 2, 4 bytes; writes dropped", NULL);
	DT_EQ(V.unclaimed_mmio - before, 9 * ARRAY_SIZE(unclaimed_mmio), "unclaimed MMIO accesses counted");

	/* One log line per page, for at most VMM_UNCLAIMED_LOGGED pages. */
	fresh();
	logs = vmm_log_count;
	mrd(0xfed00040, 4);
	ut_ok(vmm_log_count == logs + 1 && strstr(vmm_log_last, "0xfed00040") != NULL,
	      "unclaimed MMIO: the first access to a page is logged with its GPA", "%s", vmm_log_last);
	mwr(0xfed00ffc, 4, 1);
	mrd(0xfed00000, 1);
	DT_EQ(vmm_log_count, logs + 1, "unclaimed MMIO: the page is logged once");
	mrd(0xfed01000, 4);
	DT_EQ(vmm_log_count, logs + 2, "unclaimed MMIO: the next page is logged");
	for (unsigned p = 2; p < VMM_UNCLAIMED_LOGGED + 8; p++) {
		mrd(0xfed00000 + p * 0x1000, 4);
		mrd(0xfed00000 + p * 0x1000, 4);
	}
	DT_EQ(vmm_log_count, logs + VMM_UNCLAIMED_LOGGED, "unclaimed MMIO: at most VMM_UNCLAIMED_LOGGED pages logged");
	DT_EQ(exits_bad, 0, "unclaimed MMIO: every exit done");
}

/* ---------------------------------------------------------------------- */
/* MMIO devices and MSRs: a script of MMIO and MSR accesses */

enum { END, MW, MR, XW, XR, XWGP, XRGP };

struct mstep {
	int op;                 /* MW/MR: MMIO; XW/XR: MSR, OK; XWGP/XRGP: MSR, #GP */
	uint32_t where;         /* GPA or MSR number */
	uint8_t size;           /* MMIO bytes */
	uint64_t v;             /* MW/XW: value; MR/XR: wanted */
	const char *name;
};

#define M_W(a, s, v)            { MW, a, s, v, NULL }
#define M_R(a, s, v, name)      { MR, a, s, v, name }
#define X_W(m, v, name)         { XW, m, 0, v, name }
#define X_R(m, v, name)         { XR, m, 0, v, name }
#define X_WGP(m, v, name)       { XWGP, m, 0, v, name }
#define X_RGP(m, name)          { XRGP, m, 0, 0, name }
#define IOREGSEL                IOAPIC
#define IOWIN                   (IOAPIC + 0x10)

static const struct mstep mmio_script[] = {
	/* The LAPIC page of the vCPU (SDM Vol.3 Table 11-1) */
	M_R(LAPIC + 0x30, 4, 0x00050014, "LAPIC version at 0xfee00030"),
	M_R(LAPIC + 0x20, 4, 0, "LAPIC ID 0 at 0xfee00020"),
	M_R(LAPIC + 0xf0, 4, 0x1ff, "LAPIC SVR as SeaBIOS leaves it"),
	M_R(LAPIC + 0x350, 4, 0x8700, "LAPIC LVT LINT0: ExtINT"),
	M_R(LAPIC + 0x360, 4, 0x8400, "LAPIC LVT LINT1: NMI"),
	M_W(LAPIC + 0x80, 4, 0x20), M_R(LAPIC + 0x80, 4, 0x20, "LAPIC TPR written and read back"),
	M_W(LAPIC + 0x80, 4, 0),
	/* The IOAPIC through IOREGSEL/IOWIN */
	M_W(IOREGSEL, 4, 0x01), M_R(IOWIN, 4, 0x00170020, "IOAPIC version through IOREGSEL/IOWIN"),
	M_R(IOREGSEL, 4, 0x01, "IOAPIC IOREGSEL reads back"),
	M_W(IOREGSEL, 4, 0x00), M_R(IOWIN, 4, 0, "IOAPIC ID 0"),
	M_W(IOREGSEL, 4, 0x1a), M_W(IOWIN, 4, 0x1a045),
	M_W(IOREGSEL, 4, 0x1b), M_W(IOWIN, 4, 0x03000000),
	M_W(IOREGSEL, 4, 0x1a), M_R(IOWIN, 4, 0x1a045, "IOAPIC redirection entry 5 low read back"),
	M_W(IOREGSEL, 4, 0x1b), M_R(IOWIN, 4, 0x03000000, "IOAPIC redirection entry 5 high read back"),
	/* The pc-testdev buffer: RAM-like at any size */
	M_W(TESTDEV + 0x100, 4, 0xcafebabe), M_R(TESTDEV + 0x100, 4, 0xcafebabe, "testdev MMIO: dword back"),
	M_R(TESTDEV + 0x101, 1, 0xba, "testdev MMIO: byte 1"),
	M_R(TESTDEV + 0x102, 2, 0xcafe, "testdev MMIO: word 1"),
	M_W(TESTDEV + 0xfffe, 2, 0x1234), M_R(TESTDEV + 0xfffc, 4, 0x12340000, "testdev MMIO: last word of the window"),
	M_W(TESTDEV + 0x8000, 1, 0x7e), M_R(TESTDEV + 0x8000, 4, 0x7e, "testdev MMIO: byte write"),

	/* IA32_APIC_BASE (SDM Vol.3 11.4.4): the page follows it, EN off unclaims it */
	X_R(0x1b, 0xfee00900, "IA32_APIC_BASE: 0xfee00000, EN, BSP"),
	X_WGP(0x1b, 0xfee00901, "IA32_APIC_BASE: reserved bit 0 -> #GP"),
	X_W(0x1b, 0xfed00900, "IA32_APIC_BASE: move the page"),
	X_R(0x1b, 0xfed00900, "IA32_APIC_BASE reads the new base"),
	M_R(0xfed00030, 4, 0x00050014, "the LAPIC answers at its new page"),
	M_R(LAPIC + 0x30, 4, 0xffffffff, "and the old page is unclaimed"),
	X_W(0x1b, 0xfed00100, "IA32_APIC_BASE: EN clear"),
	M_R(0xfed00030, 4, 0xffffffff, "APIC disabled: its page is unclaimed"),
	X_W(0x1b, 0x00002000fee00900ULL, "IA32_APIC_BASE bit 45: below MAXPHYADDR 52 (maxphyaddr 0)"),
	X_W(0x1b, 0x00080000fee00900ULL, "IA32_APIC_BASE bit 51: the last below MAXPHYADDR 52"),
	X_WGP(0x1b, 0x00100000fee00900ULL, "IA32_APIC_BASE bit 52: #GP"),
	X_W(0x1b, 0xfee00900, "IA32_APIC_BASE: back to 0xfee00000"),
	/* x2APIC MSRs (SDM Vol.3 11.12.1): #GP in xAPIC mode, the registers in x2APIC mode */
	X_RGP(0x802, "x2APIC ID MSR in xAPIC mode: #GP"),
	X_RGP(0x800, "MSR 0x800 is the monitor's: #GP in xAPIC mode"),
	X_RGP(0x8ff, "MSR 0x8ff is the monitor's: #GP in xAPIC mode"),
	X_W(0x1b, 0xfee00d00, "IA32_APIC_BASE: enable x2APIC"),
	X_R(0x803, 0x00050014, "x2APIC version MSR 0x803"),
	X_R(0x802, 0, "x2APIC ID MSR 0x802"),
	X_W(0x808, 0x70, "x2APIC TPR MSR 0x808 written"),
	M_R(LAPIC + 0x30, 4, 0xffffffff, "x2APIC mode: the xAPIC page is unclaimed"),
	X_R(0x6e0, 0, "IA32_TSC_DEADLINE reads 0"),
	{ END, 0, 0, 0, NULL },
};

static void test_mmio_script(void)
{
	char name[112];
	uint64_t v;

	fresh();
	exits_bad = 0;
	for (const struct mstep *s = mmio_script; s->op != END; s++) {
		enum vmm_msr_result r;

		snprintf(name, sizeof(name), "MMIO/MSR: %s", s->name != NULL ? s->name : "");
		v = s->v;
		switch (s->op) {
		case MW:
			mwr(s->where, s->size, (uint32_t)s->v);
			break;
		case MR:
			DT_EQ(mrd(s->where, s->size), s->v, name);
			break;
		case XW:
		case XWGP:
			DT_EQ(msr(s->where, true, &v), s->op == XW ? VMM_MSR_OK : VMM_MSR_GP, name);
			break;
		case XR:
			v = ~0ULL;
			r = msr(s->where, false, &v);
			ut_ok(r == VMM_MSR_OK && v == s->v, name, "result %d value 0x%llx", (int)r,
			      (unsigned long long)v);
			break;
		case XRGP:
			DT_EQ(msr(s->where, false, &v), VMM_MSR_GP, name);
			break;
		}
	}
	DT_EQ(vmm_get_cr8(vc), 7, "MMIO/MSR: the x2APIC TPR 0x70 is CR8 7");
	DT_EQ(exits_bad, 0, "MMIO/MSR: every MMIO exit done, RIP past the instruction");
}

/* The instruction fetched from RAM at CS:RIP (no decode assist). */
static void test_mmio_fetch(void)
{
	uint64_t rax = 0;
	bool ok;

	fresh();
	exits_bad = 0;
	mwr(TESTDEV + 0x100, 4, 0xcafebabe);
	ok = mmio_exit(TESTDEV + 0x100, 4, false, 0, true, &rax) == X86_ASSIST_DONE && rax == 0xcafebabe;
	ut_ok(ok, "MMIO exit without bytes: the instruction is fetched from guest RAM", "0x%llx",
	      (unsigned long long)rax);
	DT_EQ(exits_bad, 0, "MMIO fetch: exit done, RIP past the instruction");
}

/* SSE moves on MMIO: through the host's XMM callback, or unsupported without one. */
static void test_mmio_xmm(void)
{
	static const uint8_t pat[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	bool ok;

	fresh();
	exits_bad = 0;
	memcpy(F.xmm[0], pat, 16);
	ok = mmio_exit(TESTDEV + 0x200, 16, true, 0, false, NULL) == X86_ASSIST_DONE;
	ok = ok && mrd(TESTDEV + 0x200, 4) == 0x04030201 && mrd(TESTDEV + 0x20c, 4) == 0x100f0e0d;
	ut_ok(ok, "movdqu %xmm0 to the testdev buffer: 16 bytes from the host's XMM0", NULL);
	ok = mmio_exit(TESTDEV + 0x208, 8, false, 0, false, NULL) == X86_ASSIST_DONE &&
	     memcmp(F.xmm[1], pat + 8, 8) == 0;
	ut_ok(ok, "movq from the buffer into the host's XMM1", NULL);
	ok = mmio_exit(LAPIC + 0x30, 8, false, 0, false, NULL) == X86_ASSIST_DONE &&
	     F.xmm[1][0] == 0x14 && F.xmm[1][2] == 0x05;
	ut_ok(ok, "movq from the LAPIC page: the version register", NULL);
	DT_EQ(exits_bad, 0, "XMM exits done");

	if (!machine(&cfg_default, &ops_noxmm))
		ut_ok(0, "machine without xmm", NULL);
	DT_EQ(mmio_exit(TESTDEV + 0x200, 16, true, 0, false, NULL), X86_ASSIST_UNSUPPORTED,
	      "no xmm callback: SSE on MMIO unsupported");
	DT_EQ(F.xmm_calls, 0, "no xmm callback: never called");
}

/* ---------------------------------------------------------------------- */
/* MSRs the monitor does not own, MAXPHYADDR, CR8 */

/* Around the monitor's MSRs (0x1b, 0x6e0, 0x800-0x8ff) and a few common ones. */
static const uint32_t foreign_msrs[] = { 0x10, 0x1a, 0x1c, 0x6df, 0x6e1, 0x7ff, 0x900, 0xc0000080 };

static void test_msr_foreign(void)
{
	char name[96];

	fresh();
	for (unsigned i = 0; i < ARRAY_SIZE(foreign_msrs); i++) {
		uint64_t rv = 0x1234, wv = 0x5678;
		enum vmm_msr_result r = msr(foreign_msrs[i], false, &rv);
		enum vmm_msr_result w = msr(foreign_msrs[i], true, &wv);

		snprintf(name, sizeof(name), "MSR 0x%x: not the monitor's, value untouched", foreign_msrs[i]);
		ut_ok(r == VMM_MSR_UNHANDLED && w == VMM_MSR_UNHANDLED && rv == 0x1234 && wv == 0x5678,
		      name, "read %d write %d", (int)r, (int)w);
	}
}

/* The guest's MAXPHYADDR bounds IA32_APIC_BASE (SDM Vol.3 11.4.4). */
static void test_maxphyaddr(void)
{
	struct vmm_config cfg = cfg_default;
	uint64_t v = 0x0000001000000900ULL | 0xfee00000;

	cfg.maxphyaddr = 36;
	ut_ok(machine(&cfg, &ops_xmm), "machine with MAXPHYADDR 36", NULL);
	DT_EQ(msr(0x1b, true, &v), VMM_MSR_GP, "MAXPHYADDR 36: APIC base bit 36 -> #GP");
	v = 0x0000000800000900ULL | 0xfee00000;
	DT_EQ(msr(0x1b, true, &v), VMM_MSR_OK, "MAXPHYADDR 36: bit 35 accepted");
}

/* CR8 and the LAPIC's TPR are one register seen two ways (SDM Vol.3 11.8.6). */
static const struct {
	bool by_cr8;            /* write CR8 (vmm_set_cr8), else TPR at 0xfee00080 */
	uint8_t v;
	uint32_t tpr;           /* then TPR reads */
	uint8_t cr8;            /* and CR8 reads */
	const char *name;
} cr8_steps[] = {
	{ true, 9, 0x90, 9, "CR8 9 -> TPR 0x90" },
	{ false, 0x5c, 0x5c, 5, "TPR 0x5c -> CR8 5 (TPR >> 4)" },
	{ true, 0x13, 0x30, 3, "CR8 0x13: bits 3:0 only" },
	{ true, 0xf, 0xf0, 0xf, "CR8 15 -> TPR 0xf0" },
	{ false, 0x0f, 0x0f, 0, "TPR 0x0f -> CR8 0" },
	{ true, 0, 0x00, 0, "CR8 0 -> TPR 0" },
};

static void test_cr8(void)
{
	fresh();
	DT_EQ(vmm_get_cr8(vc), 0, "CR8 0 at start");
	for (unsigned i = 0; i < ARRAY_SIZE(cr8_steps); i++) {
		uint32_t tpr;
		uint8_t cr8;

		if (cr8_steps[i].by_cr8)
			vmm_set_cr8(vc, cr8_steps[i].v);
		else
			mwr(LAPIC + 0x80, 4, cr8_steps[i].v);
		tpr = mrd(LAPIC + 0x80, 4);
		cr8 = vmm_get_cr8(vc);
		ut_ok(tpr == cr8_steps[i].tpr && cr8 == cr8_steps[i].cr8, cr8_steps[i].name, "TPR 0x%x CR8 %u",
		      tpr, cr8);
	}

	ioapic_wr(0x10 + 2 * 6, 0x56);
	vmm_set_cr8(vc, 5);
	out(0x2006, 1, 1);
	ut_ok(!vmm_intr_pending(vc), "CR8 5 blocks vector 0x56", NULL);
	vmm_set_cr8(vc, 4);
	ut_ok(vmm_intr_pending(vc) && vmm_intr_ack(vc) == 0x56, "CR8 4 lets vector 0x56 through", NULL);
}

int main(void)
{
	test_unclaimed_mmio();
	test_mmio_script();
	test_mmio_fetch();
	test_mmio_xmm();
	test_msr_foreign();
	test_maxphyaddr();
	test_cr8();
	return ut_done();
}
