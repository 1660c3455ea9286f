/*
 * test_ioapic.c - the I/O APIC (vmm/dev/ioapic.c) through the bus at
 * 0xfec00000: ID, version, arbitration, redirection entries, edge and
 * level pins, Remote IRR and EOI (LAPIC broadcast and the EOI register),
 * polarity, mask and unmask while asserted, access sizes.
 *
 * Expected values: Intel 82093AA datasheet 3.0-3.2 (IOREGSEL 0x00,
 * IOWIN 0x10, ID bits 27:24, version register 23:16 max entry and 7:0
 * version, redirection entry layout), ICH9 datasheet 13.5 (EOI register
 * at 0x40, version 0x20); 24 entries, so the version reads 0x00170020.
 */
#include "bus.h"
#include "devtest.h"
#include "ioapic.h"
#include "lapic.h"

#define BASE     0xfec00000ULL
#define REDIR(p) (0x10u + 2u * (p))
#define RE_LEVEL 0x8000u
#define RE_RIRR  0x4000u
#define RE_POL_LOW 0x2000u
#define RE_LOGICAL 0x800u
#define RE_MASK  0x10000u

static struct bus bus;
static struct ioapic io;

struct rec {
	unsigned n;
	struct ioapic_msg last;
	bool locked;
};
static struct rec R;

static void rec_deliver(void *ctx, const struct ioapic_msg *m)
{
	struct rec *r = ctx;

	r->n++;
	r->last = *m;
	r->locked = io.lock.locked != 0;
}

static uint64_t mmio_rd(uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefULL;

	bus_mmio(&bus, BASE + off, false, size, &v);
	return v;
}

static void mmio_wr(uint64_t off, unsigned size, uint64_t v)
{
	bus_mmio(&bus, BASE + off, true, size, &v);
}

static uint32_t reg_rd(uint32_t reg)
{
	mmio_wr(0x00, 4, reg);
	return (uint32_t)mmio_rd(0x10, 4);
}

static void reg_wr(uint32_t reg, uint32_t v)
{
	mmio_wr(0x00, 4, reg);
	mmio_wr(0x10, 4, v);
}

static void fresh(uint8_t id)
{
	memset(&R, 0, sizeof(R));
	bus_init(&bus);
	ioapic_init(&io, id, rec_deliver, &R);
	if (ioapic_attach(&io, &bus, BASE) != 0)
		ut_ok(0, "ioapic_attach", NULL);
}

static void test_registers(void)
{
	char name[64];
	bool all = true;

	fresh(5);
	DT_EQ(reg_rd(0x00), 0x05000000, "ID at reset");
	DT_EQ(reg_rd(0x01), 0x00170020, "version: 24 entries, version 0x20");
	DT_EQ(reg_rd(0x02), 0x05000000, "arbitration ID follows the ID");
	for (unsigned p = 0; p < IOAPIC_PINS; p++)
		all &= reg_rd(REDIR(p)) == RE_MASK && reg_rd(REDIR(p) + 1) == 0;
	ut_ok(all, "every entry masked, edge, active high, vector 0, destination 0", NULL);
	DT_EQ(mmio_rd(0x00, 4), REDIR(23) + 1, "IOREGSEL reads back");
	reg_wr(0x00, 0xffffffff);
	DT_EQ(reg_rd(0x00), 0x0f000000, "ID: only bits 27:24 writable");
	DT_EQ(reg_rd(0x02), 0x0f000000, "arbitration follows the new ID");
	reg_wr(0x01, 0);
	DT_EQ(reg_rd(0x01), 0x00170020, "version read-only");
	reg_wr(0x02, 0);
	DT_EQ(reg_rd(0x02), 0x0f000000, "arbitration read-only");
	reg_wr(REDIR(7), 0xffffffff);
	DT_EQ(reg_rd(REDIR(7)), 0x0001afff, "entry low: delivery status, Remote IRR, reserved read 0");
	reg_wr(REDIR(7) + 1, 0xffffffff);
	DT_EQ(reg_rd(REDIR(7) + 1), 0xff000000, "entry high: destination bits 63:56");
	DT_EQ(reg_rd(REDIR(6)), RE_MASK, "neighbour entry untouched");
	reg_wr(REDIR(7), 0x12345);
	DT_EQ(reg_rd(REDIR(7) + 1), 0xff000000, "writing the low half keeps the high half");
	reg_wr(REDIR(23) + 1, 0xab000000);
	DT_EQ(reg_rd(REDIR(23) + 1), 0xab000000, "last entry high half");
	DT_EQ(reg_rd(REDIR(23)), RE_MASK, "writing the high half keeps the low half");
	reg_wr(REDIR(0), 0x20);
	reg_wr(REDIR(0) + 1, 0x01000000);
	ut_ok(reg_rd(REDIR(0)) == 0x20 && reg_rd(REDIR(0) + 1) == 0x01000000, "entry 0 writable",
	      NULL);
	ioapic_set_irq(&io, 23, true);  /* the input latch must not leak into register 0x40 */
	static const uint32_t reserved[] = { 0x03, 0x0f, 0x40, 0x41, 0xff };
	for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++) {
		reg_wr(reserved[i], 0xffffffff);
		snprintf(name, sizeof(name), "reserved register 0x%x reads 0", reserved[i]);
		DT_EQ(reg_rd(reserved[i]), 0, name);
	}
	mmio_wr(0x00, 4, 0x1ff);
	DT_EQ(mmio_rd(0x00, 4), 0xff, "IOREGSEL is 8 bits");
	mmio_wr(0x00, 4, 0x01);
	mmio_wr(0x00, 1, 0x00);
	DT_EQ(mmio_rd(0x00, 4), 0x01, "byte write to IOREGSEL dropped");
	DT_EQ(mmio_rd(0x10, 2), 0, "word read of IOWIN reads 0");
	DT_EQ(mmio_rd(0x10, 8), 0, "qword read of IOWIN reads 0");
	DT_EQ(mmio_rd(0x20, 4), 0, "unused offset 0x20 reads 0");
	DT_EQ(mmio_rd(0x40, 4), 0, "EOI register is write-only");
	mmio_wr(0x00, 4, 0x00);
	mmio_wr(0x10, 2, 0xffff);
	DT_EQ(reg_rd(0x00), 0x0f000000, "word write to IOWIN dropped");
	ut_ok(!io.lock.locked, "lock released after bus access", NULL);
	ioapic_set_irq(&io, 24, true);
	ioapic_set_irq(&io, 1000, true);
	DT_EQ(io.lines, 1u << 23, "pins >= 24 ignored");
}

static void test_edge(void)
{
	fresh(0);
	reg_wr(REDIR(1) + 1, 0x02000000);
	reg_wr(REDIR(1), 0x31);
	DT_EQ(R.n, 0, "unmasking an idle edge pin delivers nothing");
	ioapic_set_irq(&io, 1, true);
	DT_EQ(R.n, 1, "rising edge delivers");
	ut_ok(R.last.dest == 2 && !R.last.logical && R.last.mode == LAPIC_DM_FIXED &&
	      R.last.vector == 0x31 && !R.last.level_trig, "message: fixed, physical 2, vector 0x31, edge",
	      "dest %u vec 0x%x", R.last.dest, R.last.vector);
	DT_EQ(R.locked, 1, "delivered with the IOAPIC lock held");
	DT_EQ(reg_rd(REDIR(1)), 0x31, "edge entry: Remote IRR and delivery status stay 0");
	ioapic_set_irq(&io, 1, true);
	DT_EQ(R.n, 1, "still high: no new edge");
	ioapic_set_irq(&io, 1, false);
	DT_EQ(R.n, 1, "falling edge: nothing");
	ioapic_set_irq(&io, 1, true);
	DT_EQ(R.n, 2, "next rising edge");
	ioapic_set_irq(&io, 1, false);

	reg_wr(REDIR(1), RE_MASK | 0x31);
	ioapic_set_irq(&io, 1, true);
	DT_EQ(R.n, 2, "masked: edge ignored");
	reg_wr(REDIR(1), 0x31);
	DT_EQ(R.n, 2, "unmasking while high: the lost edge is not delivered");
	ioapic_set_irq(&io, 1, false);
	ioapic_set_irq(&io, 1, true);
	DT_EQ(R.n, 3, "next edge delivered");
	ioapic_set_irq(&io, 1, false);

	reg_wr(REDIR(4), RE_POL_LOW | 0x34);
	DT_EQ(R.n, 3, "active-low edge entry: nothing on the write");
	ioapic_set_irq(&io, 4, true);
	DT_EQ(R.n, 3, "active low: rising line is the de-asserting edge");
	ioapic_set_irq(&io, 4, false);
	ut_ok(R.n == 4 && R.last.vector == 0x34, "active low: falling line delivers", NULL);

	reg_wr(REDIR(5) + 1, 0xab000000);
	reg_wr(REDIR(5), RE_LOGICAL | 0x100 | 0x35);
	ioapic_set_irq(&io, 5, true);
	ut_ok(R.n == 5 && R.last.dest == 0xab && R.last.logical && R.last.mode == LAPIC_DM_LOWPRI &&
	      R.last.vector == 0x35, "message: lowest priority, logical 0xab", NULL);
	reg_wr(REDIR(6), 0x400);
	ioapic_set_irq(&io, 6, true);
	ut_ok(R.n == 6 && R.last.mode == LAPIC_DM_NMI, "message: NMI", NULL);
	reg_wr(REDIR(8), 0x700);
	ioapic_set_irq(&io, 8, true);
	ut_ok(R.n == 7 && R.last.mode == LAPIC_DM_EXTINT, "message: ExtINT", NULL);
}

static void test_level(void)
{
	fresh(0);
	reg_wr(REDIR(2), RE_LEVEL | 0x42);
	ioapic_set_irq(&io, 2, true);
	ut_ok(R.n == 1 && R.last.level_trig && R.last.vector == 0x42, "level pin: delivered, level", NULL);
	DT_EQ(reg_rd(REDIR(2)), RE_LEVEL | RE_RIRR | 0x42, "Remote IRR set");
	ioapic_set_irq(&io, 2, true);
	DT_EQ(R.n, 1, "Remote IRR set: no second message");
	reg_wr(REDIR(2), RE_LEVEL | 0x42);
	DT_EQ(reg_rd(REDIR(2)), RE_LEVEL | RE_RIRR | 0x42, "Remote IRR is read-only");
	DT_EQ(R.n, 1, "rewriting the entry does not re-deliver");
	ioapic_eoi(&io, 0x43);
	DT_EQ(R.n, 1, "EOI of another vector: nothing");
	ioapic_eoi(&io, 0x42);
	DT_EQ(R.n, 2, "EOI while still asserted: delivered again");
	DT_EQ(reg_rd(REDIR(2)) & RE_RIRR, RE_RIRR, "Remote IRR set again");
	ioapic_set_irq(&io, 2, false);
	DT_EQ(R.n, 2, "de-assert: nothing");
	ioapic_eoi(&io, 0x42);
	DT_EQ(reg_rd(REDIR(2)), RE_LEVEL | 0x42, "EOI clears Remote IRR");
	DT_EQ(R.n, 2, "line low: no message");
	ioapic_set_irq(&io, 2, true);
	DT_EQ(R.n, 3, "asserted again: delivered");

	mmio_wr(0x40, 4, 0x42);
	ut_ok(R.n == 4 && (reg_rd(REDIR(2)) & RE_RIRR), "EOI register: same as the LAPIC broadcast",
	      NULL);
	ioapic_set_irq(&io, 2, false);
	mmio_wr(0x40, 4, 0x142);
	DT_EQ(reg_rd(REDIR(2)), RE_LEVEL | 0x42, "EOI register takes bits 7:0");

	reg_wr(REDIR(9), RE_MASK | RE_LEVEL | 0x49);
	ioapic_set_irq(&io, 9, true);
	DT_EQ(R.n, 4, "masked level pin: nothing");
	DT_EQ(reg_rd(REDIR(9)) & RE_RIRR, 0, "and no Remote IRR");
	reg_wr(REDIR(9), RE_LEVEL | 0x49);
	ut_ok(R.n == 5 && R.last.vector == 0x49, "unmasked while asserted: delivered then", NULL);
	DT_EQ(R.locked, 1, "from the MMIO path with the lock held (the bus took it)");

	reg_wr(REDIR(10), RE_LEVEL | RE_POL_LOW | 0x4a);
	ut_ok(R.n == 6 && R.last.vector == 0x4a, "active-low level pin with the line low: asserted",
	      NULL);
	ioapic_set_irq(&io, 10, true);
	ioapic_eoi(&io, 0x4a);
	DT_EQ(R.n, 6, "line high = de-asserted: EOI does not re-deliver");
	ioapic_set_irq(&io, 10, false);
	DT_EQ(R.n, 7, "line low again: delivered");

	reg_wr(REDIR(11), RE_LEVEL | 0x4b);
	reg_wr(REDIR(12), RE_LEVEL | 0x4b);
	ioapic_set_irq(&io, 11, true);
	ioapic_set_irq(&io, 12, true);
	DT_EQ(R.n, 9, "two level pins with one vector");
	ioapic_set_irq(&io, 11, false);
	ioapic_eoi(&io, 0x4b);
	ut_ok(!(reg_rd(REDIR(11)) & RE_RIRR) && (reg_rd(REDIR(12)) & RE_RIRR) && R.n == 10,
	      "EOI clears both; the asserted one delivers again", NULL);

	reg_wr(REDIR(12), 0x4b);
	DT_EQ(reg_rd(REDIR(12)), 0x4b, "switching to edge clears Remote IRR");
	DT_EQ(R.n, 10, "and sends nothing");
	reg_wr(REDIR(12), RE_LEVEL | 0x4b);
	DT_EQ(R.n, 11, "back to level while asserted: delivered");
}

/* The acknowledge reports (irq.h): table of steps on one IOAPIC. */
static uint32_t acked_pins, reset_pins;
static bool acked_locked, reset_unlocked;

static void rec_acked(void *ctx, unsigned pin)
{
	(void)ctx;
	acked_pins |= 1u << pin;
	acked_locked |= io.lock.locked != 0;
}

static void rec_reset(void *ctx, unsigned pin)
{
	(void)ctx;
	reset_pins |= 1u << pin;
	reset_unlocked |= io.lock.locked == 0;
}

enum ack_op { A_REDIR_LO, A_REDIR_HI, A_EDGE_EOI, A_LEVEL_EOI, A_EOI_REG, A_LINE };

struct ack_step {
	const char *name;
	enum ack_op op;
	unsigned pin;
	uint32_t v;             /* entry low or high half, vector, or line level */
	uint32_t acked, reset;  /* pins reported by this step */
};

static const struct ack_step ack_steps[] = {
	{ "unmasking pin 2 reports a reset", A_REDIR_LO, 2, 0x42, 0, BIT(2) },
	{ "rewriting it unmasked: nothing", A_REDIR_LO, 2, 0x42, 0, 0 },
	{ "its destination half: nothing", A_REDIR_HI, 2, 0xff000000, 0, 0 },
	{ "a second edge pin on 0x42", A_REDIR_LO, 5, 0x42, 0, BIT(5) },
	{ "a level pin on 0x42", A_REDIR_LO, 7, RE_LEVEL | 0x42, 0, BIT(7) },
	{ "level pin 7 asserted: Remote IRR", A_LINE, 7, 1, 0, 0 },
	{ "edge EOI of 0x42: the edge pins, not the level one", A_EDGE_EOI, 0, 0x42, BIT(2) | BIT(5), 0 },
	{ "edge EOI of 0x43: nobody", A_EDGE_EOI, 0, 0x43, 0, 0 },
	{ "level EOI of 0x42: the pin whose Remote IRR it cleared", A_LEVEL_EOI, 0, 0x42, BIT(7), 0 },
	{ "level line dropped", A_LINE, 7, 0, 0, 0 },
	{ "level EOI with Remote IRR set again: pin 7", A_LEVEL_EOI, 0, 0x42, BIT(7), 0 },
	{ "level EOI with no Remote IRR: nobody", A_LEVEL_EOI, 0, 0x42, 0, 0 },
	{ "EOI register: no report (the LAPIC's EOI is the acknowledge)", A_EOI_REG, 0, 0x42, 0, 0 },
	{ "masking pin 5 reports a reset", A_REDIR_LO, 5, RE_MASK | 0x42, 0, BIT(5) },
	{ "masked edge pin still reported on its vector's EOI", A_EDGE_EOI, 0, 0x42, BIT(2) | BIT(5), 0 },
};

static void test_acks(void)
{
	static const struct irq_pin_ack rec = { rec_acked, rec_reset, NULL };
	char name[128];

	fresh(0);
	ioapic_set_ack(&io, &rec);
	acked_locked = reset_unlocked = false;
	for (unsigned i = 0; i < sizeof(ack_steps) / sizeof(ack_steps[0]); i++) {
		const struct ack_step *st = &ack_steps[i];

		acked_pins = reset_pins = 0;
		switch (st->op) {
		case A_REDIR_LO:
			reg_wr(REDIR(st->pin), st->v);
			break;
		case A_REDIR_HI:
			reg_wr(REDIR(st->pin) + 1, st->v);
			break;
		case A_EDGE_EOI:
			ioapic_edge_eoi(&io, (uint8_t)st->v);
			break;
		case A_LEVEL_EOI:
			ioapic_eoi(&io, (uint8_t)st->v);
			break;
		case A_EOI_REG:
			mmio_wr(0x40, 4, st->v);
			break;
		case A_LINE:
			ioapic_set_irq(&io, st->pin, st->v != 0);
			break;
		}
		snprintf(name, sizeof(name), "acks: %s", st->name);
		ut_ok(acked_pins == st->acked && reset_pins == st->reset, name, "acked 0x%x reset 0x%x",
		      acked_pins, reset_pins);
	}
	ut_ok(!acked_locked && !reset_unlocked, "acks: acked without the lock, reset with it", NULL);
}

int main(void)
{
	test_registers();
	test_edge();
	test_level();
	test_acks();
	return ut_done();
}
