/*
 * intr_apic.c - interrupts through the IOAPIC and the LAPIC (pm32 and
 * long guests, see intr_main.c): the PIT on IOAPIC pin 2, the pc-testdev
 * line on pin 5 edge-triggered, then level-triggered: the interrupt comes
 * again after each EOI while the line stays up, stops once it is lowered,
 * and the entry's remote IRR is set from delivery to EOI (82093AA
 * datasheet 3.2.4; SDM Vol.3 10.8.5: the EOI of a level-triggered vector
 * goes to the IOAPIC).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_intr.h"
#include "gl_ioapic.h"
#include "gl_lapic.h"
#include "gl_pic.h"
#include "gl_pit.h"
#include "gl_printf.h"
#include "gl_tsc.h"
#include "tap.h"
#include "intr.h"

#define IA_LEVEL_REPEATS 3

static volatile unsigned ia_pit, ia_edge, ia_level, ia_spurious;
static volatile bool ia_rirr_in_isr, ia_tmr_in_isr;

static void ia_pit_isr(struct gl_trapframe *tf)
{
	(void)tf;
	ia_pit++;
	gl_lapic_eoi();
}

static void ia_edge_isr(struct gl_trapframe *tf)
{
	(void)tf;
	ia_edge++;
	gl_lapic_eoi();
}

/*
 * Level: the first time, look at the entry's remote IRR and the LAPIC's
 * TMR bit while in service. The line is lowered only at the
 * IA_LEVEL_REPEATS-th interrupt: before that, each EOI must bring the
 * interrupt back.
 */
static void ia_level_isr(struct gl_trapframe *tf)
{
	(void)tf;
	if (ia_level++ == 0) {
		ia_rirr_in_isr = gl_ioapic_rte(IRQ_LINE) & GL_IOAPIC_REMOTE_IRR;
		ia_tmr_in_isr = gl_lapic_bit(GL_LAPIC_TMR, IV_IOAPIC_LEVEL);
	}
	if (ia_level >= IA_LEVEL_REPEATS)
		intr_line(IRQ_LINE, false);
	gl_lapic_eoi();
}

/* The LAPIC's spurious vector: no EOI (SDM Vol.3 10.9). */
static void ia_spurious_isr(struct gl_trapframe *tf)
{
	(void)tf;
	ia_spurious++;
}

static void ia_level_checks(uint8_t dest)
{
	bool rirr_after, pending;

	gl_ioapic_route(IRQ_LINE, IV_IOAPIC_LEVEL, GL_IOAPIC_LEVEL, dest);
	ia_level = 0;
	gl_sti();
	intr_line(IRQ_LINE, true);
	intr_wait(&ia_level, IA_LEVEL_REPEATS, 200000);
	gl_tsc_delay_us(20000);
	gl_cli();
	tap_eq(ia_level, IA_LEVEL_REPEATS, GL_MODE_NAME ": IOAPIC level: the "
	    "interrupt comes again after each EOI while the line is up, and "
	    "stops once it is lowered");
	rirr_after = gl_ioapic_rte(IRQ_LINE) & GL_IOAPIC_REMOTE_IRR;
	tap_ok(ia_rirr_in_isr && !rirr_after, GL_MODE_NAME ": IOAPIC level: "
	    "remote IRR set while in service, clear after the EOI");
	tap_ok(ia_tmr_in_isr, GL_MODE_NAME ": IOAPIC level: the LAPIC's TMR bit "
	    "is set for the vector");

	/* Raised and lowered again while IF=0: delivered once, taken at STI. */
	ia_level = 0;
	intr_line(IRQ_LINE, true);
	gl_tsc_delay_us(2000);
	pending = gl_lapic_bit(GL_LAPIC_IRR, IV_IOAPIC_LEVEL) &&
	    (gl_ioapic_rte(IRQ_LINE) & GL_IOAPIC_REMOTE_IRR);
	intr_line(IRQ_LINE, false);
	gl_sti();
	intr_wait(&ia_level, 1, 100000);
	gl_tsc_delay_us(5000);
	gl_cli();
	tap_ok(pending && ia_level == 1 &&
	    !(gl_ioapic_rte(IRQ_LINE) & GL_IOAPIC_REMOTE_IRR),
	    GL_MODE_NAME ": IOAPIC level: raised with IF=0, pending in the LAPIC "
	    "IRR with remote IRR set, taken once after STI");
	if (!pending || ia_level != 1)
		tap_diag("pending %d, interrupts %u", pending, ia_level);
	gl_ioapic_set_rte(IRQ_LINE, GL_IOAPIC_MASKED);
}

/* A masked entry (pin 6, unused) with the writable fields set reads back. */
static void ia_rte_readback(void)
{
	uint64_t rte = GL_IOAPIC_MASKED | GL_IOAPIC_LEVEL | GL_IOAPIC_POLARITY |
	    GL_IOAPIC_DESTMOD | SHIFTIN(0x5a, GL_IOAPIC_DEST) | 0xa7;

	gl_ioapic_set_rte(IRQ_LINE + 1, rte);
	tap_eq(gl_ioapic_rte(IRQ_LINE + 1), rte, GL_MODE_NAME ": IOAPIC "
	    "redirection entry reads back (both halves)");
	gl_ioapic_set_rte(IRQ_LINE + 1, GL_IOAPIC_MASKED);
}

void intr_apic_tests(void)
{
	uint32_t ver;
	uint8_t id;
	unsigned n;

	gl_cli();
	gl_pic_mask_all();
	gl_lapic_enable(false);
	gl_intr_set(IV_SPURIOUS, ia_spurious_isr);
	id = (uint8_t)gl_lapic_id();
	ver = gl_lapic_read(GL_LAPIC_VER);
	tap_ok((gl_rdmsr(GL_MSR_APIC_BASE) & ~0xfffull) == GL_LAPIC_BASE &&
	    (ver & 0xff) >= 0x10 && ((ver >> 16) & 0xff) >= 4,
	    GL_MODE_NAME ": LAPIC at 0x%x, integrated (version 0x%x), >= 5 LVT entries",
	    GL_LAPIC_BASE, ver & 0xff);
	tap_eq(gl_ioapic_pins(), 24, GL_MODE_NAME ": IOAPIC has 24 pins");
	ia_rte_readback();
	gl_ioapic_mask_all();
	gl_intr_set(IV_IOAPIC_PIT, ia_pit_isr);
	gl_intr_set(IV_IOAPIC_EDGE, ia_edge_isr);
	gl_intr_set(IV_IOAPIC_LEVEL, ia_level_isr);

	/* The PIT: ISA IRQ 0 on pin 2, edge, to this LAPIC. */
	gl_ioapic_route(IOAPIC_PIN_PIT, IV_IOAPIC_PIT, 0, id);
	gl_pit_start(0, GL_PIT_MODE_RATE, PIT_1KHZ);
	gl_sti();
	n = intr_count_ticks(&ia_pit, TICK_WINDOW_US);
	gl_cli();
	gl_ioapic_set_rte(IOAPIC_PIN_PIT, GL_IOAPIC_MASKED);
	tap_ok(intr_in_range(n, 100, 2), GL_MODE_NAME ": PIT at 1 kHz through the "
	    "IOAPIC (pin 2) and LAPIC: %u interrupts in 100 ms (100 +- 2)", n);

	/* The pc-testdev line on pin 5: edge, then level. */
	gl_ioapic_route(IRQ_LINE, IV_IOAPIC_EDGE, 0, id);
	intr_edge_checks("IOAPIC", &ia_edge);
	gl_ioapic_set_rte(IRQ_LINE, GL_IOAPIC_MASKED);
	ia_level_checks(id);
	tap_eq(ia_spurious, 0, GL_MODE_NAME ": no spurious LAPIC interrupts so far");
}
