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
 *
 * The way back (struct irq_ack): a device that must know when the guest
 * took its interrupt (the 8254 delivers a late tick only after the
 * previous one was acknowledged, i8254.c) gives the monitor an irq_ack
 * for its line. The interrupt controllers report per input pin (struct
 * irq_pin_ack); the monitor maps pins to lines, so no chip knows
 * another. Locks (see also bus.h):
 *  - acked is called with no device lock held: the device may take its
 *    own lock and drive its line again from it;
 *  - reset is called with the reporting controller's lock held: it must
 *    take no lock and drive no line, only record (the device acts on it
 *    at its next event, under its own lock).
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

/* The acknowledge of one line, back to the device that drives it. */
struct irq_ack {
	/*
	 * The CPU took the line's interrupt: the 8259's INTA moved it from
	 * IRR to ISR (8259A datasheet, "Interrupt Sequence"), or the LAPIC's
	 * EOI ended the vector an IOAPIC pin delivered (SDM Vol.3 11.8.5,
	 * 10.8.5 in older editions). No lock held.
	 */
	void (*acked)(void *ctx);
	/*
	 * What was in flight on the line may never be acknowledged: the guest
	 * masked or unmasked it at a controller, or took the request by an
	 * 8259 poll. The controller's lock is held.
	 */
	void (*reset)(void *ctx);
	void *ctx;
};

/* What a controller reports about its input pin (rules of struct irq_ack). */
struct irq_pin_ack {
	void (*acked)(void *ctx, unsigned pin);
	void (*reset)(void *ctx, unsigned pin);
	void *ctx;
};

static inline void irq_ack_acked(const struct irq_ack *a)
{
	if (a->acked != NULL)
		a->acked(a->ctx);
}

static inline void irq_ack_reset(const struct irq_ack *a)
{
	if (a->reset != NULL)
		a->reset(a->ctx);
}

static inline void irq_pin_acked(const struct irq_pin_ack *a, unsigned pin)
{
	if (a->acked != NULL)
		a->acked(a->ctx, pin);
}

static inline void irq_pin_reset(const struct irq_pin_ack *a, unsigned pin)
{
	if (a->reset != NULL)
		a->reset(a->ctx, pin);
}

#endif /* IRQ_H */
