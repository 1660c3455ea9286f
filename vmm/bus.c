/*
 * bus.c - port and MMIO dispatch (see bus.h).
 *
 * Ports: a 64 KiB table maps every port to its range, so a lookup on the
 * exit path is one load. MMIO: a few ranges (IOAPIC, test device, ...),
 * scanned; the LAPIC page is per vCPU and looked up by the monitor
 * before the bus.
 */
#include "bus.h"

void bus_init(struct bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int bus_add_pio(struct bus *bus, uint16_t base, uint16_t len, unsigned flags,
		const char *name, bus_pio_fn fn, void *dev, struct vmm_lock *lock)
{
	struct bus_pio_range *r;
	uint32_t end = (uint32_t)base + len;

	if (len == 0 || end > 0x10000 || fn == NULL || bus->npio >= BUS_MAX_PIO)
		return -1;
	for (uint32_t p = base; p < end; p++)
		if (bus->pio_index[p] != 0)
			return -1;
	r = &bus->pio[bus->npio];
	r->base = base;
	r->len = len;
	r->flags = flags;
	r->fn = fn;
	r->dev = dev;
	r->lock = lock;
	r->name = name;
	bus->npio++;
	for (uint32_t p = base; p < end; p++)
		bus->pio_index[p] = (uint8_t)bus->npio;
	return 0;
}

int bus_add_mmio(struct bus *bus, gpa_t base, uint64_t len, const char *name,
		 bus_mmio_fn fn, void *dev, struct vmm_lock *lock)
{
	unsigned i;

	if (len == 0 || base + (len - 1) < base || fn == NULL || bus->nmmio >= BUS_MAX_MMIO)
		return -1;
	for (i = 0; i < bus->nmmio; i++) {
		const struct bus_mmio_range *r = &bus->mmio[i];

		if (base <= r->base + (r->len - 1) && r->base <= base + (len - 1))
			return -1;
	}
	for (i = bus->nmmio; i > 0 && bus->mmio[i - 1].base > base; i--)
		bus->mmio[i] = bus->mmio[i - 1];
	bus->mmio[i] = (struct bus_mmio_range){
		.base = base, .len = len, .fn = fn, .dev = dev, .lock = lock, .name = name,
	};
	bus->nmmio++;
	return 0;
}

/* One access to the range that decodes port; false if none does. */
static bool bus_pio_one(struct bus *bus, uint16_t port, bool write, unsigned size,
			uint32_t *val)
{
	unsigned idx = bus->pio_index[port];
	const struct bus_pio_range *r;

	if (idx == 0)
		return false;
	r = &bus->pio[idx - 1];
	if (r->lock != NULL)
		vmm_lock_acquire(r->lock);
	r->fn(r->dev, port, write, size, val);
	if (r->lock != NULL)
		vmm_lock_release(r->lock);
	return true;
}

bool bus_pio(struct bus *bus, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	unsigned idx = bus->pio_index[port];
	uint32_t in = write ? *val : 0, out = 0;
	bool any = false;

	if (size != 1 && size != 2 && size != 4)
		return false;
	if (idx != 0 && (size == 1 || !(bus->pio[idx - 1].flags & BUS_BYTE_PORTS))) {
		/* A byte, or a device that takes wide accesses: one call with all of it. */
		uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
		uint32_t v = in & mask;

		bus_pio_one(bus, port, write, size, &v);
		if (!write)
			*val = v & mask;
		return true;
	}
	/* Byte by byte: 8-bit devices, or a first port that nobody decodes. */
	for (unsigned i = 0; i < size; i++) {
		uint32_t b = (in >> (8 * i)) & 0xff;

		if (bus_pio_one(bus, (uint16_t)(port + i), write, 1, &b))
			any = true;
		else
			b = 0xff;
		out |= (b & 0xff) << (8 * i);
	}
	if (!write)
		*val = out;
	return any;
}

const struct bus_mmio_range *bus_find_mmio(const struct bus *bus, gpa_t gpa)
{
	for (unsigned i = 0; i < bus->nmmio; i++) {
		const struct bus_mmio_range *r = &bus->mmio[i];

		if (gpa >= r->base && gpa - r->base < r->len)
			return r;
	}
	return NULL;
}

bool bus_mmio(struct bus *bus, gpa_t gpa, bool write, unsigned size, uint64_t *val)
{
	const struct bus_mmio_range *r = bus_find_mmio(bus, gpa);

	if (r == NULL) {
		if (!write)
			*val = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
		return false;
	}
	if (r->lock != NULL)
		vmm_lock_acquire(r->lock);
	r->fn(r->dev, gpa - r->base, write, size, val);
	if (r->lock != NULL)
		vmm_lock_release(r->lock);
	return true;
}
