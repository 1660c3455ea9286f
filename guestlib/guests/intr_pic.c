/*
 * intr_pic.c - the interrupt tests every mode can run: the 8254's counter
 * 0 through the 8259 (IRQ 0), STI;HLT woken by it, the pc-testdev line
 * edge-triggered through the 8259, and a line on the slave 8259 (IRR,
 * ISR, the cascade) (see intr_main.c).
 *
 * In pm32 and long mode the 8259's INTR reaches the CPU through LINT0 of
 * the LAPIC (ExtINT, the virtual wire): that is how svmhv and QEMU start,
 * like a PC after its BIOS; gl_lapic_enable() keeps it so later.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_intr.h"
#include "gl_pic.h"
#include "gl_pit.h"
#include "gl_printf.h"
#include "gl_tsc.h"
#include "tap.h"
#include "intr.h"

#define IRQ_SLAVE 10                    /* a pc-testdev line on the slave 8259 */

static volatile unsigned ip_pit, ip_line, ip_spurious, ip_slave;
static volatile uint16_t ip_slave_isr_bits;

static void ip_pit_isr(struct gl_trapframe *tf)
{
	(void)tf;
	ip_pit++;
	gl_pic_eoi(IRQ_PIT);
}

static void ip_line_isr(struct gl_trapframe *tf)
{
	(void)tf;
	ip_line++;
	gl_pic_eoi(IRQ_LINE);
}

/* The slave's IRQ: both chips' ISR, then EOI to both. */
static void ip_slave_isr(struct gl_trapframe *tf)
{
	(void)tf;
	ip_slave++;
	ip_slave_isr_bits = gl_pic_isr();
	intr_line(IRQ_SLAVE, false);
	gl_pic_eoi(IRQ_SLAVE);
}

/*
 * A line on the slave 8259: with the IRQ masked its IRR bit shows the
 * request; unmasked, it comes through the cascade (master IRQ 2) with
 * ISR bits 10 and 2 set while in service and none after the EOIs.
 */
static void ip_slave_checks(void)
{
	uint16_t irr;

	ip_slave = 0;
	ip_slave_isr_bits = 0;
	gl_intr_set(IV_PIC2 + IRQ_SLAVE - 8, ip_slave_isr);
	intr_line(IRQ_SLAVE, true);
	gl_tsc_delay_us(1000);
	irr = gl_pic_irr();
	gl_pic_mask(IRQ_SLAVE, false);
	gl_sti();
	intr_wait(&ip_slave, 1, 100000);
	gl_cli();
	gl_pic_mask(IRQ_SLAVE, true);
	intr_line(IRQ_SLAVE, false);
	tap_ok((irr & BIT(IRQ_SLAVE)) && ip_slave == 1 &&
	    ip_slave_isr_bits == (BIT(IRQ_SLAVE) | BIT(2)) && gl_pic_isr() == 0,
	    GL_MODE_NAME ": 8259 slave: masked IRQ 10 shows in IRR, then arrives "
	    "through the cascade with ISR bits 10 and 2, none after the EOIs");
	if (ip_slave != 1 || ip_slave_isr_bits != (BIT(IRQ_SLAVE) | BIT(2)))
		tap_diag("IRR 0x%04x, %u interrupts, ISR in the handler 0x%04x",
		    irr, ip_slave, ip_slave_isr_bits);
}

/* IRQ 7/15 with nothing in service: spurious, no EOI (8259A datasheet). */
static void ip_spurious_isr(struct gl_trapframe *tf)
{
	(void)tf;
	ip_spurious++;
}

/*
 * STI;HLT: the HLT must be woken by the next interrupt, and the
 * interrupt must return to the instruction after the HLT. Returns the IP
 * the handler will see for that (the label after HLT); *ip gets the IP
 * the interrupt actually pushed (recorded by the wrapper ISR).
 */
static volatile uintptr_t ip_hlt_ip;
static volatile unsigned ip_hlt_n;

static void ip_hlt_isr(struct gl_trapframe *tf)
{
	if (ip_hlt_n++ == 0)
		ip_hlt_ip = tf->ip;
	gl_pic_eoi(IRQ_PIT);
}

static uintptr_t ip_sti_hlt(void)
{
	uintptr_t after;

	__asm__ volatile("mov $1f, %0\n\tsti\n\thlt\n1:\tcli" : "=r"(after) : : "memory");
	return after;
}

void intr_pic_tests(void)
{
	unsigned n;
	uintptr_t after;

	gl_cli();
	gl_pic_init(IV_PIC1, IV_PIC2);
	gl_intr_set(IV_PIC1 + IRQ_PIT, ip_pit_isr);
	gl_intr_set(IV_PIC1 + IRQ_LINE, ip_line_isr);
	gl_intr_set(IV_PIC1 + 7, ip_spurious_isr);
	gl_intr_set(IV_PIC2 + 7, ip_spurious_isr);

	/* The PIT at 1 kHz (mode 2) through the 8259 for 100 ms of TSC time. */
	gl_pit_start(0, GL_PIT_MODE_RATE, PIT_1KHZ);
	gl_pic_mask(IRQ_PIT, false);
	gl_sti();
	n = intr_count_ticks(&ip_pit, TICK_WINDOW_US);
	gl_cli();
	tap_ok(intr_in_range(n, 100, 2), GL_MODE_NAME ": PIT at 1 kHz through the "
	    "8259: %u interrupts in 100 ms (100 +- 2)", n);

	/* STI;HLT, woken by the next PIT interrupt. */
	if (n == 0) {
		tap_ok(false, GL_MODE_NAME ": STI;HLT woken by the PIT (no PIT "
		    "interrupts at all: not tried)");
	} else {
		gl_intr_set(IV_PIC1 + IRQ_PIT, ip_hlt_isr);
		ip_hlt_n = 0;
		after = ip_sti_hlt();
		tap_ok(ip_hlt_n >= 1 && ip_hlt_ip == after, GL_MODE_NAME ": STI;HLT "
		    "woken by the PIT, the interrupt returns right after the HLT");
		if (ip_hlt_ip != after)
			tap_diag("interrupt pushed IP 0x%llx, the HLT ends at 0x%llx",
			    (unsigned long long)ip_hlt_ip, (unsigned long long)after);
	}
	gl_pic_mask(IRQ_PIT, true);
	gl_pit_start(0, GL_PIT_MODE_ONESHOT, 0xffff);   /* one last, far edge */
	gl_tsc_delay_us(2000);
	gl_pic_eoi(IRQ_PIT);                            /* drop anything in service */

	/* The pc-testdev line, edge-triggered through the 8259. */
	gl_pic_mask(IRQ_LINE, false);
	intr_edge_checks("8259", &ip_line);
	gl_pic_mask(IRQ_LINE, true);
	ip_slave_checks();
	tap_eq(ip_spurious, 0, GL_MODE_NAME ": no spurious 8259 interrupts");
}
