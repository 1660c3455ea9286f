/*
 * test_fw.c - the firmware tables (vmm/fw/): ACPI (acpi.c) and the MP
 * table (mptable.c), read back by a small parser of their own that
 * follows the specifications' byte offsets (ACPI 6.5 chapter 5, Intel MP
 * specification 1.4 chapter 4), not the builders' structures: every
 * checksum, length and pointer, and each field the builders set, for
 * several machines (1, 4 with sparse APIC IDs, 255 vCPUs; other SCI
 * IRQs, S5 sleep types, no reset register; aligned and odd GPAs); the
 * buffer bytes past the tables untouched; every invalid description and
 * every too-small buffer refused.
 *
 *   test_fw                 TAP
 *   test_fw --dump DIR      write the tables of this PC (fw_machine_pc, 1
 *                           and 4 vCPUs) to DIR for tests/fw/test_iasl.py
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/utap.h"
#include "acpi.h"
#include "mptable.h"
#include "vmm_log_hosted.h"

#define BUF_SIZE 0x10000
#define FILL     0xa5

static uint8_t buf[BUF_SIZE];

/* ---------------------------------------------------------------------- */
/* Reading little-endian fields                                           */

static unsigned rd8(const uint8_t *p, size_t off) { return p[off]; }
static unsigned rd16(const uint8_t *p, size_t off) { return p[off] | p[off + 1] << 8; }
static uint32_t rd32(const uint8_t *p, size_t off)
{
	return (uint32_t)rd16(p, off) | (uint32_t)rd16(p, off + 2) << 16;
}
static uint64_t rd64(const uint8_t *p, size_t off)
{
	return rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static unsigned sum(const uint8_t *p, size_t n)
{
	unsigned s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s & 0xff;
}

#define EQ(got, want, ...) ({                                                   \
	unsigned long long g_ = (got), w_ = (want);                             \
	char n_[160];                                                           \
	snprintf(n_, sizeof(n_), __VA_ARGS__);                                  \
	ut_ok(g_ == w_, n_, "wanted 0x%llx got 0x%llx", w_, g_);                \
})

/* ---------------------------------------------------------------------- */
/* ACPI                                                                   */

struct case_acpi {
	const char *name;
	gpa_t gpa;
	unsigned ncpus;
	const uint8_t *apic_ids;        /* NULL: 0..ncpus-1 */
	uint8_t sci_irq, s5, century;
	uint16_t reset_port;
};

/* The tables as the parser found them: pointers into buf, GPAs. */
struct found {
	gpa_t gpa;
	size_t used;
	const uint8_t *rsdp, *rsdt, *xsdt, *fadt, *madt, *dsdt, *facs;
	gpa_t g_fadt, g_madt, g_dsdt, g_facs;
};

/* The host pointer for [g, g + len) if that lies in the used part of buf. */
static const uint8_t *at_gpa(const struct found *f, uint64_t g, uint64_t len)
{
	if (g < f->gpa || g - f->gpa > f->used || len > f->used - (g - f->gpa))
		return NULL;
	return buf + (g - f->gpa);
}

/* A description table at GPA g: header sane, checksum 0, our IDs. */
static const uint8_t *check_sdt(const struct found *f, uint64_t g, const char *sig,
				unsigned rev, const char *cn)
{
	const uint8_t *t = at_gpa(f, g, 36);
	uint32_t len;

	if (!ut_ok(t != NULL, "table inside the buffer", "%s %s at 0x%llx", cn, sig,
		   (unsigned long long)g))
		return NULL;
	len = rd32(t, 4);
	if (!ut_ok(memcmp(t, sig, 4) == 0 && len >= 36 && at_gpa(f, g, len) != NULL,
		   "signature and length", "%s %s: %.4s len %u", cn, sig, (const char *)t, len))
		return NULL;
	EQ(sum(t, len), 0, "%s %s: checksum", cn, sig);
	EQ(rd8(t, 8), rev, "%s %s: revision", cn, sig);
	ut_ok(memcmp(t + 10, "SVMHV ", 6) == 0 && memcmp(t + 16, "SVMHVPC ", 8) == 0 &&
	      memcmp(t + 28, "SVMH", 4) == 0 && rd32(t, 24) == 1 && rd32(t, 32) == 1,
	      "OEM ID, OEM table ID, creator ID, OEM and creator revision 1", "%s %s", cn, sig);
	return t;
}

/* RSDP (5.2.5.3), RSDT (5.2.7), XSDT (5.2.8): find the FADT and the MADT. */
static bool check_root(struct found *f, gpa_t rsdp, const char *cn)
{
	const uint8_t *r = at_gpa(f, rsdp, 36), *rsdt, *xsdt;

	if (!ut_ok(r != NULL && rsdp % 16 == 0, "RSDP in the buffer on a 16-byte boundary",
		   "%s: 0x%llx", cn, (unsigned long long)rsdp))
		return false;
	f->rsdp = r;
	ut_ok(memcmp(r, "RSD PTR ", 8) == 0, "RSDP signature", "%s", cn);
	EQ(sum(r, 20), 0, "%s RSDP: checksum of the first 20 bytes", cn);
	EQ(sum(r, 36), 0, "%s RSDP: extended checksum", cn);
	EQ(rd8(r, 15), 2, "%s RSDP: revision 2", cn);
	EQ(rd32(r, 20), 36, "%s RSDP: length", cn);
	ut_ok(memcmp(r + 9, "SVMHV ", 6) == 0, "RSDP OEM ID", "%s", cn);
	rsdt = check_sdt(f, rd32(r, 16), "RSDT", 1, cn);
	xsdt = check_sdt(f, rd64(r, 24), "XSDT", 1, cn);
	if (rsdt == NULL || xsdt == NULL)
		return false;
	f->rsdt = rsdt;
	f->xsdt = xsdt;
	EQ(rd32(rsdt, 4), 36 + 2 * 4, "%s RSDT: two entries", cn);
	EQ(rd32(xsdt, 4), 36 + 2 * 8, "%s XSDT: two entries", cn);
	for (unsigned i = 0; i < 2; i++) {
		uint64_t g = rd64(xsdt, 36 + 8 * i);
		const uint8_t *t = at_gpa(f, g, 4);

		EQ(rd32(rsdt, 36 + 4 * i), g, "%s RSDT entry %u = XSDT entry %u", cn, i, i);
		if (t != NULL && memcmp(t, "FACP", 4) == 0)
			f->g_fadt = g;
		else if (t != NULL && memcmp(t, "APIC", 4) == 0)
			f->g_madt = g;
	}
	return ut_ok(f->g_fadt != 0 && f->g_madt != 0, "XSDT lists the FADT and the MADT", "%s",
		     cn);
}

/* A GAS (5.2.3.2): system I/O, bits wide, byte offset 0, access size, address. */
static void check_gas(const uint8_t *t, size_t off, unsigned bits, unsigned access,
		      uint64_t addr, const char *cn, const char *what)
{
	EQ(rd8(t, off), addr != 0, "%s FADT %s: address space (1 = I/O)", cn, what);
	EQ(rd8(t, off + 1), addr != 0 ? bits : 0, "%s FADT %s: bit width", cn, what);
	EQ(rd8(t, off + 2), 0, "%s FADT %s: bit offset", cn, what);
	EQ(rd8(t, off + 3), addr != 0 ? access : 0, "%s FADT %s: access size", cn, what);
	EQ(rd64(t, off + 4), addr, "%s FADT %s: address", cn, what);
}

/* FADT (5.2.9), FACS (5.2.10), DSDT (5.2.11.1). */
static void check_fadt(struct found *f, const struct case_acpi *c)
{
	const char *cn = c->name;
	const uint8_t *t = check_sdt(f, f->g_fadt, "FACP", 6, cn), *d, *s;
	uint8_t aml[16] = { 0x08, '_', 'S', '5', '_', 0x12 };
	size_t n = 6;
	uint32_t flags = 0x01 | 0x04 | 0x10 | 0x20 | 0x40 | 0x100;

	if (t == NULL)
		return;
	f->fadt = t;
	EQ(rd32(t, 4), 276, "%s FADT: length (ACPI 6.x)", cn);
	EQ(rd8(t, 131), 5, "%s FADT: minor version", cn);
	EQ(rd8(t, 45), 0, "%s FADT: preferred PM profile", cn);
	EQ(rd16(t, 46), c->sci_irq, "%s FADT: SCI_INT", cn);
	EQ(rd32(t, 48) | rd8(t, 52) | rd8(t, 53) | rd8(t, 54) | rd8(t, 55), 0,
	   "%s FADT: SMI_CMD, ACPI_ENABLE/DISABLE, S4BIOS_REQ, PSTATE_CNT 0", cn);
	EQ(rd32(t, 56), 0x600, "%s FADT: PM1a_EVT_BLK", cn);
	EQ(rd32(t, 64), 0x604, "%s FADT: PM1a_CNT_BLK", cn);
	EQ(rd32(t, 76), 0x608, "%s FADT: PM_TMR_BLK", cn);
	EQ(rd32(t, 60) | rd32(t, 68) | rd32(t, 72) | rd32(t, 80) | rd32(t, 84), 0,
	   "%s FADT: no PM1b, PM2, GPE0, GPE1 blocks", cn);
	EQ(rd32(t, 88), 0x04000204, "%s FADT: PM1_EVT_LEN 4, PM1_CNT_LEN 2, PM2 0, PM_TMR 4", cn);
	EQ(rd32(t, 92), 0, "%s FADT: GPE0/GPE1 lengths, GPE1_BASE, CST_CNT 0", cn);
	ut_ok(rd16(t, 96) > 100 && rd16(t, 98) > 1000, "FADT: latencies say no C2, no C3", "%s",
	      cn);
	EQ(rd32(t, 100) | rd16(t, 104) | rd16(t, 106), 0,
	   "%s FADT: flush, duty cycle, RTC alarm fields 0", cn);
	EQ(rd8(t, 108), c->century, "%s FADT: CENTURY", cn);
	EQ(rd16(t, 109), 0x000f, "%s FADT: IAPC_BOOT_ARCH legacy, 8042, no VGA, no MSI", cn);
	if (c->reset_port != 0)
		flags |= 0x400;
	EQ(rd32(t, 112), flags, "%s FADT: flags WBINVD PROC_C1 PWR/SLP_BUTTON FIX_RTC "
	   "TMR_VAL_EXT%s", cn, c->reset_port ? " RESET_REG_SUP" : "");
	check_gas(t, 116, 8, 1, c->reset_port, cn, "RESET_REG");
	EQ(rd8(t, 128), c->reset_port ? 6 : 0, "%s FADT: RESET_VALUE", cn);
	EQ(rd16(t, 129), 0, "%s FADT: ARM_BOOT_ARCH", cn);
	EQ(rd64(t, 132), 0, "%s FADT: X_FIRMWARE_CTRL 0 (FIRMWARE_CTRL gives the FACS)", cn);
	EQ(rd64(t, 140), rd32(t, 40), "%s FADT: X_DSDT = DSDT", cn);
	check_gas(t, 148, 32, 2, 0x600, cn, "X_PM1a_EVT_BLK");
	check_gas(t, 172, 16, 2, 0x604, cn, "X_PM1a_CNT_BLK");
	check_gas(t, 208, 32, 3, 0x608, cn, "X_PM_TMR_BLK");
	for (size_t off = 160; off < 268; off += 12)
		if (off != 172 && off != 208)
			check_gas(t, off, 0, 0, 0, cn, "unused GAS");
	ut_ok(memcmp(t + 268, "svmhv\0\0\0", 8) == 0, "FADT: hypervisor vendor identity", "%s",
	      cn);

	f->g_facs = rd32(t, 36);
	s = at_gpa(f, f->g_facs, 64);
	if (ut_ok(s != NULL && f->g_facs % 64 == 0, "FACS in the buffer, 64-byte aligned", "%s",
		  cn)) {
		f->facs = s;
		ut_ok(memcmp(s, "FACS", 4) == 0, "FACS signature", "%s", cn);
		EQ(rd32(s, 4), 64, "%s FACS: length", cn);
		EQ(rd8(s, 32), 2, "%s FACS: version", cn);
		EQ(rd32(s, 8) | rd32(s, 12) | rd32(s, 16) | rd32(s, 20) | rd64(s, 24) | rd32(s, 36),
		   0, "%s FACS: signature, waking vectors, lock, flags 0", cn);
	}
	f->g_dsdt = rd32(t, 40);
	d = check_sdt(f, f->g_dsdt, "DSDT", 2, cn);
	if (d == NULL)
		return;
	f->dsdt = d;
	/* Name (_S5, Package (4) {typ, typ, Zero, Zero}) in the shortest encoding. */
	aml[n++] = c->s5 < 2 ? 6 : 8;           /* PkgLength: itself and what follows */
	aml[n++] = 4;                           /* NumElements */
	for (unsigned i = 0; i < 2; i++) {
		if (c->s5 >= 2)
			aml[n++] = 0x0a;        /* BytePrefix */
		aml[n++] = c->s5;               /* or ZeroOp/OneOp */
	}
	aml[n++] = 0x00;
	aml[n++] = 0x00;
	ut_ok(rd32(d, 4) == 36 + n && memcmp(d + 36, aml, n) == 0,
	      "DSDT AML is Name (_S5, Package (4) {typ, typ, 0, 0})", "%s: length %u", cn,
	      rd32(d, 4));
}

/* MADT (5.2.12): header, then every entry. */
static void check_madt(struct found *f, const struct case_acpi *c)
{
	const char *cn = c->name;
	const uint8_t *t = check_sdt(f, f->g_madt, "APIC", 6, cn);
	unsigned ncpu = 0, nio = 0, niso = 0, nnmi = 0, nother = 0, bad = 0;
	size_t off = 44, len;

	if (t == NULL)
		return;
	f->madt = t;
	len = rd32(t, 4);
	EQ(rd32(t, 36), 0xfee00000, "%s MADT: local APIC address", cn);
	EQ(rd32(t, 40), 1, "%s MADT: flags PCAT_COMPAT", cn);
	while (off + 2 <= len && rd8(t, off + 1) >= 2 && off + rd8(t, off + 1) <= len) {
		const uint8_t *e = t + off;
		unsigned type = e[0], elen = e[1];

		if (type == 0 && elen == 8) {
			uint8_t want = c->apic_ids ? c->apic_ids[ncpu] : (uint8_t)ncpu;

			bad += e[2] != ncpu || e[3] != want || rd32(e, 4) != 1;
			ncpu++;
		} else if (type == 1 && elen == 12) {
			bad += e[2] != 0 || e[3] != 0 || rd32(e, 4) != 0xfec00000 || rd32(e, 8) != 0;
			nio++;
		} else if (type == 2 && elen == 10) {
			if (e[3] == 0)
				bad += e[2] != 0 || rd32(e, 4) != 2 || rd16(e, 8) != 0x5;
			else
				bad += e[2] != 0 || e[3] != c->sci_irq || rd32(e, 4) != c->sci_irq ||
				       rd16(e, 8) != 0xd;
			niso++;
		} else if (type == 4 && elen == 6) {
			bad += e[2] != 0xff || rd16(e, 3) != 0x5 || e[5] != 1;
			nnmi++;
		} else {
			nother++;
		}
		off += elen;
	}
	EQ(off, len, "%s MADT: the entries fill the table exactly", cn);
	EQ(ncpu, c->ncpus, "%s MADT: one Processor Local APIC per vCPU", cn);
	EQ(nio, 1, "%s MADT: one I/O APIC", cn);
	EQ(niso, 2, "%s MADT: two interrupt source overrides", cn);
	EQ(nnmi, 1, "%s MADT: one Local APIC NMI", cn);
	EQ(nother, 0, "%s MADT: nothing else", cn);
	EQ(bad, 0, "%s MADT: every entry's fields (UID, APIC ID, enabled; I/O APIC; "
	   "IRQ0->GSI2 edge/high, SCI level/high; NMI all CPUs LINT1 edge/high)", cn);
}

/* No two tables overlap (RSDP, RSDT, XSDT, FADT, MADT, DSDT, FACS). */
static void check_disjoint(const struct found *f, const char *cn)
{
	const uint8_t *t[] = { f->rsdp, f->rsdt, f->xsdt, f->fadt, f->madt, f->dsdt, f->facs };
	unsigned overlaps = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		size_t li = i == 0 ? 36 : rd32(t[i], 4);

		for (unsigned j = i + 1; j < ARRAY_SIZE(t); j++) {
			size_t lj = j == 0 ? 36 : rd32(t[j], 4);

			overlaps += t[i] < t[j] + lj && t[j] < t[i] + li;
		}
	}
	EQ(overlaps, 0, "%s: no two tables overlap", cn);
	for (unsigned i = 1; i < ARRAY_SIZE(t); i++)
		overlaps += (f->gpa + (size_t)(t[i] - buf)) % 8 != 0;
	EQ(overlaps, 0, "%s: every table on an 8-byte boundary", cn);
}

static void machine_of(const struct case_acpi *c, struct fw_machine *m)
{
	fw_machine_pc(m, c->ncpus);
	if (c->apic_ids != NULL)
		memcpy(m->apic_id, c->apic_ids, c->ncpus);
	m->sci_irq = c->sci_irq;
	m->s5_slp_typ = c->s5;
	m->rtc_century = c->century;
	m->reset_port = c->reset_port;
}

static void test_acpi_case(const struct case_acpi *c)
{
	struct fw_machine m;
	struct found f = { .gpa = c->gpa };
	gpa_t rsdp = 0;
	int used;
	size_t untouched = 0;

	machine_of(c, &m);
	memset(buf, FILL, sizeof(buf));
	used = acpi_build(buf, c->gpa, BUF_SIZE, &m, &rsdp);
	if (!ut_ok(used > 0 && used <= ACPI_BUILD_MAX, "acpi_build succeeds", "%s: %d",
		   c->name, used))
		return;
	f.used = (size_t)used;
	for (size_t i = f.used; i < BUF_SIZE; i++)
		untouched += buf[i] == FILL;
	EQ(untouched, BUF_SIZE - f.used, "%s: nothing written past the bytes used", c->name);
	EQ(rsdp, c->gpa + ((16 - c->gpa % 16) % 16), "%s: RSDP on the first 16-byte boundary",
	   c->name);
	if (!check_root(&f, rsdp, c->name))
		return;
	check_fadt(&f, c);
	check_madt(&f, c);
	if (f.fadt && f.madt && f.dsdt && f.facs)
		check_disjoint(&f, c->name);

	/* Every smaller buffer is refused, and left alone. */
	{
		unsigned ok = 0;

		for (size_t size = 0; size < f.used; size++) {
			gpa_t r = 0;

			memset(buf, FILL, 64);
			ok += acpi_build(buf, c->gpa, size, &m, &r) == -1 && buf[0] == FILL &&
			      r == 0;
		}
		EQ(ok, f.used, "%s: every buffer below %zu bytes refused", c->name, f.used);
		EQ(acpi_build(buf, c->gpa, f.used, &m, &rsdp), (int)f.used,
		   "%s: a buffer of exactly %zu bytes is enough", c->name, f.used);
	}
}

static void test_acpi(void)
{
	static const uint8_t sparse[4] = { 0, 2, 4, 6 };
	static uint8_t many[FW_MAX_CPUS];
	const struct case_acpi cases[] = {
		{ "pc 1 vCPU", 0xe0000, 1, NULL, 9, 5, 0x32, 0xcf9 },
		{ "4 vCPUs sparse IDs, odd GPA", 0xe0004, 4, sparse, 10, 0, 0, 0 },
		{ "255 vCPUs, S5 = 1", 0xe000f, FW_MAX_CPUS, many, 11, 1, 0x32, 0xcf9 },
		{ "S5 = 7, SCI 3, GPA near 4 GiB", 0xffff0000ULL, 2, NULL, 3, 7, 0x32, 0xcf9 },
	};

	for (unsigned i = 0; i < FW_MAX_CPUS; i++)
		many[i] = (uint8_t)(FW_MAX_CPUS - 1 - i);       /* 254 down to 0 */
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		test_acpi_case(&cases[i]);
}

/* ---------------------------------------------------------------------- */
/* Invalid descriptions and placements, both builders                     */

static const char *const bad_names[] = {
	"0 vCPUs", "256 vCPUs", "two vCPUs with one APIC ID", "APIC ID 0xff",
	"I/O APIC ID 0xff", "LAPIC at 0", "I/O APIC at 0", "PM1a_EVT at port 0",
	"PM1a_CNT at port 0", "PM_TMR at port 0", "SCI on IRQ 0", "SCI on IRQ 2",
	"SCI on IRQ 16", "S5 sleep type 8",
};

/* What the log says for each (a part of the message). */
static const char *const bad_logs[] = {
	"0 vCPUs", "256 vCPUs", "0x1 is taken", "0xff is the broadcast ID",
	"I/O APIC ID 0xff", "an APIC at address 0", "an APIC at address 0",
	"PM register block at port 0", "PM register block at port 0",
	"PM register block at port 0", "SCI not on ISA IRQ", "SCI not on ISA IRQ",
	"SCI not on ISA IRQ", "S5 sleep type above 7",
};

/* Break m in the way bad_names[i] says. */
static void break_machine(struct fw_machine *m, unsigned i)
{
	switch (i) {
	case 0: m->ncpus = 0; break;
	case 1: m->ncpus = FW_MAX_CPUS + 1; break;
	case 2: m->ncpus = 3; m->apic_id[2] = 1; break;
	case 3: m->apic_id[1] = 0xff; break;
	case 4: m->ioapic_id = 0xff; break;
	case 5: m->lapic_addr = 0; break;
	case 6: m->ioapic_addr = 0; break;
	case 7: m->pm1a_evt_port = 0; break;
	case 8: m->pm1a_cnt_port = 0; break;
	case 9: m->pm_tmr_port = 0; break;
	case 10: m->sci_irq = 0; break;
	case 11: m->sci_irq = 2; break;
	case 12: m->sci_irq = 16; break;
	case 13: m->s5_slp_typ = 8; break;
	}
}

static void test_invalid(void)
{
	struct fw_machine m;
	gpa_t r = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(bad_names); i++) {
		unsigned logs;

		fw_machine_pc(&m, 2);
		EQ(fw_machine_check(&m), 0, "fw_machine_pc(2) is valid (before: %s)", bad_names[i]);
		break_machine(&m, i);
		logs = vmm_log_count;
		memset(buf, FILL, 16);
		ut_ok(fw_machine_check(&m) == -1 && vmm_log_count == logs + 1 &&
		      strstr(vmm_log_last, bad_logs[i]) != NULL, "refused, and the log says why",
		      "%s: %s", bad_names[i], vmm_log_last);
		ut_ok(acpi_build(buf, 0xe0000, BUF_SIZE, &m, &r) == -1 &&
		      mptable_build(buf, 0xf0000, BUF_SIZE, &m, &r) == -1 && buf[0] == FILL && r == 0,
		      "both builders refuse", "%s", bad_names[i]);
	}
	fw_machine_pc(&m, FW_MAX_CPUS);
	EQ(fw_machine_check(&m), 0, "%u vCPUs with IDs 0..%u are fine", FW_MAX_CPUS,
	   FW_MAX_CPUS - 1);
	fw_machine_pc(&m, 1);
	EQ(acpi_build(buf, 0x100000000ULL, BUF_SIZE, &m, &r), -1, "ACPI at 4 GiB refused");
	EQ(acpi_build(buf, 0xfffffe00ULL, BUF_SIZE, &m, &r), -1, "ACPI crossing 4 GiB refused");
	EQ(mptable_build(buf, 0x100000000ULL, BUF_SIZE, &m, &r), -1, "MP table at 4 GiB refused");
	EQ(mptable_build(buf, 0xffffff80ULL, BUF_SIZE, &m, &r), -1,
	   "MP table crossing 4 GiB refused");
	ut_ok(r == 0, "no address handed out for a refused build", NULL);

	/* Tables that end exactly at 4 GiB are fine, 64 bytes higher they are not. */
	{
		int n = acpi_build(buf, 0xe0000, BUF_SIZE, &m, &r);
		gpa_t top = 0x100000000ULL - (gpa_t)n;  /* 64-aligned: the same layout */

		EQ(acpi_build(buf, top, BUF_SIZE, &m, &r), n, "ACPI ending at 4 GiB accepted");
		EQ(acpi_build(buf, top + 64, BUF_SIZE, &m, &r), -1, "64 bytes higher refused");
		fw_machine_pc(&m, 3);           /* 16 + 44 + 3 * 20 + 152 = 272 bytes */
		n = mptable_build(buf, 0xf0000, BUF_SIZE, &m, &r);
		EQ(n, 272, "MP table of 3 vCPUs: 272 bytes");
		EQ(mptable_build(buf, 0x100000000ULL - 272, BUF_SIZE, &m, &r), 272,
		   "MP table ending at 4 GiB accepted");
		EQ(mptable_build(buf, 0x100000000ULL - 256, BUF_SIZE, &m, &r), -1,
		   "16 bytes higher refused");
	}
}

static void test_defaults(void)
{
	struct fw_machine m;

	memset(&m, 0x77, sizeof(m));
	fw_machine_pc(&m, 3);
	EQ(m.ncpus, 3, "fw_machine_pc: vCPUs");
	ut_ok(m.apic_id[0] == 0 && m.apic_id[1] == 1 && m.apic_id[2] == 2 && m.apic_id[3] == 0,
	      "fw_machine_pc: APIC IDs 0..n-1, the rest 0", NULL);
	EQ(m.lapic_addr, 0xfee00000, "fw_machine_pc: LAPIC address");
	EQ(m.lapic_version, 0x14, "fw_machine_pc: LAPIC version");
	EQ(m.ioapic_addr, 0xfec00000, "fw_machine_pc: I/O APIC address");
	EQ(m.ioapic_id, 0, "fw_machine_pc: I/O APIC ID");
	EQ(m.ioapic_version, 0x20, "fw_machine_pc: I/O APIC version");
	EQ(m.pm1a_evt_port << 16 | m.pm1a_cnt_port, 0x06000604, "fw_machine_pc: PM1a ports");
	EQ(m.pm_tmr_port, 0x608, "fw_machine_pc: PM timer port");
	EQ(m.sci_irq, 9, "fw_machine_pc: SCI IRQ");
	EQ(m.s5_slp_typ, 5, "fw_machine_pc: S5 sleep type");
	EQ(m.rtc_century, 0x32, "fw_machine_pc: century byte");
	EQ(m.reset_port << 8 | m.reset_value, 0xcf906, "fw_machine_pc: reset register");
	fw_machine_pc(&m, 300);
	EQ(m.apic_id[FW_MAX_CPUS - 1], FW_MAX_CPUS - 1, "fw_machine_pc(300) fills the array only");
}

/* ---------------------------------------------------------------------- */
/* MP table                                                               */

static void test_mptable_case(const char *cn, gpa_t gpa, unsigned ncpus, const uint8_t *ids,
			      uint8_t sci)
{
	struct fw_machine m;
	gpa_t fp = 0;
	int used;
	const uint8_t *p, *h;
	unsigned n, last_type = 0, counts[5] = { 0 }, bad = 0, untouched = 0, refused = 0;
	size_t off, base;
	bool irq_seen[16] = { false };

	fw_machine_pc(&m, ncpus);
	if (ids != NULL)
		memcpy(m.apic_id, ids, ncpus);
	m.sci_irq = sci;
	memset(buf, FILL, sizeof(buf));
	used = mptable_build(buf, gpa, BUF_SIZE, &m, &fp);
	if (!ut_ok(used > 0 && used <= MPTABLE_BUILD_MAX, "mptable_build succeeds", "%s: %d", cn,
		   used))
		return;
	for (size_t i = (size_t)used; i < BUF_SIZE; i++)
		untouched += buf[i] == FILL;
	EQ(untouched, BUF_SIZE - used, "%s: nothing written past the bytes used", cn);
	EQ(fp, gpa + ((16 - gpa % 16) % 16), "%s: floating pointer on the first 16-byte boundary",
	   cn);
	p = buf + (fp - gpa);
	ut_ok(memcmp(p, "_MP_", 4) == 0, "MP floating pointer signature", "%s", cn);
	EQ(sum(p, 16), 0, "%s MP floating pointer: checksum", cn);
	EQ(rd8(p, 8) << 8 | rd8(p, 9), 0x0104, "%s MP floating pointer: length 1, revision 1.4", cn);
	EQ(rd32(p, 11) | rd8(p, 15), 0, "%s MP floating pointer: feature bytes 0 (table, "
	   "virtual wire)", cn);
	base = rd32(p, 4) - gpa;
	if (!ut_ok(rd32(p, 4) >= gpa && base + 44 <= (size_t)used, "MP config table in the buffer",
		   "%s", cn))
		return;
	h = buf + base;
	ut_ok(memcmp(h, "PCMP", 4) == 0, "MP config table signature", "%s", cn);
	EQ(base + rd16(h, 4), (size_t)used, "%s MP config: base length ends the bytes used", cn);
	EQ(sum(h, rd16(h, 4)), 0, "%s MP config: checksum", cn);
	EQ(rd8(h, 6), 4, "%s MP config: revision 1.4", cn);
	ut_ok(memcmp(h + 8, "SVMHV   ", 8) == 0 && memcmp(h + 16, "SVMHV PC    ", 12) == 0,
	      "MP config: OEM and product IDs", "%s", cn);
	EQ(rd32(h, 28) | rd16(h, 32) | rd16(h, 40) | rd8(h, 42), 0,
	   "%s MP config: no OEM table, no extended table", cn);
	EQ(rd32(h, 36), 0xfee00000, "%s MP config: local APIC address", cn);
	n = rd16(h, 34);
	EQ(n, ncpus + 2 + 15 + 2, "%s MP config: entry count", cn);
	off = 44;
	for (unsigned i = 0; i < n && off < rd16(h, 4); i++) {
		const uint8_t *e = h + off;
		unsigned type = e[0];

		if (type > 4 || type < last_type) {
			bad++;
			break;
		}
		last_type = type;
		counts[type]++;
		if (type == 0) {
			unsigned k = counts[0] - 1;

			bad += e[1] != (ids ? ids[k] : k) || e[2] != 0x14 || e[3] != (k ? 1 : 3);
			off += 20;
			continue;
		}
		if (type == 1)
			bad += e[1] != 0 || memcmp(e + 2, "ISA   ", 6) != 0;
		else if (type == 2)
			bad += e[1] != 0 || e[2] != 0x20 || e[3] != 1 || rd32(e, 4) != 0xfec00000;
		else if (type == 3) {
			unsigned irq = e[5];

			bad += e[1] != 0 || e[4] != 0 || irq >= 16 || irq == 2 || irq_seen[irq & 15] ||
			       e[6] != 0 || e[7] != (irq == 0 ? 2 : irq) ||
			       rd16(e, 2) != (irq == sci ? 0xd : 0);
			irq_seen[irq & 15] = true;
		} else if (counts[4] == 1) {
			bad += e[1] != 3 || e[4] != 0 || e[6] != (ids ? ids[0] : 0) || e[7] != 0;
		} else {
			bad += e[1] != 1 || e[4] != 0 || e[6] != 0xff || e[7] != 1;
		}
		off += 8;
	}
	EQ(off, rd16(h, 4), "%s MP config: the entries fill the base table", cn);
	ut_ok(counts[0] == ncpus && counts[1] == 1 && counts[2] == 1 && counts[3] == 15 &&
	      counts[4] == 2, "MP config: CPUs, one ISA bus, one I/O APIC, 15 ISA IRQs, 2 LINTs",
	      "%s: %u %u %u %u %u", cn, counts[0], counts[1], counts[2], counts[3], counts[4]);
	EQ(bad, 0, "%s MP config: entries sorted by type, every field (BSP first; IRQ0 on pin 2, "
	   "no IRQ 2, SCI level/high; ExtINT -> BSP LINT0, NMI -> all LINT1)", cn);
	for (size_t size = 0; size < (size_t)used; size++) {
		gpa_t r = 0;

		buf[0] = FILL;
		refused += mptable_build(buf, gpa, size, &m, &r) == -1 && buf[0] == FILL && r == 0;
	}
	EQ(refused, used, "%s: every buffer below %d bytes refused", cn, used);
	EQ(mptable_build(buf, gpa, (size_t)used, &m, &fp), used,
	   "%s: a buffer of exactly %d bytes is enough", cn, used);
}

static void test_mptable(void)
{
	static const uint8_t ids[3] = { 5, 1, 3 };

	test_mptable_case("MP pc 1 vCPU", 0xf0000, 1, NULL, 9);
	test_mptable_case("MP 3 vCPUs, odd GPA, SCI 11", 0xf0001, 3, ids, 11);
	test_mptable_case("MP 255 vCPUs", 0xf0010, FW_MAX_CPUS, NULL, 9);
}

/* ---------------------------------------------------------------------- */

/* Write the tables of fw_machine_pc(ncpus) to dir, one file per table. */
static int dump(const char *dir, unsigned ncpus)
{
	struct fw_machine m;
	struct found f = { .gpa = 0xe0000 };
	gpa_t rsdp, mp;
	int used;
	char path[512];
	const char *names[] = { "rsdp", "rsdt", "xsdt", "facp", "apic", "dsdt", "facs", "mptable" };
	const uint8_t *t[8];
	size_t len[8];

	fw_machine_pc(&m, ncpus);
	used = acpi_build(buf, f.gpa, BUF_SIZE / 2, &m, &rsdp);
	if (used <= 0 || mptable_build(buf + BUF_SIZE / 2, 0xf0000, BUF_SIZE / 2, &m, &mp) <= 0)
		return 1;
	f.used = (size_t)used;
	t[0] = at_gpa(&f, rsdp, 36);
	t[1] = at_gpa(&f, rd32(t[0], 16), 36);
	t[2] = at_gpa(&f, rd64(t[0], 24), 36);
	t[3] = at_gpa(&f, rd64(t[2], 36), 36);
	t[4] = at_gpa(&f, rd64(t[2], 44), 36);
	t[5] = at_gpa(&f, rd32(t[3], 40), 36);
	t[6] = at_gpa(&f, rd32(t[3], 36), 64);
	t[7] = buf + BUF_SIZE / 2 + (mp - 0xf0000);
	len[0] = 36;
	for (unsigned i = 1; i < 7; i++)
		len[i] = rd32(t[i], 4);
	len[7] = (size_t)16 + rd16(t[7] + 16, 4);
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s%u.dat", dir, names[i], ncpus);
		fp = fopen(path, "wb");
		if (fp == NULL || fwrite(t[i], 1, len[i], fp) != len[i] || fclose(fp) != 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* The refusals below log errors by design; VMM_LOG=0 shows them. */
	if (getenv("VMM_LOG") == NULL && freopen("/dev/null", "w", stderr) == NULL)
		return 1;
	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2], 1) || dump(argv[2], 4);
	test_defaults();
	test_acpi();
	test_invalid();
	test_mptable();
	return ut_done();
}
