/*
 * test_pc_testdev.c - QEMU's pc-testdev (vmm/dev/pc_testdev.c) through
 * the bus: the scratch register at 0xe0-0xe3 at every width and offset,
 * its byte-wide view at 0xe8-0xeb, the flush port, the IRQ line ports and
 * the 64 KiB MMIO buffer.
 *
 * Expected values follow QEMU's device (hw/misc/pc-testdev.c): an access
 * at 0xe0+k covers bytes k.. of the register; ports nobody decodes read
 * all-ones (bus.h).
 */
#include "bus.h"
#include "devtest.h"
#include "pc_testdev.h"

static struct bus bus;
/* The device, with zeroed bytes after it to catch writes past its buffer. */
static struct {
	struct pc_testdev dev;
	uint8_t guard[8];
} g;
#define td g.dev
static struct dt_irq irqs[PC_TESTDEV_LINES];
static unsigned unlocked_sets;

static void rec_irq(void *ctx, unsigned line, bool level)
{
	if (td.lock.locked == 0)
		unlocked_sets++;
	dt_irq_set(ctx, line, level);
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint32_t v = 0;

	bus_pio(&bus, port, false, size, &v);
	return v;
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
	bus_pio(&bus, port, true, size, &v);
}

static uint64_t mrd(uint64_t off, unsigned size)
{
	uint64_t v = 0;

	bus_mmio(&bus, PC_TESTDEV_MMIO_BASE + off, false, size, &v);
	return v;
}

static void mwr(uint64_t off, unsigned size, uint64_t v)
{
	bus_mmio(&bus, PC_TESTDEV_MMIO_BASE + off, true, size, &v);
}

/* Scratch register: (op, port, size, value) in order; reads check value. */
static const struct { bool write; uint16_t port; unsigned size; uint32_t val; const char *name; } scratch[] = {
	{ false, 0xe0, 4, 0x00000000, "scratch starts at 0" },
	{ true,  0xe0, 4, 0x11223344, NULL },
	{ false, 0xe0, 1, 0x44, "byte 0" },
	{ false, 0xe1, 1, 0x33, "byte 1" },
	{ false, 0xe2, 1, 0x22, "byte 2" },
	{ false, 0xe3, 1, 0x11, "byte 3" },
	{ false, 0xe1, 2, 0x2233, "word at 0xe1" },
	{ false, 0xe2, 2, 0x1122, "word at 0xe2" },
	{ false, 0xe0, 4, 0x11223344, "dword" },
	{ true,  0xe2, 1, 0xaa, NULL },
	{ false, 0xe0, 4, 0x11aa3344, "byte write at 0xe2" },
	{ true,  0xe1, 2, 0xbbcc, NULL },
	{ false, 0xe0, 4, 0x11bbcc44, "word write at 0xe1" },
	{ false, 0xe2, 4, 0xffff11bb, "dword at 0xe2: bytes 2, 3, then all-ones" },
	{ false, 0xe3, 2, 0xff11, "word at 0xe3: byte 3, then all-ones" },
	{ true,  0xe3, 4, 0x55667788, NULL },
	{ false, 0xe0, 4, 0x88bbcc44, "dword write at 0xe3 keeps byte 3 only" },
	{ false, 0xe8, 1, 0x44, "0xe8 is byte 0" },
	{ false, 0xeb, 1, 0x88, "0xeb is byte 3" },
	{ true,  0xe9, 1, 0x99, NULL },
	{ false, 0xe0, 4, 0x88bb9944, "byte write at 0xe9 lands in byte 1" },
	{ false, 0xea, 2, 0x88bb, "word at 0xea split into bytes 2, 3" },
	{ false, 0xea, 4, 0xffff88bb, "dword at 0xea: 0xec, 0xed undecoded" },
	{ true,  0xe8, 2, 0x1234, NULL },
	{ false, 0xe0, 4, 0x88bb1234, "word write at 0xe8 split into bytes 0, 1" },
	{ true,  0xe8, 4, 0xa1b2c3d4, NULL },
	{ false, 0xe0, 4, 0xa1b2c3d4, "dword write at 0xe8: all four bytes" },
};

static void test_scratch(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(scratch); i++) {
		if (scratch[i].write)
			out(scratch[i].port, scratch[i].size, scratch[i].val);
		else
			DT_EQ(in(scratch[i].port, scratch[i].size), scratch[i].val, scratch[i].name);
	}
}

static void test_flush(void)
{
	out(0xe4, 4, 0x1000);
	DT_EQ(td.flushes, 1, "32-bit write at 0xe4 counts");
	out(0xe4, 1, 0x10);
	out(0xe4, 2, 0x1000);
	out(0xe5, 4, 0x1000);
	DT_EQ(td.flushes, 1, "other widths and offsets do not");
	out(0xe4, 4, 0x2000);
	DT_EQ(td.flushes, 2, "second flush");
	DT_EQ(in(0xe4, 4), 0xffffffff, "flush port reads all-ones");
	DT_EQ(in(0xe6, 1), 0xff, "flush range byte reads all-ones");
	DT_EQ(in(0xe0, 4), 0xa1b2c3d4, "flush did not touch the scratch register");
}

static void test_irq(void)
{
	out(0x2003, 1, 1);
	ut_ok(irqs[3].level && irqs[3].line == 3 && irqs[3].edges == 1, "write 1 to 0x2003 raises line 3", NULL);
	DT_EQ(in(0x2003, 1), 1, "0x2003 reads 1");
	DT_EQ(in(0x2002, 1), 0, "0x2002 reads 0");
	out(0x2003, 1, 0);
	ut_ok(!irqs[3].level, "write 0 lowers it", NULL);
	DT_EQ(in(0x2003, 1), 0, "0x2003 reads 0 again");
	out(0x2017, 1, 0x80);
	ut_ok(irqs[23].level && irqs[23].line == 23, "any non-zero value raises (line 23)", NULL);
	DT_EQ(in(0x2017, 1), 1, "reads 1, not the value");
	out(0x2004, 2, 0x0100);
	ut_ok(!irqs[4].level && irqs[5].level, "a word write drives two lines (4 low, 5 high)", NULL);
	DT_EQ(in(0x2004, 2), 0x0100, "word read of lines 4, 5");
	DT_EQ(in(0x2016, 4), 0xffff0100, "dword at 0x2016: lines 22, 23, then undecoded");
	out(0x2005, 1, 1);
	DT_EQ(irqs[5].edges, 1, "level already high: no new edge");
	out(0x2005, 1, 0);
	out(0x2005, 1, 1);
	DT_EQ(irqs[5].edges, 2, "low then high: a new edge");
	ut_ok(!irqs[0].level && !irqs[22].level && irqs[0].edges == 0, "other lines untouched", NULL);
	DT_EQ(unlocked_sets, 0, "lines driven under the device lock");
}

static void test_mmio(void)
{
	mwr(0, 8, 0x0807060504030201ULL);
	DT_EQ(mrd(0, 8), 0x0807060504030201ULL, "qword back");
	DT_EQ(mrd(0, 1), 0x01, "byte 0");
	DT_EQ(mrd(7, 1), 0x08, "byte 7");
	DT_EQ(mrd(2, 2), 0x0403, "word at 2");
	DT_EQ(mrd(4, 4), 0x08070605, "dword at 4");
	DT_EQ(mrd(3, 4), 0x07060504, "unaligned dword at 3");
	DT_EQ(mrd(1, 8), 0x0008070605040302ULL, "unaligned qword at 1 (byte 8 is 0)");
	mwr(5, 2, 0xbbaa);
	DT_EQ(mrd(0, 8), 0x08bbaa0504030201ULL, "unaligned word write at 5");
	mwr(0xfff8, 8, 0x1122334455667788ULL);
	DT_EQ(mrd(0xfff8, 8), 0x1122334455667788ULL, "last qword");
	DT_EQ(mrd(0xffff, 1), 0x11, "last byte");
	DT_EQ(mrd(0xfffc, 8), 0xffffffff11223344ULL, "qword running past the end: all-ones beyond");
	mwr(0xfffe, 4, 0xa5a5c3c3);
	DT_EQ(mrd(0xfff8, 8), 0xc3c3334455667788ULL, "write running past the end keeps the inside part");
	{
		const uint8_t *past = (const uint8_t *)&g + offsetof(struct pc_testdev, mem) +
				      PC_TESTDEV_MMIO_SIZE;

		ut_ok(past[0] == 0 && past[1] == 0, "nothing stored past the buffer", NULL);
	}
	for (unsigned i = 0; i < 256; i++)
		mwr(0x8000 + i, 1, i);
	DT_EQ(mrd(0x8000, 8), 0x0706050403020100ULL, "byte pattern as qword");
	DT_EQ(mrd(0x80f8, 8), 0xfffefdfcfbfaf9f8ULL, "byte pattern end");
	DT_EQ(mrd(0x8100, 1), 0x00, "untouched byte");
	DT_EQ(mrd(0x4000, 4), 0, "buffer starts zeroed");
	mwr(0x4000, 2, 0xffffffffffff1234ULL);
	DT_EQ(mrd(0x4000, 8), 0x1234, "word write stores 2 bytes, whatever is above them");
	mwr(0x4000, 4, 0xeeeeeeee89abcdefULL);
	DT_EQ(mrd(0x4000, 8), 0x89abcdef, "dword write stores 4 bytes");
	mwr(0x4004, 1, 0x1ff);
	DT_EQ(mrd(0x4000, 8), 0xff89abcdefULL, "byte write stores 1 byte");
	mwr(0x4008, 8, ~0ULL);
	mwr(0x400b, 3, 0x445566);
	DT_EQ(mrd(0x4008, 8), 0xffff445566ffffffULL, "3-byte write at 0x400b");
	DT_EQ(mrd(0x400a, 3), 0x5566ff, "3-byte read at 0x400a");
	ut_ok(bus_find_mmio(&bus, PC_TESTDEV_MMIO_BASE + 0xffff) != NULL &&
	      bus_find_mmio(&bus, PC_TESTDEV_MMIO_BASE + 0x10000) == NULL &&
	      bus_find_mmio(&bus, PC_TESTDEV_MMIO_BASE - 1) == NULL, "window is exactly 64 KiB", NULL);
	ut_ok(td.lock.locked == 0, "lock released", NULL);
}

int main(void)
{
	struct irq_line lines[PC_TESTDEV_LINES];

	for (unsigned n = 0; n < PC_TESTDEV_LINES; n++) {
		lines[n] = dt_irq_line(&irqs[n], n);
		lines[n].set = rec_irq;
	}
	bus_init(&bus);
	pc_testdev_init(&td, lines);
	DT_EQ(pc_testdev_attach(&td, &bus), 0, "attach");
	test_scratch();
	test_flush();
	test_irq();
	test_mmio();
	ut_ok(!bus_pio(&bus, 0xec, false, 1, &(uint32_t){ 0 }) && !bus_pio(&bus, 0xdf, false, 1, &(uint32_t){ 0 }) &&
	      !bus_pio(&bus, 0x2018, false, 1, &(uint32_t){ 0 }) && !bus_pio(&bus, 0x1fff, false, 1, &(uint32_t){ 0 }),
	      "ports around the device unclaimed", NULL);
	DT_EQ(pc_testdev_attach(&td, &bus), (uint64_t)-1, "attach twice refused");
	return ut_done();
}
