/*
 * i8254.h - the Intel 8254 programmable interval timer at ports
 * 0x40-0x43 (counters 0-2, 1.193182 MHz), and port 0x61 (NMI status and
 * control: counter 2 gate, speaker enable, counter 2 output, refresh
 * toggle), as on a PC.
 *
 * Counter 0 drives ISA IRQ 0. Modes 0 (interrupt on terminal count),
 * 2 (rate generator), 3 (square wave) fully; 1, 4, 5 as far as a gate
 * that is always high (counters 0/1) allows. Counter latch, read-back,
 * LSB/MSB/LSB-then-MSB access, BCD counting.
 *
 * Sources: Intel 8254 datasheet; the port 0x61 bits from the PIIX4 /
 * ICH datasheets (NMI Status and Control Register).
 */
#ifndef I8254_H
#define I8254_H

#include "bus.h"
#include "irq.h"
#include "vclock.h"

#define I8254_HZ 1193182ULL

/* The fields are the implementation's. */
struct i8254_counter {
	uint8_t mode;           /* 0-5 */
	uint8_t rw;             /* access: 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	uint32_t reload;        /* 1..0x10000 (0 written means 0x10000) */
	uint64_t start;         /* virtual ns when counting started from reload */
	bool counting;          /* a count was written and loaded */
	bool out;               /* output level when not counting */
	uint16_t latch;
	uint8_t latch_bytes;    /* bytes of latch left to read (0: none) */
	bool status_latched;
	uint8_t status;
	bool read_msb, write_msb;       /* toggles for rw 3 */
	uint8_t write_lsb;
	bool null_count;
};

struct i8254 {
	struct vmm_lock lock;
	struct i8254_counter c[3];
	struct vclock *clk;
	struct irq_line irq0;
	struct vtimer timer;    /* counter 0 output edges */
	bool speaker;           /* port 0x61 bit 1 */
	unsigned missed;        /* counter-0 periods that passed without an edge of their own */
};

void i8254_init(struct i8254 *pit, struct vclock *clk, struct irq_line irq0);

/* Register ports 0x40-0x43 and 0x61; add the counter-0 timer to the clock. Returns 0 or -1. */
int i8254_attach(struct i8254 *pit, struct bus *bus);

#endif /* I8254_H */
