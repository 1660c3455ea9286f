/*
 * debug_exit.c - QEMU's isa-debug-exit at 0xf4 (see debug_exit.h).
 *
 * Source: QEMU hw/misc/debugexit.c (facts only): the device decodes
 * iosize ports from iobase (the QEMU tests use iobase=0xf4, iosize=4),
 * takes accesses of 1, 2 and 4 bytes, and a write anywhere in the range
 * ends the run; QEMU's own exit status is (value << 1) | 1, here the
 * monitor gets the raw value and makes the status (hv/status.h).
 *
 * The four ports are one range that is not split into bytes, so an
 * "outl %eax, $0xf4" is one access and the callback sees all 32 bits,
 * as QEMU's does. Reads give all-ones of the access size.
 */
#include "debug_exit.h"

#define DEBUG_EXIT_PORTS 4

static void debug_exit_io(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct debug_exit *d = dev;

	(void)port;
	(void)size;
	if (!write) {
		*val = 0xffffffffu;     /* bus_pio() keeps the size's bytes */
		return;
	}
	if (d->exit != NULL)
		d->exit(d->ctx, *val);
}

void debug_exit_init(struct debug_exit *d, void (*exit)(void *ctx, uint32_t value), void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->exit = exit;
	d->ctx = ctx;
}

int debug_exit_attach(struct debug_exit *d, struct bus *bus)
{
	return bus_add_pio(bus, DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS, 0, "isa-debug-exit",
			   debug_exit_io, d, &d->lock);
}
