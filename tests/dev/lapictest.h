/*
 * lapictest.h - what the local APIC tests share: one APIC on the fake
 * clock of devtest.h, ops that record EOIs and IPIs (and whether the
 * APIC's lock was held during the call), and register accessors.
 *
 * Register offsets are written out here from Intel SDM Vol.3 Table 11-1
 * (xAPIC) and Table 11-6 (x2APIC MSR = 0x800 + offset / 16), not taken
 * from the implementation.
 */
#ifndef LAPICTEST_H
#define LAPICTEST_H

#include "devtest.h"
#include "lapic.h"

#define A_ID     0x020
#define A_VER    0x030
#define A_TPR    0x080
#define A_APR    0x090
#define A_PPR    0x0a0
#define A_EOI    0x0b0
#define A_RRD    0x0c0
#define A_LDR    0x0d0
#define A_DFR    0x0e0
#define A_SVR    0x0f0
#define A_ISR    0x100
#define A_TMR    0x180
#define A_IRR    0x200
#define A_ESR    0x280
#define A_CMCI   0x2f0
#define A_ICRLO  0x300
#define A_ICRHI  0x310
#define A_LVTT   0x320
#define A_THERM  0x330
#define A_PERF   0x340
#define A_LINT0  0x350
#define A_LINT1  0x360
#define A_LVTERR 0x370
#define A_TMICT  0x380
#define A_TMCCT  0x390
#define A_TDCR   0x3e0
#define A_SELF   0x3f0

#define X2(off)  (0x800u + ((off) >> 4))
#define M_TSCDL  0x6e0u

/* LVT and ICR bits (SDM Figures 11-8, 11-12). */
#define LVT_MASK     0x10000u
#define LVT_PERIODIC 0x20000u
#define LVT_TSCDL    0x40000u
#define LVT_LEVEL    0x8000u
#define LVT_RIRR     0x4000u
#define LVT_POL_LOW  0x2000u
#define DM_NMI       0x400u
#define DM_EXTINT    0x700u
#define DM_INIT      0x500u
#define ICR_LOGICAL  0x800u
#define ICR_ASSERT   0x4000u
#define SH_SELF      (1u << 18)
#define SH_ALL       (2u << 18)
#define SH_OTHERS    (3u << 18)

struct lt {
	struct dt_clock clk;
	struct lapic l;
	unsigned eoi_calls, ipi_calls, edge_eoi_calls;
	uint8_t eoi_vec, edge_eoi_vec;
	bool eoi_locked, ipi_locked, edge_eoi_locked;
	struct lapic_ipi ipi;
};

static struct lt T;

static void lt_eoi(void *ctx, uint8_t v)
{
	struct lt *t = ctx;

	t->eoi_calls++;
	t->eoi_vec = v;
	t->eoi_locked = t->l.lock.locked != 0;
}

static void lt_edge_eoi(void *ctx, uint8_t v)
{
	struct lt *t = ctx;

	t->edge_eoi_calls++;
	t->edge_eoi_vec = v;
	t->edge_eoi_locked = t->l.lock.locked != 0;
}

static void lt_ipi(void *ctx, const struct lapic_ipi *ipi)
{
	struct lt *t = ctx;

	t->ipi_calls++;
	t->ipi = *ipi;
	t->ipi_locked = t->l.lock.locked != 0;
}

static const struct lapic_ops lt_ops = { .ipi = lt_ipi, .eoi = lt_eoi, .edge_eoi = lt_edge_eoi };

/* A fresh APIC with this ID on a fresh clock at time 0. */
static void __attribute__((unused)) lt_init(uint32_t id)
{
	memset(&T, 0, sizeof(T));
	dt_clock_init(&T.clk);
	if (lapic_init(&T.l, id, &T.clk.vc, &lt_ops, &T) != 0)
		ut_ok(0, "lapic_init", NULL);
}

/* A 32-bit xAPIC MMIO read / write at off. */
static uint32_t __attribute__((unused)) rd(uint32_t off)
{
	uint64_t v = 0xdeadbeefdeadbeefULL;

	lapic_mmio(&T.l, off, false, 4, &v);
	return (uint32_t)v;
}

static uint64_t __attribute__((unused)) rdn(uint32_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefULL;

	lapic_mmio(&T.l, off, false, size, &v);
	return v;
}

static void __attribute__((unused)) wr(uint32_t off, uint32_t v)
{
	uint64_t x = v;

	lapic_mmio(&T.l, off, true, 4, &x);
}

static void __attribute__((unused)) wrn(uint32_t off, unsigned size, uint64_t v)
{
	lapic_mmio(&T.l, off, true, size, &v);
}

/* RDMSR: the value, or ~0 on #GP (use msr_gp for the fault itself). */
static uint64_t __attribute__((unused)) msr_rd(uint32_t msr)
{
	uint64_t v = 0;

	return lapic_msr(&T.l, msr, false, &v) == 0 ? v : ~0ULL;
}

/* WRMSR: 0 or -1 (#GP). */
static int __attribute__((unused)) msr_wr(uint32_t msr, uint64_t v)
{
	return lapic_msr(&T.l, msr, true, &v);
}

static bool __attribute__((unused)) msr_rd_gp(uint32_t msr)
{
	uint64_t v = 0;

	return lapic_msr(&T.l, msr, false, &v) != 0;
}

/* Bit vec of the 256-bit register at base (ISR/TMR/IRR) through MMIO. */
static bool __attribute__((unused)) bit256(uint32_t base, unsigned vec)
{
	return (rd(base + (vec / 32) * 0x10) >> (vec % 32)) & 1;
}

/* Move time forward by ns, running the clock's timers on the way. */
static void __attribute__((unused)) adv(uint64_t ns)
{
	dt_advance(&T.clk, ns);
}

/* The next armed deadline of the clock (VCLOCK_NEVER if none). */
static uint64_t __attribute__((unused)) next_due(void)
{
	return vclock_next_deadline(&T.clk.vc);
}

/* Take the highest pending vector into service (as the CPU does). Returns it or -1. */
static int __attribute__((unused)) take(void)
{
	int v = lapic_pending(&T.l);

	if (v >= 0)
		lapic_ack(&T.l, (uint8_t)v);
	return v;
}

#endif /* LAPICTEST_H */
