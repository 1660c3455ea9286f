/*
 * ioapic.h - an I/O APIC (82093AA-compatible, version 0x20 with the EOI
 * register as in the ICH) with 24 pins at 0xfec00000: IOREGSEL at 0x00,
 * IOWIN at 0x10, EOI at 0x40; registers ID, version, arbitration and 24
 * redirection entries (vector, delivery mode, destination mode, polarity,
 * Remote IRR, trigger mode, mask, destination).
 *
 * An unmasked pin delivers a message through the deliver callback:
 * edge-triggered on a rising edge; level-triggered while the line is
 * asserted and Remote IRR is clear (set on delivery, cleared by the
 * LAPIC's EOI broadcast or the EOI register, after which a still-asserted
 * line delivers again). Polarity low inverts the line.
 *
 * Source: Intel 82093AA I/O APIC datasheet; ICH9 datasheet (EOI register).
 */
#ifndef IOAPIC_H
#define IOAPIC_H

#include "bus.h"
#include "irq.h"

#define IOAPIC_PINS         24
#define IOAPIC_DEFAULT_BASE 0xfec00000ULL

/* One interrupt message to the LAPICs (what the redirection entry says). */
struct ioapic_msg {
	uint32_t dest;          /* APIC ID (physical) or logical mask, bits 63:56 of the entry */
	bool logical;
	unsigned mode;          /* LAPIC_DM_* (lapic.h) */
	uint8_t vector;
	bool level_trig;
};

/* The fields are the implementation's. */
struct ioapic {
	struct vmm_lock lock;
	uint8_t id;
	uint32_t regsel;
	uint64_t redir[IOAPIC_PINS];
	uint32_t lines;         /* input levels */
	/* Called with the IOAPIC's lock held. */
	void (*deliver)(void *ctx, const struct ioapic_msg *msg);
	void *ctx;
	struct irq_pin_ack ack;
};

/* Reset state: every entry masked, edge, active high, vector 0. */
void ioapic_init(struct ioapic *io, uint8_t id,
		 void (*deliver)(void *ctx, const struct ioapic_msg *msg), void *ctx);

/* Register the 4 KiB window at base. Returns 0 or -1. */
int ioapic_attach(struct ioapic *io, struct bus *bus, gpa_t base);

/* Drive pin (0-23) to level. Takes the lock. */
void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level);

/*
 * Report, per pin (irq.h), the LAPIC EOIs of the vectors the pins
 * deliver (ioapic_eoi, ioapic_edge_eoi: after the lock is dropped) and
 * the guest's changes of a pin's mask bit (under the lock). Before the
 * first access.
 */
void ioapic_set_ack(struct ioapic *io, const struct irq_pin_ack *ack);

/*
 * A LAPIC EOI for vector (level-triggered): clear Remote IRR of the pins
 * with that vector, then report them acknowledged. Takes the lock.
 */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

/*
 * A LAPIC EOI for an edge-triggered vector (TMR clear; the LAPIC sends
 * no EOI message for it, SDM Vol.3 11.8.5): report the edge pins with
 * that vector acknowledged. Nothing changes in the IOAPIC. Takes the lock.
 */
void ioapic_edge_eoi(struct ioapic *io, uint8_t vector);

#endif /* IOAPIC_H */
