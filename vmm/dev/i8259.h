/*
 * i8259.h - the two cascaded Intel 8259A programmable interrupt
 * controllers of a PC (master at 0x20, slave at 0xa0 on the master's
 * IRQ 2), with the edge/level control registers (ELCR) at 0x4d0/0x4d1.
 *
 * Sources: Intel 8259A datasheet (ICW1-4, OCW1-3, priorities, special
 * mask, auto-EOI, poll), the PIIX/ICH datasheets for the ELCR.
 */
#ifndef I8259_H
#define I8259_H

#include "bus.h"
#include "irq.h"

/* One 8259A. The fields are the implementation's. */
struct i8259_chip {
	uint8_t irr, isr, imr;
	uint8_t elcr;           /* 1: level-triggered input */
	uint8_t lines;          /* input line levels */
	uint8_t vector_base;    /* ICW2 & 0xf8 */
	uint8_t icw_step;       /* 0: ready; 2..4: next byte is ICW2..ICW4 */
	uint8_t icw1, icw3, icw4;
	uint8_t priority_add;   /* lowest-priority IRQ + 1 (rotation) */
	bool read_isr;          /* OCW3 RR/RIS: reads of the command port give ISR */
	bool poll;              /* OCW3 P: next read is a poll */
	bool special_mask;
	bool auto_eoi, rotate_on_aeoi;
	bool special_fully_nested;
	uint8_t elcr_mask;      /* ELCR bits that exist (IRQ0-2, 8, 13 are edge) */
};

struct i8259 {
	struct vmm_lock lock;
	struct i8259_chip chip[2];      /* [0] master, [1] slave */
	bool output;                    /* master INT pin */
	/* Called (lock held) whenever the master's INT output changes. */
	void (*intr)(void *ctx, bool level);
	void *ctx;
	struct irq_pin_ack ack;         /* pins 0-15 (slave: 8-15); the cascade IR2 is none */
};

/*
 * The state a PC BIOS leaves: initialised (ICW1-4 done, 8086 mode,
 * edge-triggered), master vectors 0x08-0x0f, slave 0x70-0x77, slave on
 * master IRQ 2, everything masked but the cascade (IMR 0xfb / 0xff),
 * lines low. intr is called with the lock held when INT changes.
 */
void i8259_init(struct i8259 *pic, void (*intr)(void *ctx, bool level), void *ctx);

/*
 * Report, per ISA pin 0-15 (irq.h), the CPU's acknowledges (INTA, after
 * the lock is dropped) and what may lose a request in flight (a change
 * of the pin's IMR bit by OCW1 or ICW1, a poll's acknowledge: under the
 * lock). Before the first access.
 */
void i8259_set_ack(struct i8259 *pic, const struct irq_pin_ack *ack);

/* Register ports 0x20-0x21, 0xa0-0xa1, 0x4d0-0x4d1. Returns 0 or -1. */
int i8259_attach(struct i8259 *pic, struct bus *bus);

/* Drive input line irq (0-15) to level. Takes the lock. */
void i8259_set_irq(struct i8259 *pic, unsigned irq, bool level);

/* The master's INT output: an unmasked request of higher priority than what is in service. */
bool i8259_output(struct i8259 *pic);

/*
 * The CPU's interrupt acknowledge: returns the vector of the highest
 * priority request and moves it to ISR (or handles auto-EOI); with no
 * request left (it went away), the spurious IRQ 7 of the chip (IRQ 15
 * through the slave) as the 8259A does. Takes the lock.
 */
uint8_t i8259_ack(struct i8259 *pic);

#endif /* I8259_H */
