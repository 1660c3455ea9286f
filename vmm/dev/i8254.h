/*
 * i8254.h - the Intel 8254 programmable interval timer at ports
 * 0x40-0x43 (counters 0-2, 1.193182 MHz), and port 0x61 (NMI status and
 * control: counter 2 gate, speaker enable, counter 2 output, refresh
 * toggle), as on a PC.
 *
 * Counter 0 drives ISA IRQ 0. Modes 0-5; the gates of counters 0 and 1
 * are always high, counter 2's is port 0x61 bit 0. Counter latch,
 * read-back, LSB/MSB/LSB-then-MSB access, BCD counting. Counts are
 * computed from the virtual clock, not ticked.
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

/*
 * The fields are the implementation's. Times are ticks of the 1.193182 MHz
 * input clock since virtual time 0 (tick k at ceil(k * 10^9 / I8254_HZ) ns).
 */
struct i8254_counter {
	uint8_t ctrl;           /* control word bits 5-0 (RW, M, BCD): the status byte's low bits */
	uint8_t mode;           /* 0-5 */
	uint8_t rw;             /* access: 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	bool armed;             /* a count was written since the control word */
	bool triggered;         /* modes 1, 5: a gate trigger loaded the count */
	bool frozen;            /* not counting: gate low, or mode 0 between the bytes of a count */
	uint32_t cr;            /* count register, decoded: 1..0x10000 (BCD: 1..10000) */
	uint32_t n;             /* the count CE took at load_tick */
	uint64_t load_tick;     /* when CE took n */
	uint64_t phase;         /* ticks already counted at load_tick (resume; mode 3 low half) */
	uint64_t reload_tick;   /* modes 2, 3: a new count loads at this tick (I8254_NEVER: none) */
	uint64_t null_until;    /* status NULL COUNT reads 1 before this tick */
	bool pre_out;           /* OUT, and CE as read, before load_tick or with no count */
	uint16_t pre_ce;
	uint16_t latch;
	uint8_t latch_bytes;    /* bytes of latch left to read (0: none) */
	bool status_latched;
	uint8_t status;
	bool read_msb, write_msb;       /* toggles for rw 3 */
	uint8_t write_lsb;
};

#define I8254_NEVER UINT64_MAX

struct i8254 {
	struct vmm_lock lock;
	struct i8254_counter c[3];
	struct vclock *clk;
	struct irq_line irq0;
	struct vtimer timer;    /* counter 0 output edges */
	uint64_t edge_tick;     /* the counter-0 rising edge the timer is armed for */
	bool irq_high;          /* irq0 held high (mode 0 after terminal count) */
	uint8_t port61;         /* port 0x61 bits 3-0 as written */
	unsigned missed;        /* counter-0 periods that passed without an edge of their own */
	/* Reinjection (i8254.c): modes 2 and 3 of counter 0. */
	bool reinject;          /* on: one edge per acknowledge; off: late periods merge */
	bool in_flight;         /* an edge was given and not yet acknowledged */
	uint32_t owed;          /* periods due and not yet given an edge (<= one second's worth) */
	int reset_req;          /* set without the lock by the irq_ack reset (atomic) */
};

/* At most this many owed edges, and at most one second's worth of periods. */
#define I8254_OWED_MAX 1000

void i8254_init(struct i8254 *pit, struct vclock *clk, struct irq_line irq0);

/*
 * Reinject mode (off after init): a counter-0 period that falls due
 * while the previous edge is not yet acknowledged is owed and given
 * later, one edge per acknowledge, instead of merged. The monitor turns
 * it on when it connects i8254_irq_ack() to IRQ 0's acknowledges.
 */
void i8254_set_reinject(struct i8254 *pit, bool on);

/* The acknowledge callbacks of IRQ 0 (irq.h) for the monitor to call. */
struct irq_ack i8254_irq_ack(struct i8254 *pit);

/* Register ports 0x40-0x43 and 0x61; add the counter-0 timer to the clock. Returns 0 or -1. */
int i8254_attach(struct i8254 *pit, struct bus *bus);

#endif /* I8254_H */
