/*
 * bus.h - the device bus: port and MMIO ranges, lookup and dispatch.
 *
 * A device registers each range it decodes once, at start, with its
 * handler, its context and its lock. Dispatch takes the device's lock
 * around the handler, so several vCPUs can later share a device; the
 * handler itself never takes that lock again.
 *
 * Locks (vmm_env.h: struct vmm_lock, one per device, not recursive):
 *  - a port or MMIO handler runs with its device's lock held (taken by
 *    the bus); every other entry point of a device (a timer's expire(),
 *    an input such as ns16550_rx(), an interrupt controller's
 *    set_irq/ack) takes the lock itself;
 *  - order: a device may call into the interrupt controllers (8259,
 *    IOAPIC) with its lock held, and they may call into a LAPIC; never
 *    the other way round. A LAPIC that must tell the IOAPIC about an EOI
 *    drops its own lock first;
 *  - acknowledges back to a device (irq.h, struct irq_ack): acked is
 *    called with no lock held (the 8259 and IOAPIC drop theirs first),
 *    so the device may take its lock and drive its line; reset comes with
 *    a controller's lock held and takes no lock (an atomic flag).
 *
 * Unclaimed accesses: the bus reports them (return false); the monitor
 * answers all-ones to reads and drops writes, as a PC's bus does.
 */
#ifndef BUS_H
#define BUS_H

#include "vmm_env.h"

#define BUS_MAX_PIO   48
#define BUS_MAX_MMIO  16

/*
 * Port handler: an access of size 1, 2 or 4 bytes at port (absolute
 * port number). For a read the handler stores the value in *val (the
 * bytes of size, little-endian, in the low bits); for a write *val holds
 * it (upper bits zero).
 */
typedef void (*bus_pio_fn)(void *dev, uint16_t port, bool write, unsigned size,
			   uint32_t *val);

/*
 * MMIO handler: an access of size 1, 2, 4 or 8 bytes at offset off from
 * the start of the range; naturally aligned (the assist library splits
 * other accesses: vmm/assist/x86_guestmem.h). *val as for ports.
 */
typedef void (*bus_mmio_fn)(void *dev, uint64_t off, bool write, unsigned size,
			    uint64_t *val);

/* Range flags. */
#define BUS_BYTE_PORTS BIT(0)   /* 8-bit device: a wider access is split into
				   byte accesses at port, port+1, ... (each
				   dispatched on its own, as the ISA bus does) */

struct bus_pio_range {
	uint16_t base, len;             /* ports [base, base + len) */
	unsigned flags;
	bus_pio_fn fn;
	void *dev;
	struct vmm_lock *lock;          /* NULL: the handler needs no lock */
	const char *name;
};

struct bus_mmio_range {
	gpa_t base;
	uint64_t len;
	bus_mmio_fn fn;
	void *dev;
	struct vmm_lock *lock;
	const char *name;
};

struct bus {
	struct bus_pio_range pio[BUS_MAX_PIO];
	unsigned npio;
	/* Port -> 1 + index into pio[] (0: unclaimed): one load per lookup. */
	uint8_t pio_index[65536];
	struct bus_mmio_range mmio[BUS_MAX_MMIO];       /* sorted by base */
	unsigned nmmio;
};

void bus_init(struct bus *bus);

/*
 * Register ports [base, base + len) or MMIO [base, base + len) for a
 * device. Returns 0, or -1 if len is 0, the range wraps, overlaps one
 * already registered or the table is full (a monitor bug: the caller
 * reports it and stops).
 */
int bus_add_pio(struct bus *bus, uint16_t base, uint16_t len, unsigned flags,
		const char *name, bus_pio_fn fn, void *dev, struct vmm_lock *lock);
int bus_add_mmio(struct bus *bus, gpa_t base, uint64_t len, const char *name,
		 bus_mmio_fn fn, void *dev, struct vmm_lock *lock);

/*
 * Dispatch a port access. Returns true if a device decoded it. For a read
 * that no device (or only part of it, for a split access) claims, the
 * unclaimed bytes of *val are all-ones.
 */
bool bus_pio(struct bus *bus, uint16_t port, bool write, unsigned size, uint32_t *val);

/* Dispatch an MMIO access; returns true if a range holds gpa (a read nobody claims is all-ones). */
bool bus_mmio(struct bus *bus, gpa_t gpa, bool write, unsigned size, uint64_t *val);

/* The range that holds gpa, or NULL (e.g. to tell MMIO from a bad GPA). */
const struct bus_mmio_range *bus_find_mmio(const struct bus *bus, gpa_t gpa);

#endif /* BUS_H */
