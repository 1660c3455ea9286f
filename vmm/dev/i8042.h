/*
 * i8042.h - as much of the PC keyboard controller (ports 0x60, 0x64) as
 * guests use without a keyboard: the status register (input buffer never
 * full, system flag set), the command byte (0x20/0x60), the controller
 * self-test (0xaa -> 0x55) and interface tests, the output port (0xd0
 * read, 0xd1 write: bit 0 reset, bit 1 A20), pulse-output 0xfe (CPU
 * reset), the A20 commands 0xdd/0xdf and the output-buffer loopbacks
 * 0xd2/0xd3 (status bit 5 for aux data). No keyboard or mouse is
 * attached: device commands get no answer, as with nothing plugged in.
 *
 * Source: IBM PC/AT technical reference; "8042" datasheets.
 */
#ifndef I8042_H
#define I8042_H

#include "bus.h"

struct i8042 {
	struct vmm_lock lock;
	uint8_t status;
	uint8_t cmd_byte;
	uint8_t outport;        /* bit 1: A20 */
	uint8_t out;            /* output buffer, valid with status OBF */
	uint8_t pending_cmd;    /* command waiting for its data byte at 0x60 */
	/* A CPU reset was asked for (0xfe, or output port bit 0 cleared). */
	void (*reset)(void *ctx, const char *why);
	void *ctx;
};

void i8042_init(struct i8042 *k, void (*reset)(void *ctx, const char *why), void *ctx);

/* Register ports 0x60 and 0x64. Returns 0 or -1. */
int i8042_attach(struct i8042 *k, struct bus *bus);

#endif /* I8042_H */
