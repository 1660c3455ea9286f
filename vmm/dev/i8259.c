/*
 * i8259.c - the two cascaded 8259A interrupt controllers of a PC and the
 * edge/level control registers (see i8259.h).
 *
 * Sources: Intel 8259A datasheet (231468-003): "Initialization Command
 * Words" (the effects a-f of ICW1), ICW2-4, "Operation Command Words",
 * "Fully Nested Mode", "End of Interrupt", "Automatic Rotation",
 * "Specific Rotation", "Special Mask Mode", "Poll Command", "Edge and
 * Level Triggered Modes", "The Special Fully Nest Mode", "Interrupt
 * Sequence"; Intel PIIX4 / ICH datasheets for ELCR1/ELCR2 at 0x4d0/0x4d1
 * (IRQ 0, 1, 2, 8 and 13 cannot be level-triggered).
 *
 * Where the model departs from the silicon, and why:
 *  - Edge mode latches. The datasheet asks that an IR input stay high
 *    until the first INTA (else the CPU gets the default IR7); our device
 *    models give an edge as raise-then-lower at once (irq.h), so a rising
 *    edge sets IRR and the falling edge leaves it. A request still
 *    "vanishes" as on a PC when a level-triggered input drops, or when
 *    the guest masks it, before the acknowledge: the CPU then gets the
 *    chip's IR7 vector with no ISR bit set (IRQ 7 or IRQ 15).
 *  - Vectors are always 8086-style, (ICW2 & 0xf8) | IR: the MCS-80/85
 *    CALL sequence (uPM = 0, ADI) means nothing to an x86 CPU.
 *  - The slave is wired to master IR2 (its ICW3 ID is stored, not
 *    checked); the master cascades IR2 only if its ICW3 says so and it is
 *    not in single mode. Buffered mode and M/S are stored and inert.
 *  - ICW1 also clears ISR (the a-f list does not say; a guest that
 *    initialises the PIC again, e.g. after kexec, must not stay blocked by
 *    an old in-service level) and leaves rotate-in-AEOI off. A chip stops
 *    requesting between ICW1 and its last ICW, when its vector base is
 *    not yet known.
 */
#include "i8259.h"

/* ICW1: a write to A0 = 0 with D4 set. */
#define I8259_ICW1_IC4          BIT(0)  /* ICW4 follows */
#define I8259_ICW1_SNGL         BIT(1)  /* single chip: no ICW3 */
#define I8259_ICW1_LTIM         BIT(3)  /* every input level-triggered */
#define I8259_ICW1              BIT(4)
/* ICW4 */
#define I8259_ICW4_AEOI         BIT(1)
#define I8259_ICW4_SFNM         BIT(4)
/* OCW2: A0 = 0, D4 = D3 = 0. Bits 7-5 select the command, 2-0 the level. */
#define I8259_OCW2_LEVEL        BITS(2, 0)
#define I8259_OCW2_CMD          BITS(7, 5)
#define I8259_OCW2_ROT_AEOI_CLR 0       /* R SL EOI = 000 */
#define I8259_OCW2_EOI          1       /* 001: non-specific EOI */
#define I8259_OCW2_NOP          2       /* 010 */
#define I8259_OCW2_SEOI         3       /* 011: specific EOI */
#define I8259_OCW2_ROT_AEOI_SET 4       /* 100 */
#define I8259_OCW2_ROT_EOI      5       /* 101: rotate on non-specific EOI */
#define I8259_OCW2_SET_PRIO     6       /* 110: set priority */
#define I8259_OCW2_ROT_SEOI     7       /* 111: rotate on specific EOI */
/* OCW3: A0 = 0, D4 = 0, D3 = 1. */
#define I8259_OCW3              BIT(3)
#define I8259_OCW3_RIS          BIT(0)
#define I8259_OCW3_RR           BIT(1)
#define I8259_OCW3_P            BIT(2)
#define I8259_OCW3_SMM          BIT(5)
#define I8259_OCW3_ESMM         BIT(6)
/* Poll word: I (a request was there) and W2-W0. */
#define I8259_POLL_I            BIT(7)

#define I8259_CASCADE_IR        2       /* the slave's INT drives master IR2 */

/* Inputs that are level-triggered: all with ICW1.LTIM, else those the ELCR names. */
static uint8_t i8259_level_mask(const struct i8259_chip *c)
{
	return (c->icw1 & I8259_ICW1_LTIM) ? 0xff : c->elcr;
}

/* Master inputs that lead to a slave (ICW3), of which our board has IR2 only. */
static uint8_t i8259_cascade_mask(const struct i8259 *pic, const struct i8259_chip *c)
{
	if (c != &pic->chip[0] || (c->icw1 & I8259_ICW1_SNGL))
		return 0;
	return c->icw3 & BIT(I8259_CASCADE_IR);
}

/* Priority of IR irq after rotation: 0 highest, 7 lowest. */
static unsigned i8259_prio(const struct i8259_chip *c, unsigned irq)
{
	return (irq - c->priority_add) & 7;
}

/* The IR of highest priority among the bits of mask, or -1 if none. */
static int i8259_highest(const struct i8259_chip *c, uint8_t mask)
{
	for (unsigned p = 0; p < 8; p++) {
		unsigned irq = (c->priority_add + p) & 7;

		if (mask & BIT(irq))
			return (int)irq;
	}
	return -1;
}

/*
 * The IR a chip asks the CPU for: the highest unmasked request of higher
 * priority than every level in service ("Fully Nested Mode"), or -1.
 * In special mask mode masked levels in service inhibit nothing; in
 * special fully nested mode a cascade input in service does not block a
 * new request on the same input (a higher priority one inside the slave).
 */
static int i8259_request(const struct i8259_chip *c, uint8_t cascade)
{
	uint8_t in = c->isr;
	int req, cur;

	if (c->icw_step != 0)
		return -1;
	req = i8259_highest(c, c->irr & ~c->imr);
	if (req < 0)
		return -1;
	if (c->special_mask)
		in &= ~c->imr;
	cur = i8259_highest(c, in);
	if (cur < 0 || i8259_prio(c, (unsigned)req) < i8259_prio(c, (unsigned)cur))
		return req;
	if (req == cur && c->special_fully_nested && (cascade & BIT(req)))
		return req;
	return -1;
}

/* Input irq of chip c goes to level: edge inputs latch a rising edge, level inputs follow. */
static void i8259_chip_line(struct i8259_chip *c, unsigned irq, bool level)
{
	uint8_t m = (uint8_t)BIT(irq);
	bool was = (c->lines & m) != 0;

	if (level)
		c->lines |= m;
	else
		c->lines &= (uint8_t)~m;
	if (i8259_level_mask(c) & m) {
		if (level)
			c->irr |= m;
		else
			c->irr &= (uint8_t)~m;
	} else if (level && !was) {
		c->irr |= m;
	}
}

/*
 * Acknowledge IR irq (INTA or poll): IRR drops (a level input still high
 * requests again at once), ISR is set, unless auto-EOI, which rotates if
 * rotate-in-AEOI is on.
 */
static void i8259_chip_ack(struct i8259_chip *c, unsigned irq)
{
	uint8_t m = (uint8_t)BIT(irq);

	c->irr = (uint8_t)((c->irr & ~m) | (c->lines & i8259_level_mask(c) & m));
	if (!c->auto_eoi)
		c->isr |= m;
	else if (c->rotate_on_aeoi)
		c->priority_add = (uint8_t)((irq + 1) & 7);
}

/* Propagate the slave's INT to master IR2 and the master's INT to the CPU. */
static void i8259_update(struct i8259 *pic)
{
	bool slave_int = i8259_request(&pic->chip[1], 0) >= 0;
	bool out;

	i8259_chip_line(&pic->chip[0], I8259_CASCADE_IR, slave_int);
	out = i8259_request(&pic->chip[0], i8259_cascade_mask(pic, &pic->chip[0])) >= 0;
	if (out != pic->output) {
		pic->output = out;
		if (pic->intr != NULL)
			pic->intr(pic->ctx, out);
	}
}

/* ---------------------------------------------------------------------- */
/* Commands */

/* ICW1: the start of initialisation, with the effects a-f of the datasheet. */
static void i8259_icw1(struct i8259_chip *c, uint8_t val)
{
	c->icw1 = val;
	c->icw_step = 2;
	c->imr = 0;                     /* b */
	c->isr = 0;                     /* (see the header comment) */
	c->priority_add = 0;            /* c: IR7 lowest */
	c->special_mask = false;        /* e */
	c->read_isr = false;            /* e: status read is IRR */
	c->poll = false;
	c->rotate_on_aeoi = false;
	if (!(val & I8259_ICW1_IC4)) {  /* f: no ICW4, its functions all zero */
		c->icw4 = 0;
		c->auto_eoi = false;
		c->special_fully_nested = false;
	}
	/* a: the edge sense is reset, a line already high must drop and rise again. */
	c->irr = c->lines & i8259_level_mask(c);
}

/* ICW2-ICW4 and OCW1: writes to A0 = 1. */
static void i8259_write_data(struct i8259_chip *c, uint8_t val)
{
	switch (c->icw_step) {
	case 2:
		c->vector_base = val & 0xf8;
		if (!(c->icw1 & I8259_ICW1_SNGL))
			c->icw_step = 3;
		else
			c->icw_step = (c->icw1 & I8259_ICW1_IC4) ? 4 : 0;
		break;
	case 3:
		c->icw3 = val;
		c->icw_step = (c->icw1 & I8259_ICW1_IC4) ? 4 : 0;
		break;
	case 4:
		c->icw4 = val;
		c->auto_eoi = (val & I8259_ICW4_AEOI) != 0;
		c->special_fully_nested = (val & I8259_ICW4_SFNM) != 0;
		c->icw_step = 0;
		break;
	default:
		c->imr = val;           /* OCW1 */
		break;
	}
}

/*
 * The in-service level a non-specific EOI ends: the highest one, but in
 * special mask mode "an IS bit that is masked by an IMR bit will not be
 * cleared by a non-specific EOI" (8259A "End of Interrupt").
 */
static int i8259_eoi_level(const struct i8259_chip *c)
{
	return i8259_highest(c, c->special_mask ? (uint8_t)(c->isr & ~c->imr) : c->isr);
}

/* OCW2: EOI, rotation and priority commands. */
static void i8259_ocw2(struct i8259_chip *c, uint8_t val)
{
	unsigned level = (unsigned)SHIFTOUT(val, I8259_OCW2_LEVEL);
	int irq;

	switch (SHIFTOUT(val, I8259_OCW2_CMD)) {
	case I8259_OCW2_EOI:
	case I8259_OCW2_ROT_EOI:
		irq = i8259_eoi_level(c);
		if (irq < 0)
			break;
		c->isr &= (uint8_t)~BIT(irq);
		if (SHIFTOUT(val, I8259_OCW2_CMD) == I8259_OCW2_ROT_EOI)
			c->priority_add = (uint8_t)((irq + 1) & 7);
		break;
	case I8259_OCW2_SEOI:
		c->isr &= (uint8_t)~BIT(level);
		break;
	case I8259_OCW2_ROT_SEOI:
		c->isr &= (uint8_t)~BIT(level);
		c->priority_add = (uint8_t)((level + 1) & 7);
		break;
	case I8259_OCW2_SET_PRIO:       /* level becomes the lowest */
		c->priority_add = (uint8_t)((level + 1) & 7);
		break;
	case I8259_OCW2_ROT_AEOI_SET:
		c->rotate_on_aeoi = true;
		break;
	case I8259_OCW2_ROT_AEOI_CLR:
		c->rotate_on_aeoi = false;
		break;
	default:                        /* I8259_OCW2_NOP */
		break;
	}
}

/* OCW3: read register select, poll, special mask mode. */
static void i8259_ocw3(struct i8259_chip *c, uint8_t val)
{
	if (val & I8259_OCW3_P)
		c->poll = true;
	if (val & I8259_OCW3_RR)
		c->read_isr = (val & I8259_OCW3_RIS) != 0;
	if (val & I8259_OCW3_ESMM)
		c->special_mask = (val & I8259_OCW3_SMM) != 0;
}

/*
 * A poll (OCW3 P, then a read of either port): the read acts as an
 * interrupt acknowledge of this chip alone and returns I | W2-W0, or 0
 * with no request ("Poll Command").
 */
static uint8_t i8259_poll(struct i8259 *pic, struct i8259_chip *c)
{
	int irq;

	c->poll = false;
	irq = i8259_request(c, i8259_cascade_mask(pic, c));
	if (irq < 0)
		return 0;
	i8259_chip_ack(c, (unsigned)irq);
	return (uint8_t)(I8259_POLL_I | (unsigned)irq);
}

/*
 * Tell the monitor (lock held) that requests on the pins in bits (of
 * the chip whose pin 0 is base) may never be acknowledged: their IMR
 * bits changed, or a poll took them. The master's cascade input is no
 * pin of its own.
 */
static void i8259_report_reset(struct i8259 *pic, uint8_t bits, unsigned base)
{
	if (base == 0)
		bits &= (uint8_t)~BIT(I8259_CASCADE_IR);
	for (unsigned i = 0; i < 8; i++)
		if (bits & BIT(i))
			irq_pin_reset(&pic->ack, base + i);
}

/* ---------------------------------------------------------------------- */
/* Ports */

/* 0x20-0x21 (master) and 0xa0-0xa1 (slave); lock held by the bus. */
static void i8259_pio(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct i8259 *pic = dev;
	struct i8259_chip *c = &pic->chip[port >= 0xa0];
	unsigned base = port >= 0xa0 ? 8 : 0;
	uint8_t imr = c->imr;
	bool a0 = port & 1;

	(void)size;                     /* BUS_BYTE_PORTS: always 1 */
	if (write) {
		uint8_t v = (uint8_t)*val;

		if (a0)
			i8259_write_data(c, v);
		else if (v & I8259_ICW1)
			i8259_icw1(c, v);
		else if (v & I8259_OCW3)
			i8259_ocw3(c, v);
		else
			i8259_ocw2(c, v);
	} else if (c->poll) {
		*val = i8259_poll(pic, c);
		if (*val & I8259_POLL_I)
			i8259_report_reset(pic, BIT(*val & 7), base);
	} else if (a0) {
		*val = c->imr;
	} else {
		*val = c->read_isr ? c->isr : c->irr;
	}
	i8259_report_reset(pic, imr ^ c->imr, base);
	i8259_update(pic);
}

/* ELCR1 (0x4d0, IRQ 0-7) and ELCR2 (0x4d1, IRQ 8-15); lock held by the bus. */
static void i8259_elcr_pio(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct i8259 *pic = dev;
	struct i8259_chip *c = &pic->chip[port & 1];

	(void)size;
	if (!write) {
		*val = c->elcr;
		return;
	}
	c->elcr = (uint8_t)*val & c->elcr_mask;
	/* An input that became level-triggered requests while its line is high. */
	c->irr = (uint8_t)((c->irr & ~i8259_level_mask(c)) | (c->lines & i8259_level_mask(c)));
	i8259_update(pic);
}

/* ---------------------------------------------------------------------- */
/* Public entry points */

void i8259_init(struct i8259 *pic, void (*intr)(void *ctx, bool level), void *ctx)
{
	memset(pic, 0, sizeof(*pic));
	pic->intr = intr;
	pic->ctx = ctx;
	for (unsigned i = 0; i < 2; i++) {
		struct i8259_chip *c = &pic->chip[i];

		/* What a BIOS programs: ICW1 0x11 (edge, cascade, ICW4), ICW4 0x01 (8086). */
		c->icw1 = I8259_ICW1 | I8259_ICW1_IC4;
		c->icw4 = 0x01;
		c->vector_base = i == 0 ? 0x08 : 0x70;
		c->icw3 = i == 0 ? BIT(I8259_CASCADE_IR) : I8259_CASCADE_IR;
		c->imr = i == 0 ? (uint8_t)~BIT(I8259_CASCADE_IR) : 0xff;
		/* ELCR: IRQ 0, 1, 2 (master) and 8, 13 (slave) are edge only. */
		c->elcr_mask = i == 0 ? 0xf8 : 0xde;
	}
}

void i8259_set_ack(struct i8259 *pic, const struct irq_pin_ack *ack)
{
	pic->ack = *ack;
}

int i8259_attach(struct i8259 *pic, struct bus *bus)
{
	if (bus_add_pio(bus, 0x20, 2, BUS_BYTE_PORTS, "pic-master", i8259_pio, pic, &pic->lock) != 0 ||
	    bus_add_pio(bus, 0xa0, 2, BUS_BYTE_PORTS, "pic-slave", i8259_pio, pic, &pic->lock) != 0 ||
	    bus_add_pio(bus, 0x4d0, 2, BUS_BYTE_PORTS, "elcr", i8259_elcr_pio, pic, &pic->lock) != 0)
		return -1;
	return 0;
}

/*
 * Drive ISA line irq. Line 2 is not an input: on the AT the bus's IRQ 2
 * pin is the cascade (the slave's INT); nothing else may drive it.
 */
void i8259_set_irq(struct i8259 *pic, unsigned irq, bool level)
{
	if (irq >= 16 || irq == I8259_CASCADE_IR)
		return;
	vmm_lock_acquire(&pic->lock);
	i8259_chip_line(&pic->chip[irq >> 3], irq & 7, level);
	i8259_update(pic);
	vmm_lock_release(&pic->lock);
}

bool i8259_output(struct i8259 *pic)
{
	bool out;

	vmm_lock_acquire(&pic->lock);
	out = pic->output;
	vmm_lock_release(&pic->lock);
	return out;
}

/*
 * INTA: the master resolves; a cascade input hands the cycle to the
 * slave. No request left: the default IR7 of the chip that was asked
 * (the master's, or the slave's IRQ 15, the master's IR2 then staying in
 * service as for any slave interrupt: the guest EOIs the master only).
 */
static uint8_t i8259_inta(struct i8259 *pic, int *pin)
{
	struct i8259_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int irq = i8259_request(m, i8259_cascade_mask(pic, m));

	*pin = -1;
	if (irq < 0)
		return m->vector_base | 7;
	i8259_chip_ack(m, (unsigned)irq);
	if (!(i8259_cascade_mask(pic, m) & BIT(irq))) {
		*pin = irq;
		return (uint8_t)(m->vector_base | (unsigned)irq);
	}
	irq = i8259_request(s, 0);
	if (irq < 0)
		return s->vector_base | 7;
	i8259_chip_ack(s, (unsigned)irq);
	*pin = 8 + irq;
	return (uint8_t)(s->vector_base | (unsigned)irq);
}

/* The acknowledge goes to the monitor once the lock is dropped (irq.h). */
uint8_t i8259_ack(struct i8259 *pic)
{
	uint8_t vec;
	int pin;

	vmm_lock_acquire(&pic->lock);
	vec = i8259_inta(pic, &pin);
	i8259_update(pic);
	vmm_lock_release(&pic->lock);
	if (pin >= 0)
		irq_pin_acked(&pic->ack, (unsigned)pin);
	return vec;
}
