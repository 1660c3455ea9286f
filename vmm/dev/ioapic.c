/*
 * ioapic.c - the I/O APIC of ioapic.h: 24 pins, version 0x20 with the
 * EOI register.
 *
 * Window (82093AA datasheet 3.0; ICH9 datasheet 13.5 for the EOI
 * register): IOREGSEL at 0x00 selects a register, IOWIN at 0x10 reads
 * or writes it, EOI at 0x40 takes a vector. Registers: 0x00 ID (bits
 * 27:24), 0x01 version, 0x02 arbitration ID, 0x10-0x3f the 24
 * redirection entries (two registers each, low half first).
 *
 * Accesses: the datasheet allows only aligned 32-bit accesses to the
 * three registers. Others are dropped: a read of anything else gives 0
 * (as QEMU's IOAPIC does), a write does nothing. Reserved registers
 * (0x03-0x0f, 0x40-0xff) read 0 and ignore writes.
 *
 * Redirection entry (82093AA 3.2.4): bits 7:0 vector, 10:8 delivery
 * mode, 11 destination mode (1 logical), 12 delivery status (RO), 13
 * polarity (1 active low), 14 Remote IRR (RO), 15 trigger mode
 * (1 level), 16 mask, 63:56 destination. Reserved bits read 0.
 *
 * Pins: an edge-triggered pin delivers on each rising edge of its
 * (polarity-corrected) input while unmasked; an edge on a masked pin is
 * lost (82093AA 3.2.4, "Interrupt Mask"). A level-triggered pin
 * delivers while asserted, unmasked and Remote IRR clear, and sets
 * Remote IRR; so a masked asserted pin delivers once it is unmasked (as
 * the chipsets QEMU and KVM model do). The EOI clears Remote IRR and a
 * still-asserted line delivers again. Delivery status always reads 0:
 * a message is handed to the LAPICs at once.
 *
 * Acknowledges (irq.h): the LAPIC's EOI of a vector reports the pins
 * that deliver it (ioapic_eoi: the level pins whose Remote IRR it
 * cleared; ioapic_edge_eoi: the edge pins), after the lock is dropped; a
 * change of a pin's mask bit is reported under the lock. The EOI
 * register reports nothing: the LAPIC's EOI always comes too.
 *
 * Switching an entry to edge mode clears its Remote IRR, as KVM and
 * QEMU do: Linux clears a stuck Remote IRR on IOAPICs without the EOI
 * register by flipping the trigger mode to edge and back.
 */
#include "ioapic.h"

#define IOAPIC_REGSEL   0x00
#define IOAPIC_IOWIN    0x10
#define IOAPIC_EOI      0x40

#define IOAPIC_REG_ID   0x00
#define IOAPIC_REG_VER  0x01
#define IOAPIC_REG_ARB  0x02
#define IOAPIC_REG_REDIR 0x10

#define IOAPIC_ID_MASK  BITS(27, 24)
#define IOAPIC_VERSION  0x20
/* Version register: maximum redirection entry (23) in 23:16, version in 7:0. */
#define IOAPIC_VER_VALUE (SHIFTIN(IOAPIC_PINS - 1, BITS(23, 16)) | IOAPIC_VERSION)

/* Redirection entry fields. */
#define IOAPIC_RE_VECTOR  BITS(7, 0)
#define IOAPIC_RE_DM      BITS(10, 8)
#define IOAPIC_RE_LOGICAL BIT(11)
#define IOAPIC_RE_DS      BIT(12)       /* delivery status, read-only */
#define IOAPIC_RE_POL_LOW BIT(13)
#define IOAPIC_RE_RIRR    BIT(14)       /* Remote IRR, read-only */
#define IOAPIC_RE_LEVEL   BIT(15)
#define IOAPIC_RE_MASK    BIT(16)
#define IOAPIC_RE_DEST    BITS(63, 56)
/* What software may write (the rest is read-only or reserved). */
#define IOAPIC_RE_WMASK   (IOAPIC_RE_VECTOR | IOAPIC_RE_DM | IOAPIC_RE_LOGICAL | \
			   IOAPIC_RE_POL_LOW | IOAPIC_RE_LEVEL | IOAPIC_RE_MASK | \
			   IOAPIC_RE_DEST)

/* The input of pin after polarity: true if the pin is asserted. */
static bool ioapic_asserted(const struct ioapic *io, unsigned pin)
{
	bool line = (io->lines >> pin) & 1;

	return line != ((io->redir[pin] & IOAPIC_RE_POL_LOW) != 0);
}

/* Hand the message of pin's entry to the LAPICs (lock held). */
static void ioapic_send(struct ioapic *io, unsigned pin)
{
	uint64_t re = io->redir[pin];
	struct ioapic_msg msg = {
		.dest = (uint32_t)SHIFTOUT(re, IOAPIC_RE_DEST),
		.logical = (re & IOAPIC_RE_LOGICAL) != 0,
		.mode = (unsigned)SHIFTOUT(re, IOAPIC_RE_DM),
		.vector = (uint8_t)SHIFTOUT(re, IOAPIC_RE_VECTOR),
		.level_trig = (re & IOAPIC_RE_LEVEL) != 0,
	};

	if (io->deliver != NULL)
		io->deliver(io->ctx, &msg);
}

/*
 * A level-triggered pin: deliver if asserted, unmasked and Remote IRR
 * clear, and set Remote IRR (lock held). Edge pins do nothing here.
 */
static void ioapic_service_level(struct ioapic *io, unsigned pin)
{
	uint64_t re = io->redir[pin];

	if ((re & IOAPIC_RE_LEVEL) == 0 || (re & (IOAPIC_RE_MASK | IOAPIC_RE_RIRR)) != 0)
		return;
	if (!ioapic_asserted(io, pin))
		return;
	io->redir[pin] |= IOAPIC_RE_RIRR;
	ioapic_send(io, pin);
}

void ioapic_init(struct ioapic *io, uint8_t id,
		 void (*deliver)(void *ctx, const struct ioapic_msg *msg), void *ctx)
{
	memset(io, 0, sizeof(*io));
	io->id = id & 0xf;
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		io->redir[i] = IOAPIC_RE_MASK;
	io->deliver = deliver;
	io->ctx = ctx;
}

/* Read the register IOREGSEL selects (lock held). */
static uint32_t ioapic_read_reg(const struct ioapic *io)
{
	uint32_t sel = io->regsel;

	switch (sel) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:    /* 82093AA 3.2.3: the arbitration ID follows the ID */
		return (uint32_t)SHIFTIN(io->id, IOAPIC_ID_MASK);
	case IOAPIC_REG_VER:
		return IOAPIC_VER_VALUE;
	}
	if (sel >= IOAPIC_REG_REDIR && sel < IOAPIC_REG_REDIR + 2 * IOAPIC_PINS) {
		uint64_t re = io->redir[(sel - IOAPIC_REG_REDIR) / 2];

		return (sel & 1) ? (uint32_t)(re >> 32) : (uint32_t)re;
	}
	return 0;
}

/* Write the register IOREGSEL selects (lock held). */
static void ioapic_write_reg(struct ioapic *io, uint32_t val)
{
	uint32_t sel = io->regsel;
	unsigned pin;
	uint64_t re, neu;

	if (sel == IOAPIC_REG_ID) {
		io->id = (uint8_t)SHIFTOUT(val, IOAPIC_ID_MASK);
		return;
	}
	if (sel < IOAPIC_REG_REDIR || sel >= IOAPIC_REG_REDIR + 2 * IOAPIC_PINS)
		return;                 /* version, arbitration, reserved: read-only */
	pin = (sel - IOAPIC_REG_REDIR) / 2;
	re = io->redir[pin];
	if (sel & 1)
		neu = (re & 0xffffffffULL) | ((uint64_t)val << 32);
	else
		neu = (re & ~0xffffffffULL) | val;
	neu = (neu & IOAPIC_RE_WMASK) | (re & IOAPIC_RE_RIRR);
	if ((neu & IOAPIC_RE_LEVEL) == 0)
		neu &= ~IOAPIC_RE_RIRR;
	io->redir[pin] = neu;
	if ((re ^ neu) & IOAPIC_RE_MASK)
		irq_pin_reset(&io->ack, pin);   /* an edge in flight may be lost */
	ioapic_service_level(io, pin);  /* e.g. unmasked while asserted */
}

/*
 * Clear Remote IRR of the level pins with vector and re-deliver (lock
 * held). Returns the pins whose Remote IRR was set.
 */
static uint32_t ioapic_eoi_locked(struct ioapic *io, uint8_t vector)
{
	uint32_t pins = 0;

	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t re = io->redir[pin];

		if (SHIFTOUT(re, IOAPIC_RE_VECTOR) != vector || (re & IOAPIC_RE_RIRR) == 0)
			continue;
		pins |= 1u << pin;
		io->redir[pin] = re & ~IOAPIC_RE_RIRR;
		ioapic_service_level(io, pin);
	}
	return pins;
}

/* Report the pins in the mask acknowledged (lock not held). */
static void ioapic_report_acked(struct ioapic *io, uint32_t pins)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		if (pins & (1u << pin))
			irq_pin_acked(&io->ack, pin);
}

/* MMIO handler: the bus holds the lock. */
static void ioapic_mmio(void *dev, uint64_t off, bool write, unsigned size, uint64_t *val)
{
	struct ioapic *io = dev;

	if (size != 4) {
		if (!write)
			*val = 0;
		return;
	}
	switch (off) {
	case IOAPIC_REGSEL:
		if (write)
			io->regsel = (uint32_t)*val & 0xff;
		else
			*val = io->regsel;
		return;
	case IOAPIC_IOWIN:
		if (write)
			ioapic_write_reg(io, (uint32_t)*val);
		else
			*val = ioapic_read_reg(io);
		return;
	case IOAPIC_EOI:
		if (write)      /* level pins only: the LAPIC's EOI reports the acknowledge */
			(void)ioapic_eoi_locked(io, (uint8_t)*val);
		else
			*val = 0;
		return;
	}
	if (!write)
		*val = 0;
}

int ioapic_attach(struct ioapic *io, struct bus *bus, gpa_t base)
{
	return bus_add_mmio(bus, base, 0x1000, "ioapic", ioapic_mmio, io, &io->lock);
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level)
{
	bool was;

	if (pin >= IOAPIC_PINS)
		return;
	vmm_lock_acquire(&io->lock);
	was = ioapic_asserted(io, pin);
	if (level)
		io->lines |= 1u << pin;
	else
		io->lines &= ~(1u << pin);
	if (io->redir[pin] & IOAPIC_RE_LEVEL)
		ioapic_service_level(io, pin);
	else if (!was && ioapic_asserted(io, pin) && (io->redir[pin] & IOAPIC_RE_MASK) == 0)
		ioapic_send(io, pin);
	vmm_lock_release(&io->lock);
}

void ioapic_set_ack(struct ioapic *io, const struct irq_pin_ack *ack)
{
	io->ack = *ack;
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	uint32_t pins;

	vmm_lock_acquire(&io->lock);
	pins = ioapic_eoi_locked(io, vector);
	vmm_lock_release(&io->lock);
	ioapic_report_acked(io, pins);
}

void ioapic_edge_eoi(struct ioapic *io, uint8_t vector)
{
	uint32_t pins = 0;

	vmm_lock_acquire(&io->lock);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t re = io->redir[pin];

		if (SHIFTOUT(re, IOAPIC_RE_VECTOR) == vector && (re & IOAPIC_RE_LEVEL) == 0)
			pins |= 1u << pin;
	}
	vmm_lock_release(&io->lock);
	ioapic_report_acked(io, pins);
}
