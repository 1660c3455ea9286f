/*
 * irq.h - an interrupt line from a device to the interrupt controllers.
 *
 * A device raises and lowers its line; it does not know where the line
 * goes. The monitor (vmm/vmm.c) connects ISA line n to pin n of the
 * 8259 pair and to IOAPIC pin n (line 0, the PIT, to IOAPIC pin 2, as on
 * a PC and as the MADT's interrupt source override says); host tests
 * connect a line to a recorder.
 *
 * Edge-triggered users (PIT, RTC, UART on the 8259 in edge mode) model a
 * pulse as raise then lower; a level-triggered user keeps the line up
 * until the guest clears the condition.
 */
#ifndef IRQ_H
#define IRQ_H

#include "vmm_env.h"

struct irq_line {
	void (*set)(void *ctx, unsigned line, bool level);
	void *ctx;
	unsigned line;
};

/* Drive the line to level (no-op for an unconnected line). */
static inline void irq_line_set(const struct irq_line *l, bool level)
{
	if (l->set != NULL)
		l->set(l->ctx, l->line, level);
}

/* An edge: raise and lower at once. */
static inline void irq_line_pulse(const struct irq_line *l)
{
	irq_line_set(l, true);
	irq_line_set(l, false);
}

#endif /* IRQ_H */
