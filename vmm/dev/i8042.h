/*
 * i8042.h - as much of the PC keyboard controller (ports 0x60, 0x64) as
 * guests use without a keyboard: the status register (input buffer never
 * full, system flag set), the command byte (0x20/0x60), the controller
 * self-test (0xaa -> 0x55) and interface tests, the output port (0xd0
 * read, 0xd1 write: bit 0 reset, bit 1 A20), pulse-output 0xfe (CPU
 * reset), the A20 commands 0xdd/0xdf and the output-buffer loopbacks
 * 0xd2/0xd3 (status bit 5 for aux data), and IRQ 1 / IRQ 12 while the
 * output buffer holds keyboard / aux data and the command byte enables
 * that interrupt. No keyboard or mouse is attached: a byte sent to
 * either (0x60, D4h) is answered at once with the time-out bit and FEh,
 * as a controller reports a device that is not there.
 *
 * Source: IBM PC/AT technical reference; "8042" datasheets.
 */
#ifndef I8042_H
#define I8042_H

#include "bus.h"
#include "irq.h"

struct i8042 {
	struct vmm_lock lock;
	uint8_t status;
	uint8_t cmd_byte;
	uint8_t outport;        /* bit 1: A20 */
	uint8_t out;            /* output buffer, valid with status OBF */
	uint8_t pending_cmd;    /* command waiting for its data byte at 0x60 */
	struct irq_line irq_kbd, irq_aux;       /* IRQ 1, IRQ 12 (i8042_connect()) */
	bool kbd_level, aux_level;              /* what they are driven to */
	/* A CPU reset was asked for (0xfe, or output port bit 0 cleared). */
	void (*reset)(void *ctx, const char *why);
	void *ctx;
};

void i8042_init(struct i8042 *k, void (*reset)(void *ctx, const char *why), void *ctx);

/* The IRQ 1 and IRQ 12 lines (unconnected until this is called; before the first access). */
void i8042_connect(struct i8042 *k, struct irq_line kbd, struct irq_line aux);

/* Register ports 0x60 and 0x64. Returns 0 or -1. */
int i8042_attach(struct i8042 *k, struct bus *bus);

#endif /* I8042_H */
