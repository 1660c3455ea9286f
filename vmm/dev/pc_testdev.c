/*
 * pc_testdev.c - QEMU's "pc-testdev" (see pc_testdev.h).
 *
 * Source: QEMU hw/misc/pc-testdev.c, as the kvm-unit-tests use it (facts
 * only: port map, access widths, what reads return).
 *
 *  - 0xe0-0xe3: a 32-bit scratch register. An access of n bytes at 0xe0+k
 *    covers bytes k..k+n-1 of it; bytes past 0xe3 belong to no register:
 *    writes to them are dropped, reads give all-ones as an undecoded port.
 *  - 0xe4-0xe7: QEMU's "flush page" port: a 32-bit write at 0xe4 (the only
 *    access QEMU accepts) is counted; reads give all-ones.
 *  - 0xe8-0xeb: the same scratch register again, byte-wide (QEMU decodes
 *    them with the handlers of 0xe0-0xe3 and 1-byte accesses): a 16- or
 *    32-bit access is split into byte accesses by the bus, and port 0xe8+k
 *    is byte k of the register written at 0xe0.
 *  - 0x2000-0x2017: byte ports; a write drives line n to (value != 0),
 *    a read gives the level last driven (0 or 1).
 *  - MMIO 0xff000000, 64 KiB: RAM-like, any size and alignment; bytes
 *    past the window read all-ones and drop writes.
 */
#include "pc_testdev.h"
#include "x86_le.h"

#define PC_TESTDEV_SCRATCH   0xe0
#define PC_TESTDEV_FLUSH     0xe4
#define PC_TESTDEV_BYTES     0xe8
#define PC_TESTDEV_IRQ       0x2000

/*
 * Scratch register at 0xe0-0xe3: n bytes from byte k = port - 0xe0 (the
 * bytes past 0xe3 of a wide access at 0xe1-0xe3 are not the register's:
 * writes to them are dropped, reads give all-ones). One masked update.
 */
static void pc_testdev_scratch_io(void *dev, uint16_t port, bool write, unsigned size,
				  uint32_t *val)
{
	struct pc_testdev *t = dev;
	unsigned k = (unsigned)(port - PC_TESTDEV_SCRATCH);
	unsigned n = size < 4 - k ? size : 4 - k;       /* bytes in the register */
	uint32_t in_reg = n >= 4 ? 0xffffffffu : (1u << (8 * n)) - 1;

	/* Read: ones above the register's bytes; the bus keeps the low size bytes. */
	if (write)
		t->scratch = (t->scratch & ~(in_reg << (8 * k))) | ((*val & in_reg) << (8 * k));
	else
		*val = ((t->scratch >> (8 * k)) & in_reg) | ~in_reg;
}

/* The byte-wide view at 0xe8-0xeb (BUS_BYTE_PORTS: size is 1). */
static void pc_testdev_bytes_io(void *dev, uint16_t port, bool write, unsigned size,
				uint32_t *val)
{
	(void)size;
	pc_testdev_scratch_io(dev, (uint16_t)(port - PC_TESTDEV_BYTES + PC_TESTDEV_SCRATCH),
			      write, 1, val);
}

/* 0xe4: a 32-bit write at 0xe4 counts; nothing else does anything. */
static void pc_testdev_flush_io(void *dev, uint16_t port, bool write, unsigned size,
				uint32_t *val)
{
	struct pc_testdev *t = dev;

	if (!write)
		*val = 0xffffffffu;
	else if (port == PC_TESTDEV_FLUSH && size == 4)
		t->flushes++;
}

/* 0x2000 + n: line n (BUS_BYTE_PORTS: size is 1). */
static void pc_testdev_irq_io(void *dev, uint16_t port, bool write, unsigned size,
			      uint32_t *val)
{
	struct pc_testdev *t = dev;
	unsigned n = (unsigned)(port - PC_TESTDEV_IRQ);

	(void)size;
	if (!write) {
		*val = t->level[n];
		return;
	}
	t->level[n] = *val != 0;
	irq_line_set(&t->line[n], t->level[n]);
}

/*
 * The MMIO window: little-endian bytes of *val at off.. (bus.h). An
 * access within the window is one load or store (x86_le.h, for the sizes
 * of 1, 2, 4 and 8 bytes the bus carries); one that reaches past it goes
 * byte by byte.
 */
static void pc_testdev_mmio(void *dev, uint64_t off, bool write, unsigned size, uint64_t *val)
{
	struct pc_testdev *t = dev;
	uint64_t out = 0;

	if (off < PC_TESTDEV_MMIO_SIZE && size <= PC_TESTDEV_MMIO_SIZE - off) {
		if (write)
			x86_le_store(t->mem + off, size, *val);
		else
			*val = x86_le_load(t->mem + off, size);
		return;
	}
	for (unsigned i = 0; i < size; i++) {
		uint64_t a = off + i, byte = 0xff;

		if (a < PC_TESTDEV_MMIO_SIZE && write)
			t->mem[a] = (uint8_t)(*val >> (8 * i));
		else if (a < PC_TESTDEV_MMIO_SIZE)
			byte = t->mem[a];
		out |= byte << (8 * i);
	}
	if (!write)
		*val = out;
}

void pc_testdev_init(struct pc_testdev *t, const struct irq_line lines[PC_TESTDEV_LINES])
{
	memset(t, 0, sizeof(*t));
	for (unsigned n = 0; n < PC_TESTDEV_LINES; n++)
		t->line[n] = lines[n];
}

int pc_testdev_attach(struct pc_testdev *t, struct bus *bus)
{
	if (bus_add_pio(bus, PC_TESTDEV_SCRATCH, 4, 0, "pc-testdev scratch",
			pc_testdev_scratch_io, t, &t->lock) != 0 ||
	    bus_add_pio(bus, PC_TESTDEV_FLUSH, 4, 0, "pc-testdev flush",
			pc_testdev_flush_io, t, &t->lock) != 0 ||
	    bus_add_pio(bus, PC_TESTDEV_BYTES, 4, BUS_BYTE_PORTS, "pc-testdev bytes",
			pc_testdev_bytes_io, t, &t->lock) != 0 ||
	    bus_add_pio(bus, PC_TESTDEV_IRQ, PC_TESTDEV_LINES, BUS_BYTE_PORTS, "pc-testdev irq",
			pc_testdev_irq_io, t, &t->lock) != 0)
		return -1;
	return bus_add_mmio(bus, PC_TESTDEV_MMIO_BASE, PC_TESTDEV_MMIO_SIZE, "pc-testdev mmio",
			    pc_testdev_mmio, t, &t->lock);
}
